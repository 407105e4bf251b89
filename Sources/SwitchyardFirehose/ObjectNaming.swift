import Foundation
import SwitchyardWire

/// The keys of the objects a stream writes: AWS's default layout (a `YYYY/MM/dd/HH/` UTC prefix and
/// `<stream>-<version>-YYYY-MM-dd-HH-MM-SS-<random>` names) or a custom prefix whose `!{...}`
/// expressions are evaluated.
struct ObjectNaming: Sendable {
    var streamName: String
    var version: Int
    /// The batch's time (its oldest record's arrival), epoch milliseconds.
    var millis: Int64
    var partitionKeys: [String: String] = [:]
    var errorOutputType: String?
    /// The destination's CustomTimeZone for the times in keys; UTC when none is given.
    var timeZone: TimeZone? = nil

    /// The key of an object under `prefix`, with its extension.
    func key(prefix: String?, fileExtension: String) -> String {
        directory(prefix ?? "") + objectName + fileExtension
    }

    /// A prefix evaluated, with `!{timestamp:yyyy/MM/dd/HH/}` appended (no slash between) unless it
    /// has a timestamp expression of its own.
    func directory(_ prefix: String) -> String {
        prefix.contains("!{timestamp:")
            ? evaluate(prefix) : evaluate(prefix) + Self.format(millis, zone: timeZone, "yyyy/MM/dd/HH/")
    }

    /// `<stream>-<version>-YYYY-MM-dd-HH-MM-SS-<uuid>`.
    var objectName: String {
        "\(streamName)-\(version)-" + Self.format(millis, zone: timeZone, "yyyy-MM-dd-HH-mm-ss") + "-"
            + RandomUUID.make().lowercased()
    }

    /// The key (without extension) of an error output object: under the error output prefix,
    /// evaluated as prefixes are, or without one under `<prefix><error-output-type>/YYYY/MM/dd/HH/`.
    func errorKey(output: S3Output) -> String {
        let type = errorOutputType ?? "processing-failed"
        if let prefix = output.errorOutputPrefix, !prefix.isEmpty {
            return directory(prefix) + objectName
        }
        return (output.prefix ?? "") + type + "/" + Self.format(millis, zone: timeZone, "yyyy/MM/dd/HH/") + objectName
    }

    /// The prefix with each `!{namespace:argument}` replaced by its value.
    func evaluate(_ prefix: String) -> String {
        var output = ""
        var rest = Substring(prefix)
        while let open = rest.range(of: "!{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                output += rest[open.lowerBound...]
                return output
            }
            let expression = rest[open.upperBound..<close]
            let parts = expression.split(separator: ":", maxSplits: 1).map(String.init)
            let namespace = parts.first ?? ""
            let argument = parts.count > 1 ? parts[1] : ""
            switch namespace {
            case "timestamp": output += Self.format(millis, zone: timeZone, argument)
            case "firehose" where argument == "random-string": output += Self.randomString()
            case "firehose" where argument == "error-output-type": output += errorOutputType ?? ""
            case "partitionKeyFromQuery", "partitionKeyFromLambda": output += partitionKeys[argument] ?? ""
            default: output += "!{\(expression)}"
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    /// Eleven random characters of `[a-zA-Z0-9]`, as `!{firehose:random-string}` gives.
    static func randomString() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<11).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
    }

    /// A time (in UTC unless another zone is given) in a pattern of Java's DateTimeFormatter (the letters y, M, d, H, m, s, S and
    /// quoted literals), the patterns `!{timestamp:...}` takes.
    static func format(_ millis: Int64, zone: TimeZone? = nil, _ pattern: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone ?? TimeZone(identifier: "UTC") ?? .current
        let date = Date(timeIntervalSince1970: Double(millis) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let characters = Array(pattern)
        var output = ""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "'" {
                var end = index + 1
                while end < characters.count, characters[end] != "'" { end += 1 }
                output += end == index + 1 ? "'" : String(characters[(index + 1)..<min(end, characters.count)])
                index = end + 1
                continue
            }
            var run = 1
            while index + run < characters.count, characters[index + run] == character { run += 1 }
            func padded(_ value: Int, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            switch character {
            case "y", "u":
                let year = parts.year ?? 1970
                output += run == 2 ? padded(year % 100, 2) : padded(year, run)
            case "M": output += padded(parts.month ?? 1, run)
            case "d": output += padded(parts.day ?? 1, run)
            case "H": output += padded(parts.hour ?? 0, run)
            case "m": output += padded(parts.minute ?? 0, run)
            case "s": output += padded(parts.second ?? 0, run)
            case "S": output += String(padded(Int(millis % 1000), 3).prefix(run))
            default: output += String(repeating: character, count: run)
            }
            index += run
        }
        return output
    }
}
