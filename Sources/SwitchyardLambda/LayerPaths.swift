import Foundation

/// Where a runtime finds its function's layers. On AWS they are unpacked together under /opt; here
/// each layer keeps its own unpacked directory, and the runtimes' search paths name them in the
/// same places (/opt/bin, /opt/lib, /opt/python, /opt/python/lib/pythonX.Y/site-packages,
/// /opt/nodejs/node_modules, /opt/ruby/lib, /opt/ruby/gems/X.Y.0), later layers first, as a later
/// layer's files win on AWS.
enum LayerPaths {
    static func environment(layers: [String], base: [String: String]) -> [String: String] {
        guard !layers.isEmpty else { return [:] }
        let ordered = Array(layers.reversed())
        var environment: [String: String] = [:]
        func prepend(_ name: String, _ paths: [String]) {
            let existing = paths.filter { FileManager.default.fileExists(atPath: $0) }
            guard !existing.isEmpty else { return }
            environment[name] = (existing + [base[name]].compactMap { $0 }.filter { !$0.isEmpty })
                .joined(separator: ":")
        }
        prepend("PATH", ordered.map { "\($0)/bin" })
        prepend("LD_LIBRARY_PATH", ordered.map { "\($0)/lib" })
        var python: [String] = []
        for layer in ordered {
            python.append("\(layer)/python")
            let lib = "\(layer)/python/lib"
            for version in (try? FileManager.default.contentsOfDirectory(atPath: lib)) ?? [] {
                python.append("\(lib)/\(version)/site-packages")
            }
        }
        prepend("PYTHONPATH", python)
        prepend("NODE_PATH", ordered.map { "\($0)/nodejs/node_modules" })
        prepend("RUBYLIB", ordered.map { "\($0)/ruby/lib" })
        prepend(
            "GEM_PATH",
            ordered.flatMap { layer in
                let gems = "\(layer)/ruby/gems"
                return ((try? FileManager.default.contentsOfDirectory(atPath: gems)) ?? []).sorted().map {
                    "\(gems)/\($0)"
                }
            })
        environment["SWITCHYARD_LAMBDA_LAYERS"] = layers.joined(separator: ":")
        return environment
    }

    /// A custom runtime's bootstrap: the function's own, else the last layer's that has one.
    static func bootstrap(taskRoot: String, layers: [String]) -> String {
        let own = (taskRoot as NSString).appendingPathComponent("bootstrap")
        if FileManager.default.fileExists(atPath: own) { return own }
        for layer in layers.reversed() {
            let candidate = (layer as NSString).appendingPathComponent("bootstrap")
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return own
    }
}
