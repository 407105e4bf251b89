import Foundation
import SwitchyardWire

/// What a target receives of an event: the whole event, a constant `Input`, the part an `InputPath`
/// selects, or an `InputTransformer`'s template filled in from the event.
public enum InputTransformation {
    /// The variables every template may use without an InputPathsMap entry.
    static let predefined: Set<String> = [
        "aws.events.rule-arn", "aws.events.rule-name", "aws.events.event.ingestion-time", "aws.events.event",
        "aws.events.event.json",
    ]

    /// The payload for a target, or nil when its template makes JSON that is not valid (AWS then
    /// delivers nothing).
    static func payload(of event: RoutedEvent, rule: RuleRecord, target: TargetRecord) -> String? {
        if let input = target.input { return input }
        if let path = target.inputPath {
            guard let selected = JSONPath(path)?.value(in: event.envelope) else { return nil }
            return selected.text
        }
        if let template = target.inputTemplate {
            var values: [String: OrderedJSON?] = [:]
            for (name, path) in target.inputPathsMap ?? [:] {
                values[name] = JSONPath(path)?.value(in: event.envelope)
            }
            values["aws.events.rule-arn"] = .scalar(.string(rule.arn))
            values["aws.events.rule-name"] = .scalar(.string(rule.name))
            values["aws.events.event.ingestion-time"] = .scalar(.string(Timestamp.iso8601(event.ingestedAt)))
            values["aws.events.event"] = originalEvent(event)
            values["aws.events.event.json"] = event.envelope
            return fill(template, values: values)
        }
        return event.envelope.text
    }

    /// `<aws.events.event>`: the envelope without its detail, as AWS lays it out.
    static func originalEvent(_ event: RoutedEvent) -> OrderedJSON {
        let envelope = event.envelope
        func member(_ name: String) -> OrderedJSON { envelope[name] ?? .scalar(.null) }
        return .object([
            ("id", member("id")), ("account", member("account")), ("detailType", member("detail-type")),
            ("time", .scalar(.string(Timestamp.iso8601(event.ingestedAt)))), ("source", member("source")),
            ("region", member("region")), ("resources", member("resources")), ("version", member("version")),
        ])
    }

    /// The placeholders of a template that are neither in the map nor predefined.
    static func unknownPlaceholders(_ template: String, map: [String: String]) -> [String] {
        placeholders(in: template).filter { map[$0] == nil && !predefined.contains($0) }
    }

    public static func placeholders(in template: String) -> [String] {
        var names: [String] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: ">") else { break }
            let name = after[..<close]
            if !name.isEmpty, !name.contains("<"), !name.contains(" ") { names.append(String(name)) }
            rest = after[after.index(after: close)...]
        }
        return names
    }

    /// Fills in a template. A JSON template (an object or array) gets each value as JSON where a
    /// placeholder stands alone (a missing one as ""), and a string value as its text inside a
    /// string; the result must be valid JSON. Any other template is text: strings go in as they are,
    /// objects and arrays without quotes (`{k:v}`, `[a,b]`), a missing value as nothing.
    public static func fill(_ template: String, values: [String: OrderedJSON?]) -> String? {
        let trimmed = template.trimmingCharacters(in: .whitespacesAndNewlines)
        let isDocument = trimmed.hasPrefix("{") || trimmed.hasPrefix("[")
        var output = ""
        var insideString = false
        var escaped = false
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            if character == "<", let close = template[index...].firstIndex(of: ">"),
                let found = values[String(template[template.index(after: index)..<close])]
            {
                if isDocument {
                    guard let rendered = renderInDocument(found, insideString: insideString) else { return nil }
                    output += rendered
                } else {
                    output += renderAsText(found)
                }
                index = template.index(after: close)
                continue
            }
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = insideString
            } else if character == "\"" {
                insideString.toggle()
            }
            output.append(character)
            index = template.index(after: index)
        }
        if isDocument {
            guard (try? OrderedJSON.parse(Array(output.utf8))) != nil else { return nil }
        }
        return output
    }

    /// A value in a JSON template; nil when it cannot stand there (an object or array inside a string).
    private static func renderInDocument(_ value: OrderedJSON?, insideString: Bool) -> String? {
        guard let value else { return insideString ? "" : "\"\"" }
        switch value {
        case .scalar(.string(let text)): return insideString ? escapeInString(text) : value.text
        case .scalar: return insideString ? value.text : value.text
        case .object, .array: return insideString ? nil : value.text
        }
    }

    /// A value in a text template: strings as they are, structures without quotes.
    static func renderAsText(_ value: OrderedJSON?) -> String {
        guard let value else { return "" }
        switch value {
        case .scalar(.string(let text)): return text
        case .scalar(.null): return "null"
        case .scalar: return value.text
        case .array(let items): return "[" + items.map(renderAsText).joined(separator: ",") + "]"
        case .object(let members):
            return "{" + members.map { "\($0.key):\(renderAsText($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// A text as it must be written inside a JSON string (its quotes dropped).
    static func escapeInString(_ text: String) -> String {
        String(OrderedJSON.scalar(.string(text)).text.dropFirst().dropLast())
    }
}

/// Times as EventBridge writes them in events: ISO 8601 in UTC to the second.
public enum Timestamp {
    /// `2026-11-27T01:02:03Z`; written by hand because a date formatter per event costs more than
    /// the rest of the envelope.
    public static func iso8601(_ millis: Int64) -> String {
        var seconds = time_t(millis / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// The epoch milliseconds of a time written as `iso8601` writes it, or nil for another form.
    public static func millis(iso8601 text: String) -> Int64? {
        let fields = text.split(whereSeparator: { "-T:Z".contains($0) }).compactMap { Int32($0) }
        guard text.utf8.count == 20, text.hasSuffix("Z"), fields.count == 6 else { return nil }
        var parts = tm()
        parts.tm_year = fields[0] - 1900
        parts.tm_mon = fields[1] - 1
        parts.tm_mday = fields[2]
        parts.tm_hour = fields[3]
        parts.tm_min = fields[4]
        parts.tm_sec = fields[5]
        return Int64(timegm(&parts)) * 1000
    }
}
