import Foundation
import SwitchyardWire

/// What a target receives of an event: the whole event, a constant `Input`, the part an `InputPath`
/// selects, or an `InputTransformer`'s template filled in from the event.
enum InputTransformation {
    static func payload(of event: RoutedEvent, rule: RuleRecord, target: TargetRecord) -> String {
        if let input = target.input { return input }
        if let path = target.inputPath {
            guard let selected = JSONPath(path)?.value(in: event.envelope) else { return "" }
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
            values["aws.events.event"] = event.envelope
            values["aws.events.event.json"] = event.envelope
            return fill(template, values: values)
        }
        return event.envelope.text
    }

    /// Replaces each `<name>` the map knows. Inside a JSON string a value goes in as text (a string
    /// without its quotes, escaped as the string requires); outside one, a template that is a JSON
    /// document gets the value as JSON (a string quoted, a missing value `null`), and a plain-text
    /// template gets it as text.
    static func fill(_ template: String, values: [String: OrderedJSON?]) -> String {
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
                output += render(found, insideString: insideString, asJSON: isDocument)
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
        return output
    }

    private static func render(_ value: OrderedJSON?, insideString: Bool, asJSON: Bool) -> String {
        guard let value else { return insideString || !asJSON ? "" : "null" }
        let text: String
        if case .scalar(.string(let string)) = value {
            if insideString { return escapeInString(string) }
            return asJSON ? value.text : string
        }
        text = value.text
        return insideString ? escapeInString(text) : text
    }

    /// A text as it must be written inside a JSON string (its quotes dropped).
    static func escapeInString(_ text: String) -> String {
        String(OrderedJSON.scalar(.string(text)).text.dropFirst().dropLast())
    }
}

/// Times as EventBridge writes them in events: ISO 8601 in UTC to the second.
enum Timestamp {
    static func iso8601(_ millis: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }
}
