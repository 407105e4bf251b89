import Foundation
import SwitchyardPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Lambda's file system layout for a worker: the function's code at /var/task and its layers at
/// /opt, where AWS puts them (stack traces, `os.getcwd()` and code that opens `/var/task/...` see
/// AWS's paths). Where the machine lets the server give a process a mount namespace of its own
/// (util-linux `unshare`, as root or with user namespaces), each worker starts in one with those
/// directories bind-mounted; /var/task needs a mount point, which the server creates when it runs
/// as root. Elsewhere a worker runs in the unpacked directories themselves, its environment naming
/// them, and reaches its layers through the runtimes' search paths (see LayerPaths).
enum WorkerMounts {
    static let taskRoot = "/var/task"

    /// What this machine allows, found once on first use.
    struct Capabilities: Sendable {
        /// A worker may have its own mount namespace.
        var namespaces: Bool
        /// /var/task exists as a mount point.
        var taskRootMountPoint: Bool
    }

    static let capabilities: Capabilities = probe()

    /// The launch that runs `launch` with its code at /var/task and `layers` (if any) at /opt,
    /// as far as this machine allows. Paths naming the unpacked code become /var/task paths.
    static func wrap(_ launch: WorkerLaunch, codeDirectory: String, layers: String?) -> WorkerLaunch {
        let capabilities = self.capabilities
        guard capabilities.namespaces else { return launch }
        let mountsCode = capabilities.taskRootMountPoint
        guard mountsCode || layers != nil, let command = command(code: mountsCode ? codeDirectory : "", layers: layers)
        else { return launch }
        var wrapped = mountsCode ? relocated(launch, from: codeDirectory) : launch
        wrapped.arguments = command.arguments + [wrapped.executable] + wrapped.arguments
        wrapped.executable = command.executable
        return wrapped
    }

    /// The launch with every path under the unpacked code directory named under /var/task instead.
    static func relocated(_ launch: WorkerLaunch, from codeDirectory: String) -> WorkerLaunch {
        func move(_ text: String) -> String {
            text.contains(codeDirectory) ? text.replacingOccurrences(of: codeDirectory, with: taskRoot) : text
        }
        var moved = launch
        moved.executable = move(launch.executable)
        moved.arguments = launch.arguments.map(move)
        moved.environment = launch.environment.mapValues(move)
        return moved
    }

    /// `unshare` into a private mount namespace, bind-mount the code (unless empty) and the layers
    /// (unless nil), enter /var/task when mounted, then exec the rest of the arguments: the process
    /// stays the same one, so its pid is the worker's.
    private static func command(code: String, layers: String?) -> (executable: String, arguments: [String])? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let unshare = LocalProcess.find("unshare", searchPath: path),
            let shell = LocalProcess.find("sh", searchPath: path)
        else { return nil }
        var arguments = ["--mount", "--propagation", "private"]
        if getuid() != 0 { arguments.append("--map-root-user") }
        let script = """
            if [ -n "$0" ]; then mount --bind "$0" \(taskRoot) && cd \(taskRoot) && unset OLDPWD || exit 1; fi
            if [ -n "$1" ]; then mount --bind "$1" /opt || exit 1; fi
            shift
            exec "$@"
            """
        arguments += ["--", shell, "-c", script, code, layers ?? ""]
        return (unshare, arguments)
    }

    private static func probe() -> Capabilities {
        guard let command = command(code: "", layers: NSTemporaryDirectory()),
            FileManager.default.fileExists(atPath: "/opt")
        else { return Capabilities(namespaces: false, taskRootMountPoint: false) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.executable)
        process.arguments = command.arguments + ["/bin/sh", "-c", "exit 0"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return Capabilities(namespaces: false, taskRootMountPoint: false)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return Capabilities(namespaces: false, taskRootMountPoint: false) }
        // An empty directory to mount over: created once when the server may (it runs as root).
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: taskRoot, isDirectory: &isDirectory), geteuid() == 0 {
            try? FileManager.default.createDirectory(
                atPath: taskRoot, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        }
        let mountPoint =
            FileManager.default.fileExists(atPath: taskRoot, isDirectory: &isDirectory) && isDirectory.boolValue
        return Capabilities(namespaces: true, taskRootMountPoint: mountPoint)
    }
}
