import Crypto
import Foundation

/// Lambda's runtime identifiers: which ones new functions may still use, and the runtime version
/// ARN each reports.
enum RuntimeCatalog {
    /// Identifiers AWS no longer accepts for creating or updating functions.
    static let deprecated: Set<String> = [
        "python2.7", "python3.6", "python3.7", "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10",
        "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x", "dotnetcore1.0", "dotnetcore2.0",
        "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "ruby2.5", "ruby2.7", "go1.x", "java8",
        "provided",
    ]

    /// Identifiers new functions may use, in the order AWS lists them in its error message.
    static let acceptedList =
        "nodejs20.x, python3.14, provided.al2023, python3.12, python3.13, nodejs24.x, nodejs22.x, java25, python3.10, python3.11, java21, ruby3.3, ruby3.4, ruby3.2, python3.8, python3.9, java17, nodejs16.x, dotnet10, dotnet8, java11, dotnet6, nodejs18.x, provided.al2, java8.al2"
    static let accepted = Set(acceptedList.split(separator: ", ").map(String.init))

    /// Whether SnapStart may be turned on: Java 11 and later, Python 3.12 and later, .NET 8 and later.
    static func supportsSnapStart(_ runtime: String) -> Bool {
        func release(after prefix: String) -> Int? {
            runtime.hasPrefix(prefix) ? Int(runtime.dropFirst(prefix.count)) : nil
        }
        if let release = release(after: "java") { return release >= 11 }
        if let minor = release(after: "python3.") { return minor >= 12 }
        if let release = release(after: "dotnet") { return release >= 8 }
        return false
    }

    /// A stable runtime version ARN per runtime (AWS's carry a digest of the runtime build).
    static func versionArn(_ runtime: String, region: String) -> String {
        let digest = SHA256.hash(data: Array("switchyard-runtime-\(runtime)".utf8)).map { String(format: "%02x", $0) }
            .joined()
        return "arn:aws:lambda:\(region)::runtime:\(digest)"
    }
}
