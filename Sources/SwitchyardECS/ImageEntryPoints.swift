import Foundation

/// What runs a container's image here, without a container engine: the file named by
/// `SWITCHYARD_ECS_IMAGES` maps images to local entry points,
/// `{"my-app:latest": {"entryPoint": ["python3", "/srv/app.py"], "command": [...], "workingDirectory": "/srv"}}`
/// (an image may be given with or without its tag). An image with no mapping runs the container's
/// entry point and command as given, as local programs.
struct ImageEntryPoint: Codable, Sendable {
    var entryPoint: [String]?
    var command: [String]?
    var workingDirectory: String?
    var environment: [String: String]?
}

enum ImageEntryPoints {
    static func load() -> [String: ImageEntryPoint] {
        guard let path = ProcessInfo.processInfo.environment["SWITCHYARD_ECS_IMAGES"],
            let data = FileManager.default.contents(atPath: path),
            let map = try? JSONDecoder().decode([String: ImageEntryPoint].self, from: data)
        else { return [:] }
        return map
    }

    static func lookup(_ image: String, in map: [String: ImageEntryPoint]) -> ImageEntryPoint? {
        if let exact = map[image] { return exact }
        let untagged = image.split(separator: "@").first.map(String.init) ?? image
        if let colon = untagged.lastIndex(of: ":"), !untagged[colon...].contains("/") {
            return map[String(untagged[..<colon])]
        }
        return map[untagged]
    }
}
