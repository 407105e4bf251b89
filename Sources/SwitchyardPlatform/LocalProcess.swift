import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child process for code Switchyard runs on the user's behalf (a function's worker, a task's
/// container). Spawned with posix_spawn so that it starts with default signal dispositions and an
/// empty signal mask: the server itself ignores SIGTERM, SIGINT and SIGPIPE (it handles shutdown
/// through signal sources), and ignored dispositions would otherwise be inherited, leaving a
/// container deaf to the SIGTERM that stops it. Its standard output and error come through one pipe.
public final class LocalProcess: Sendable {
    public let pid: pid_t
    /// The process's standard output and error, as it writes them.
    public let output: ProcessOutput

    /// How the process ended: its exit status, or 128 + the signal that ended it (as shells and
    /// container runtimes report it).
    public struct Exit: Sendable {
        public var code: Int32
        public var signalled: Bool
    }

    /// Starts `executable` (a path, or a name looked up in the environment's PATH).
    public init(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String?,
        onExit: @escaping @Sendable (Exit) -> Void
    ) throws {
        let path = Self.resolve(executable, searchPath: environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { throw Self.failure("pipe") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let devNull = open("/dev/null", O_RDONLY)
        defer { close(devNull) }
        posix_spawn_file_actions_adddup2(&actions, devNull, 0)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_addclose(&actions, pipe[1])
        // Nothing else of the server's (its listening sockets above all) goes to the child: a child
        // that outlives a killed server must not keep its port.
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGPIPE, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        // Its own process group, so that stopping it reaches what it started too.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))
        // A working directory is entered by a shell that then becomes the program (glibc's spawn
        // cannot change directory portably).
        let command =
            workingDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, path] + arguments }
            ?? [path] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let status = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        close(pipe[1])
        guard status == 0 else {
            close(pipe[0])
            throw NSError(
                domain: NSPOSIXErrorDomain, code: Int(status),
                userInfo: [NSLocalizedDescriptionKey: "\(path): \(String(cString: strerror(status)))"])
        }
        pid = child
        output = ProcessOutput(descriptor: pipe[0])
        // One thread per child waits for it (a blocking waitpid, off every event loop and the
        // cooperative pool).
        let spawned = child
        Thread.detachNewThread {
            var waited: Int32 = 0
            while waitpid(spawned, &waited, 0) == -1, errno == EINTR {}
            let signalled = (waited & 0x7f) != 0
            onExit(Exit(code: signalled ? 128 + (waited & 0x7f) : (waited >> 8) & 0xff, signalled: signalled))
        }
    }

    /// A resource limit the process is held to, soft and hard: a quota of the environment it stands
    /// for (Lambda's 1,024 file descriptors, say).
    public struct ResourceLimit: Sendable {
        public var resource: Int32
        public var soft: UInt64
        public var hard: UInt64

        public init(resource: Int32, soft: UInt64, hard: UInt64) {
            (self.resource, self.soft, self.hard) = (resource, soft, hard)
        }

        /// How many files the process may have open (RLIMIT_NOFILE).
        public static func openFiles(_ count: UInt64) -> ResourceLimit {
            ResourceLimit(resource: Int32(RLIMIT_NOFILE.rawValue), soft: count, hard: count)
        }
    }

    /// Sets the process's limits. Limits survive `exec`, so the program the spawning shell becomes is
    /// held to them too. A limit the server may not set (a hard limit above its own, when it does not
    /// run as root) is left as the process inherited it.
    public func limit(_ limits: [ResourceLimit]) {
        guard let setLimit = Self.processLimit else { return }
        for given in limits {
            var limit = rlimit(rlim_cur: rlim_t(given.soft), rlim_max: rlim_t(given.hard))
            _ = setLimit(pid, given.resource, &limit, nil)
        }
    }

    /// glibc's `prlimit` (a GNU extension its module map leaves out), found at run time.
    private typealias ProcessLimit =
        @convention(c) (pid_t, Int32, UnsafePointer<rlimit>?, UnsafeMutablePointer<rlimit>?) -> Int32
    private static let processLimit: ProcessLimit? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "prlimit") else { return nil }
        return unsafeBitCast(symbol, to: ProcessLimit.self)
    }()

    /// Sends a signal to the process and its group.
    public func signal(_ signal: Int32) {
        kill(-pid, signal)
        kill(pid, signal)
    }

    /// The peak resident memory of the process so far (VmHWM), in kilobytes; nil where unknown.
    public var peakMemoryKilobytes: Int? { statusKilobytes("VmHWM") }

    /// The resident memory of the process now (VmRSS), in kilobytes; nil where unknown.
    public var residentKilobytes: Int? { statusKilobytes("VmRSS") }

    /// One kilobyte figure of `/proc/<pid>/status`, scanned in its bytes: it is read at every
    /// invocation of a function, and building a string of every line cost a tenth of the server's
    /// CPU under steady invocations.
    private func statusKilobytes(_ field: String) -> Int? {
        let descriptor = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            status.append(contentsOf: chunk[0..<count])
        }
        return Self.kilobytes(of: Array("\(field):".utf8), in: status)
    }

    /// The number after `key` at the start of a line of a /proc status text.
    static func kilobytes(of key: [UInt8], in status: [UInt8]) -> Int? {
        var lineStart = 0
        while lineStart + key.count <= status.count {
            if status[lineStart..<lineStart + key.count].elementsEqual(key) {
                var at = lineStart + key.count
                while at < status.count, status[at] == UInt8(ascii: " ") || status[at] == UInt8(ascii: "\t") { at += 1 }
                var value = 0
                let digitsStart = at
                while at < status.count, let digit = Self.digit(status[at]) {
                    value = value * 10 + digit
                    at += 1
                }
                return at > digitsStart ? value : nil
            }
            while lineStart < status.count, status[lineStart] != UInt8(ascii: "\n") { lineStart += 1 }
            lineStart += 1
        }
        return nil
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which its headers declare
    /// only for _GNU_SOURCE: looked up at run time.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()

    static func resolve(_ executable: String, searchPath: String) -> String {
        if executable.contains("/") { return executable }
        return find(executable, searchPath: searchPath) ?? executable
    }

    /// The first executable file called `name` in a PATH-style list of directories.
    public static func find(_ name: String, searchPath: String) -> String? {
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func failure(_ call: String) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "\(call) failed"])
    }
}
