import Foundation
import SwitchyardPlatform

#if canImport(Glibc)
    import Glibc
#endif

/// Layers at /opt, where AWS unpacks them: where the machine lets an unprivileged process have a
/// mount namespace of its own (util-linux `unshare`, as root or with user namespaces), each worker
/// starts in one with the function's merged layers bind-mounted over /opt. Elsewhere the layers are
/// reached only through the runtimes' search paths (see LayerPaths).
enum OptMount {
    /// Whether a worker can be given its own /opt here: tried once, on first use.
    static let available: Bool = probe()

    /// The launch that runs `launch` with `layers` mounted at /opt, when this machine allows it.
    static func wrap(_ launch: WorkerLaunch, layers: String) -> WorkerLaunch {
        guard available, let command = command(mounting: layers) else { return launch }
        var wrapped = launch
        wrapped.executable = command.executable
        wrapped.arguments = command.arguments + [launch.executable] + launch.arguments
        return wrapped
    }

    /// `unshare` into a private mount namespace, bind-mount the directory, then exec the rest of the
    /// arguments (the process stays the same one, so its pid is the worker's).
    private static func command(mounting directory: String) -> (executable: String, arguments: [String])? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let unshare = LocalProcess.find("unshare", searchPath: path),
            let shell = LocalProcess.find("sh", searchPath: path)
        else { return nil }
        var arguments = ["--mount", "--propagation", "private"]
        if getuid() != 0 { arguments.append("--map-root-user") }
        arguments += ["--", shell, "-c", "mount --bind \"$0\" /opt && exec \"$@\"", directory]
        return (unshare, arguments)
    }

    private static func probe() -> Bool {
        guard FileManager.default.fileExists(atPath: "/opt"),
            let command = command(mounting: NSTemporaryDirectory())
        else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.executable)
        process.arguments = command.arguments + ["/bin/sh", "-c", "exit 0"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return false
        }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
