import Foundation
import SwitchyardWire

/// A function's configuration and code at one version: `$LATEST` (which updates change) or a
/// published version (frozen).
struct FunctionVersionRecord: Codable, Sendable, Equatable {
    var version: String
    var runtime: String?
    var handler: String?
    var role: String
    var description: String
    var timeout: Int
    var memorySize: Int
    var environment: [String: String]?
    var architectures: [String]
    var ephemeralStorage: Int
    var packageType: String
    var tracingMode: String
    var logFormat: String
    var logGroup: String?
    var applicationLogLevel: String?
    var systemLogLevel: String?
    var deadLetterTarget: String?
    /// SnapStart's `ApplyOn`: "PublishedVersions" or nil (None). Versions published while it is set
    /// report the optimization On.
    var snapStartApplyOn: String? = nil
    /// The zip, by the hex SHA-256 under which the code store keeps it.
    var codeDigest: String
    var codeSize: Int
    /// Layer versions, in the order their contents are layered.
    var layers: [FunctionLayer]?
    var lastModified: Date
    var revisionId: String
    /// Pending while the code is unpacked and the runtime prepared, then Active (or Failed).
    var state: String
    var stateReason: String?
    var stateReasonCode: String?
    /// Absent until the first update; then InProgress (with a reason) or Successful.
    var lastUpdateStatus: String?
    var lastUpdateStatusReason: String?
    var lastUpdateStatusReasonCode: String?

    /// The code and configuration that make a version different from another (not its number,
    /// revision, time or state).
    var fingerprint: String {
        var copy = self
        copy.version = ""
        copy.revisionId = ""
        copy.lastModified = Date(timeIntervalSince1970: 0)
        copy.state = ""
        copy.stateReason = nil
        copy.stateReasonCode = nil
        copy.lastUpdateStatus = nil
        copy.lastUpdateStatusReason = nil
        copy.lastUpdateStatusReasonCode = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(copy)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// The base64 SHA-256 AWS reports as `CodeSha256`.
    var codeSha256: String { Self.base64(hexDigest: codeDigest) }

    /// A hex digest as base64.
    static func base64(hexDigest: String) -> String {
        var bytes: [UInt8] = []
        var digits = hexDigest.utf8.makeIterator()
        while let high = digits.next(), let low = digits.next() {
            bytes.append(UInt8(hexValue(high) << 4 | hexValue(low)))
        }
        return Data(bytes).base64EncodedString()
    }

    private static func hexValue(_ digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return 0
        }
    }
}

/// How asynchronous invocations of a function (or one version or alias) are retried and where their
/// outcomes go.
struct EventInvokeConfigRecord: Codable, Sendable, Equatable {
    var maximumRetryAttempts: Int?
    var maximumEventAgeInSeconds: Int?
    var onSuccess: String?
    var onFailure: String?
    var lastModified: Date
}

/// A layer: its published versions (numbers never reused).
struct LayerRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    var name: String
    var versions: [LayerVersionRecord] = []
    var nextVersion = 1

    var key: String { "\(account)/\(region)/\(name)" }
    var arn: String { "arn:aws:lambda:\(region):\(account):layer:\(name)" }
}

/// One version of a layer: its zip and what it declares.
struct LayerVersionRecord: Codable, Sendable, Equatable {
    var version: Int
    var description: String?
    var compatibleRuntimes: [String]?
    var compatibleArchitectures: [String]?
    var licenseInfo: String?
    var codeDigest: String
    var codeSize: Int
    var createdDate: Date
    var policyStatements: [String] = []
    var policyRevisionId: String?
}

/// A layer version a function uses.
struct FunctionLayer: Codable, Sendable, Equatable {
    var arn: String
    var codeSize: Int
}

/// A function URL: the id in its host name, and how it is called.
struct FunctionURLRecord: Codable, Sendable, Equatable {
    var urlId: String
    var authType: String
    /// The CORS settings as the model's JSON.
    var corsJSON: String?
    var invokeMode: String?
    var creationTime: Date
    var lastModifiedTime: Date
}

/// A code signing configuration: which signing profiles a function's code must be signed by, and
/// what a deployment of code that is not does (`Warn` or `Enforce`).
struct CodeSigningConfigRecord: Codable, Sendable, Equatable {
    var account: String
    var region: String
    /// `csc-` and 17 hexadecimal digits, as AWS names them.
    var id: String
    var description: String?
    var signingProfileVersionArns: [String]
    var untrustedArtifactOnDeployment: String
    var lastModified: Date
    var tags: [String: String]?

    var key: String { "\(account)/\(region)/\(id)" }
    var arn: String { "arn:aws:lambda:\(region):\(account):code-signing-config:\(id)" }
}

/// A provisioned concurrency configuration: how many environments a version or alias keeps ready.
struct ProvisionedConcurrencyRecord: Codable, Sendable, Equatable {
    var requested: Int
    var lastModified: Date
}

/// An alias: a name for one version, optionally sharing traffic with a second.
struct AliasRecord: Codable, Sendable, Equatable {
    var name: String
    var functionVersion: String
    var description: String
    var additionalVersionWeights: [String: Double]?
    var revisionId: String
}

/// A function: its `$LATEST`, its published versions and aliases, and what applies to all of them.
struct FunctionRecord: Codable, Sendable {
    var account: String
    var region: String
    var name: String
    var latest: FunctionVersionRecord
    var versions: [FunctionVersionRecord] = []
    /// The number the next published version gets (versions are never reused, even once deleted).
    var nextVersion = 1
    var aliases: [String: AliasRecord] = [:]
    var tags: [String: String] = [:]
    /// The resource policy's statements, as JSON objects in the order they were added.
    var policyStatements: [String] = []
    var policyRevisionId: String?
    var reservedConcurrency: Int?
    /// What `$LATEST` was when last published: publishing it unchanged answers that version again.
    var publishedFingerprint: String?
    /// Asynchronous invocation settings by qualifier (`$LATEST`, a version or an alias).
    var eventInvokeConfigs: [String: EventInvokeConfigRecord]?
    /// Recursive loop detection: "Terminate" (the default) or "Allow".
    var recursiveLoop: String?
    /// Function URLs by qualifier (`$LATEST` for the function itself, or an alias).
    var urls: [String: FunctionURLRecord]?
    /// Provisioned concurrency configurations by qualifier (a published version or an alias).
    var provisionedConcurrency: [String: ProvisionedConcurrencyRecord]?
    /// The code signing configuration that applies to the function's deployments.
    var codeSigningConfigArn: String?

    var storageKey: String { "\(account)/\(region)/\(name)" }

    var arn: String { "arn:aws:lambda:\(region):\(account):function:\(name)" }

    func version(_ qualifier: String) -> FunctionVersionRecord? {
        qualifier == "$LATEST" ? latest : versions.first { $0.version == qualifier }
    }
}

/// How AWS writes Lambda's `LastModified`: `2024-01-31T12:34:56.789+0000`.
enum LambdaTimestamps {
    static func format(_ date: Date) -> String { UTCDateFormats.string(date, "yyyy-MM-dd'T'HH:mm:ss.SSSZ") }
}
