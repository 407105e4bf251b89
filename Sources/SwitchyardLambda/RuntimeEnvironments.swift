import Foundation
import NIOPosix
import SwitchyardPlatform
import Synchronization

/// What runs a function of each runtime on this machine, without containers:
/// - `provided.al2023`, `provided.al2`: the zip's own `bootstrap` executable (Swift, Go, Rust, ...).
/// - `nodejs*` (where `node` is installed): Switchyard's own runtime client (`NodeRuntimeClient`).
/// - `ruby*` (where `ruby` is installed): Switchyard's own runtime client (`RubyRuntimeClient`), run
///   by the machine's one Ruby whatever release the runtime names.
/// - `java*` (where a JDK's `java` and `javac` are installed): Switchyard's own runtime client
///   (`JavaRuntimeClient`), compiled once, run by the machine's one Java whatever release the
///   runtime names.
/// - `python3.x`: AWS's runtime interface client (`awslambdaric`, from PyPI) in a virtual environment
///   Switchyard prepares once per interpreter under its runtimes directory, run by `python3.x` when
///   the machine has that version (on PATH, or installed by pyenv, asdf or uv) and by `python3`
///   otherwise. The environment has boto3, as Lambda's
///   Python runtimes do.
actor RuntimeEnvironments {
    /// The awslambdaric release the Python environments get.
    static let pythonClientVersion = "4.2.2"
    /// The boto3 release the Python environments get (Lambda's Python runtimes include one).
    static let pythonSDKVersion = "1.43.11"

    let directory: String
    /// Preparations under way or done (Python environments, the Java client), by their directory.
    private var preparations: [String: Task<String, any Error>] = [:]
    /// Interpreters whose environment could not be prepared.
    private var unusablePythons: Set<String> = []
    /// The prepared environment's interpreter of each Python runtime.
    private var pythonsByRuntime: [String: String] = [:]

    init(directory: String) {
        self.directory = directory
    }

    enum Failure: Error, CustomStringConvertible {
        case unavailable(String)
        case preparation(String)

        var description: String {
            switch self {
            case .unavailable(let text), .preparation(let text): return text
            }
        }
    }

    /// Whether Switchyard can run the runtime here.
    static func isRunnable(_ runtime: String) -> Bool {
        runtime.hasPrefix("provided") || runtime.hasPrefix("python3")
            || (runtime.hasPrefix("nodejs") && findExecutable("node") != nil)
            || (runtime.hasPrefix("ruby") && findExecutable("ruby") != nil)
            || (runtime.hasPrefix("java") && findExecutable("java") != nil && findExecutable("javac") != nil)
    }

    /// Prepares what the runtime needs (once) and says how to start a worker in `taskRoot`, for a
    /// function of `memorySize` MB.
    func command(runtime: String, handler: String, taskRoot: String, memorySize: Int = 128) async throws -> (
        executable: String, arguments: [String], environment: [String: String]
    ) {
        if runtime.hasPrefix("provided") {
            let bootstrap = (taskRoot as NSString).appendingPathComponent("bootstrap")
            return (bootstrap, [], [:])
        }
        if runtime.hasPrefix("python3") {
            let python = try await pythonEnvironment(for: runtime)
            // As on AWS, PYTHONPATH names only the runtime's directory: `-m` puts the working
            // directory, the task root, first on the module path, and the runtime client makes its
            // output unbuffered itself. `-B`: no bytecode written into the code (read-only on AWS).
            return (python, ["-B", "-m", "awslambdaric", handler], ["PYTHONPATH": Self.runtimeDirectory])
        }
        if runtime.hasPrefix("nodejs"), let node = Self.findExecutable("node") {
            return (
                node, [try client(NodeRuntimeClient.fileName, NodeRuntimeClient.source)],
                ["NODE_PATH": Self.nodePath(runtime: runtime, taskRoot: taskRoot)]
            )
        }
        if runtime.hasPrefix("ruby"), let ruby = Self.findExecutable("ruby") {
            return (
                ruby, [try client(RubyRuntimeClient.fileName, RubyRuntimeClient.source), handler],
                Self.rubyEnvironment(runtime: runtime, taskRoot: taskRoot)
            )
        }
        if runtime.hasPrefix("java"), let java = Self.findExecutable("java") {
            let arguments = Self.javaArguments(client: try await javaClient(), handler: handler, memorySize: memorySize)
            let started = Self.withoutWorkingDirectoryVariable(java, arguments)
            return (started.executable, started.arguments, [:])
        }
        throw Failure.unavailable("The \(runtime) runtime is not available on this Switchyard host.")
    }

    /// The command run through `env -u PWD`. Lambda starts the JVM and a custom runtime's
    /// bootstrap directly: their environment has no PWD (AWS's recordings of java and provided
    /// functions), which the shell that enters the task root would leave.
    static func withoutWorkingDirectoryVariable(
        _ executable: String, _ arguments: [String]
    ) -> (executable: String, arguments: [String]) {
        guard let env = findExecutable("env") else { return (executable, arguments) }
        return (env, ["-u", "PWD", executable] + arguments)
    }

    /// The JVM's options: a heap that leaves 64 MB of the function's memory to the JVM itself (code,
    /// metaspace, threads), so that the worker stays within the memory size Switchyard enforces on
    /// its resident memory; the serial collector and the first compiler tier, which start fastest
    /// in a small environment.
    static func javaArguments(client: String, handler: String, memorySize: Int) -> [String] {
        [
            "-Xmx\(max(32, memorySize - 64))m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-Dswitchyard.lambda.client=\(client)", "-cp", client, JavaRuntimeClient.className, handler,
        ]
    }

    /// Ruby's search paths as Lambda sets them for `ruby<X.Y>`: gems installed by the runtime, the
    /// function's bundled gems and the layers' (`vendor/bundle/ruby/X.Y.0`, `/opt/ruby/gems/X.Y.0`),
    /// and its libraries on RUBYLIB (the task root, then the layers' `ruby/lib`).
    static func rubyEnvironment(runtime: String, taskRoot: String) -> [String: String] {
        let release = "\(runtime.dropFirst("ruby".count)).0"
        return [
            "GEM_HOME": runtimeDirectory,
            "GEM_PATH": [
                "\(taskRoot)/vendor/bundle/ruby/\(release)", "/opt/ruby/gems/\(release)", runtimeDirectory,
                "\(runtimeDirectory)/ruby/\(release)",
            ].joined(separator: ":"),
            "RUBYLIB": [taskRoot, "\(runtimeDirectory)/lib", "/opt/ruby/lib"].joined(separator: ":"),
        ]
    }

    /// Where Lambda keeps a managed runtime's own files, as its environment names it
    /// (`LAMBDA_RUNTIME_DIR`); Switchyard's runtime clients live elsewhere.
    static let runtimeDirectory = "/var/runtime"

    /// NODE_PATH as Lambda sets it for `nodejs<N>.x`: the layers' version-specific and common
    /// module directories, the runtime's, then the task root.
    static func nodePath(runtime: String, taskRoot: String) -> String {
        let major = runtime.dropFirst("nodejs".count).prefix { $0.isNumber }
        return [
            "/opt/nodejs/node\(major)/node_modules", "/opt/nodejs/node_modules", "\(runtimeDirectory)/node_modules",
            runtimeDirectory, taskRoot,
        ].joined(separator: ":")
    }

    /// One of Switchyard's runtime clients, written once under the runtimes directory (a new
    /// client source gets a new file name).
    private func client(_ fileName: String, _ source: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if !FileManager.default.fileExists(atPath: path) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try source.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return path
    }

    /// The directory of the compiled Java runtime client, compiled once.
    private func javaClient() async throws -> String {
        let target = (directory as NSString).appendingPathComponent(JavaRuntimeClient.directoryName)
        return try await prepareOnce(target) {
            guard let javac = Self.findExecutable("javac") else {
                throw Failure.unavailable("No Java compiler (javac) on this host.")
            }
            try Self.installOnce(at: target) { staging in
                try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
                var files: [String] = []
                for (name, text) in JavaRuntimeClient.sources {
                    let file = (staging as NSString).appendingPathComponent(name)
                    try text.write(toFile: file, atomically: true, encoding: .utf8)
                    files.append(file)
                }
                try Self.run(javac, ["-nowarn", "-d", staging] + files)
                try Self.compileContextClasses(javac: javac, into: staging)
            }
            return target
        }
    }

    /// What `work` prepares under `target`, prepared once per server (concurrent callers wait for
    /// the same preparation; a failed one is tried again by the next caller), on a thread-pool thread.
    private func prepareOnce(_ target: String, _ work: @escaping @Sendable () throws -> String) async throws
        -> String
    {
        if let preparing = preparations[target] { return try await preparing.value }
        let task = Task<String, any Error> { try await NIOThreadPool.singleton.runIfActive(work) }
        preparations[target] = task
        do {
            return try await task.value
        } catch {
            preparations[target] = nil
            throw error
        }
    }

    /// Makes `target` once on this machine. Another server on this machine may be making the same:
    /// each builds its own copy beside the target (`build` gets its path) and moves it into place
    /// whole, so that nobody ever runs a half-made one (two installs into one directory broke each
    /// other); a `.ready` file marks it done.
    private static func installOnce(at target: String, build: (_ staging: String) throws -> Void) throws {
        let files = FileManager.default
        let ready = (target as NSString).appendingPathComponent(".ready")
        if files.fileExists(atPath: ready) { return }
        let staging = target + ".staging-\(ProcessInfo.processInfo.processIdentifier)"
        try? files.removeItem(atPath: staging)
        try files.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        do {
            try build(staging)
        } catch {
            try? files.removeItem(atPath: staging)
            throw error
        }
        if files.fileExists(atPath: ready) {
            try? files.removeItem(atPath: staging)
            return
        }
        try? files.removeItem(atPath: target)
        try files.moveItem(atPath: staging, toPath: target)
        // Without the marker the next server prepares it again: no harm beyond the time.
        _ = files.createFile(atPath: ready, contents: Data())
    }

    /// Compiles the Java client's Context and LambdaLogger classes and keeps only them, in the
    /// client's context directory: the aws-lambda-java-core interfaces they were compiled against
    /// must not be on any class path, so that they link to the function's own.
    private static func compileContextClasses(javac: String, into client: String) throws {
        let files = FileManager.default
        let sources = (client as NSString).appendingPathComponent("context-sources")
        let classes = (client as NSString).appendingPathComponent("context-classes")
        defer {
            try? files.removeItem(atPath: sources)
            try? files.removeItem(atPath: classes)
        }
        var paths: [String] = []
        for (path, text) in JavaRuntimeClient.contextSources {
            let file = (sources as NSString).appendingPathComponent(path)
            try files.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            paths.append(file)
        }
        try files.createDirectory(atPath: classes, withIntermediateDirectories: true)
        try run(javac, ["-nowarn", "-d", classes] + paths)
        let kept = (client as NSString).appendingPathComponent(JavaRuntimeClient.contextDirectory)
        try files.createDirectory(atPath: kept, withIntermediateDirectories: true)
        for name in JavaRuntimeClient.contextClasses {
            try files.moveItem(
                atPath: (classes as NSString).appendingPathComponent("\(name).class"),
                toPath: (kept as NSString).appendingPathComponent("\(name).class"))
        }
    }

    /// The interpreter of a virtual environment with the runtime interface client installed: of the
    /// runtime's own Python release where the host has it and the client installs there, else of the
    /// host's `python3`.
    private func pythonEnvironment(for runtime: String) async throws -> String {
        // Looked up once per runtime: each candidate is started to see that it runs, which would
        // otherwise cost every cold start tens of milliseconds per candidate.
        if let known = pythonsByRuntime[runtime] { return known }
        let interpreters = try await NIOThreadPool.singleton.runIfActive { Self.pythonInterpreters(for: runtime) }
        var failure: (any Error)?
        for interpreter in interpreters where !unusablePythons.contains(interpreter) {
            do {
                let python = try await pythonEnvironment(interpreter: interpreter)
                pythonsByRuntime[runtime] = python
                return python
            } catch {
                // The client may not install on that release (awslambdaric has none for 3.8):
                // not tried again while the server runs.
                unusablePythons.insert(interpreter)
                failure = error
            }
        }
        throw failure ?? Failure.unavailable("No Python interpreter for \(runtime) on this host.")
    }

    /// Interpreters that can run a Python runtime, best first: the release it names, on PATH or
    /// installed by a version manager (pyenv, asdf, uv), then the host's `python3`. Each must start:
    /// a version manager's shim on PATH may exist for a release it cannot run.
    static func pythonInterpreters(for runtime: String) -> [String] {
        let exact = [findExecutable(runtime)].compactMap { $0 } + managedInstalls(of: runtime)
        var usable: [String] = []
        for candidate in exact + [findExecutable("python3")].compactMap({ $0 }) where !usable.contains(candidate) {
            if (try? run(candidate, ["-c", "import venv"])) != nil { usable.append(candidate) }
        }
        return usable
    }

    /// `program` in the installs of the usual Python version managers, newest install first.
    static func managedInstalls(of program: String) -> [String] {
        let environment = ProcessInfo.processInfo.environment
        let home = NSHomeDirectory() as NSString
        let pyenv = environment["PYENV_ROOT"] ?? home.appendingPathComponent(".pyenv")
        let asdf = environment["ASDF_DATA_DIR"] ?? home.appendingPathComponent(".asdf")
        let uv = environment["UV_PYTHON_INSTALL_DIR"] ?? home.appendingPathComponent(".local/share/uv/python")
        let roots = [
            (pyenv as NSString).appendingPathComponent("versions"),
            (asdf as NSString).appendingPathComponent("installs/python"), uv,
        ].map { $0 as NSString }
        let files = FileManager.default
        return roots.flatMap { root in
            let installs = (try? files.contentsOfDirectory(atPath: root as String)) ?? []
            return installs.sorted { $0.compare($1, options: .numeric) == .orderedDescending }.map {
                root.appendingPathComponent("\($0)/bin/\(program)")
            }
        }.filter { files.isExecutableFile(atPath: $0) }
    }

    /// An environment for one interpreter: with the pinned client and SDK, or, on an older release
    /// they no longer support (awslambdaric 4.2.2 needs 3.10, boto3 1.43 needs 3.9), with the newest
    /// releases of both that install there, as each of AWS's Python runtimes carries its own.
    private func pythonEnvironment(interpreter: String) async throws -> String {
        let name = "python-" + (interpreter as NSString).lastPathComponent
        let pinned = ["awslambdaric==\(Self.pythonClientVersion)", "boto3==\(Self.pythonSDKVersion)"]
        do {
            return try await pythonEnvironment(
                interpreter: interpreter, packages: pinned,
                name: name + "-ric-\(Self.pythonClientVersion)-boto3-\(Self.pythonSDKVersion)")
        } catch {
            return try await pythonEnvironment(
                interpreter: interpreter, packages: ["awslambdaric", "boto3"], name: name + "-ric-newest-supported")
        }
    }

    private func pythonEnvironment(interpreter: String, packages: [String], name: String) async throws -> String {
        let target = (directory as NSString).appendingPathComponent(name)
        return try await prepareOnce(target) {
            try Self.installOnce(at: target) { staging in
                try Self.run(interpreter, ["-m", "venv", staging])
                try Self.run(
                    (staging as NSString).appendingPathComponent("bin/python"),
                    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
            }
            return (target as NSString).appendingPathComponent("bin/python")
        }
    }

    /// Runs a preparation command to its end (on a thread-pool thread), failing with its output.
    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: output.suffix(2000), as: UTF8.self)
            throw Failure.preparation(
                "\((executable as NSString).lastPathComponent) \(arguments.joined(separator: " ")) failed: \(text)")
        }
    }

    /// A program on the server's PATH, looked up once: every worker launch asks for its runtime's
    /// interpreter and `env`, and the server's PATH does not change while it runs.
    static func findExecutable(_ name: String) -> String? {
        if let known = foundExecutables.withLock({ $0[name] }) { return known }
        let found = LocalProcess.find(
            name, searchPath: ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin")
        foundExecutables.withLock { $0[name] = found }
        return found
    }

    private static let foundExecutables = Mutex<[String: String?]>([:])
}
