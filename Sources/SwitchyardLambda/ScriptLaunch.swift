import Foundation

/// How a worker's first program starts, as Lambda's Amazon Linux would start it:
/// - A managed runtime's `AWS_LAMBDA_EXEC_WRAPPER` runs first and is handed the runtime's command
///   (AWS: "Wrapper scripts", for every runtime but the OS-only ones). Its path names the task root
///   as `/var/task/...` and the layers as `/opt/...`, which here are the unpacked directories.
/// - A script whose first line is `#!/bin/sh` runs under bash, because Amazon Linux's `/bin/sh` is
///   bash: AWS's own custom runtime tutorial writes its bootstrap that way, with `set -euo pipefail`,
///   which a POSIX shell such as dash refuses.
/// - A custom runtime's bootstrap starts without PWD in its environment, as on AWS.
enum ScriptLaunch {
    static let wrapperVariable = "AWS_LAMBDA_EXEC_WRAPPER"

    static func adjusted(_ launch: WorkerLaunch, runtime: String, taskRoot: String, layers: [String]) -> WorkerLaunch {
        var adjusted = launch
        if !runtime.hasPrefix("provided"), let wrapper = launch.environment[wrapperVariable], !wrapper.isEmpty {
            adjusted.arguments = [launch.executable] + launch.arguments
            adjusted.executable = hostPath(wrapper, taskRoot: taskRoot, layers: layers)
        }
        if let shell = bashForShellScript(adjusted.executable) {
            adjusted.arguments = shell.options + [adjusted.executable] + adjusted.arguments
            adjusted.executable = shell.bash
        }
        if runtime.hasPrefix("provided") {
            let started = RuntimeEnvironments.withoutWorkingDirectoryVariable(adjusted.executable, adjusted.arguments)
            adjusted.executable = started.executable
            adjusted.arguments = started.arguments
        }
        return adjusted
    }

    /// Where a path of Lambda's file system is here: `/var/task/x` in the task root, `/opt/x` in the
    /// last layer that has it (later layers win on AWS); other paths are the host's own.
    static func hostPath(_ path: String, taskRoot: String, layers: [String]) -> String {
        if path.hasPrefix("/var/task/") {
            return (taskRoot as NSString).appendingPathComponent(String(path.dropFirst("/var/task/".count)))
        }
        if path.hasPrefix("/opt/") {
            let relative = String(path.dropFirst("/opt/".count))
            for layer in layers.reversed() {
                let candidate = (layer as NSString).appendingPathComponent(relative)
                if FileManager.default.fileExists(atPath: candidate) { return candidate }
            }
        }
        return path
    }

    /// Bash and the interpreter options of a `#!/bin/sh` script, when this host's `/bin/sh` is not
    /// bash itself and bash is installed; nil otherwise.
    static func bashForShellScript(_ path: String) -> (bash: String, options: [String])? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 256), head.starts(with: Array("#!".utf8)) else { return nil }
        let firstLine = String(decoding: head.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
        let words = firstLine.dropFirst(2).split(separator: " ").map(String.init)
        guard words.first == "/bin/sh", FileManager.default.isExecutableFile(atPath: "/bin/bash"),
            !shellIsBash
        else { return nil }
        return ("/bin/bash", Array(words.dropFirst()))
    }

    /// Whether this host's `/bin/sh` is bash already (then scripts need nothing).
    private static let shellIsBash: Bool = {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/bin/sh")) ?? "/bin/sh"
        return (target as NSString).lastPathComponent == "bash"
    }()
}
