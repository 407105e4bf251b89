import Foundation

/// JSON documents that clients hand to services inside parameters (policies, redrive policies,
/// message structures), read as AWS's services read them: strictly by RFC 8259. Foundation's reader
/// also takes what AWS refuses, such as a trailing comma, so the text is checked first.
public enum StrictJSON {
    /// The document in Foundation's form (an object or an array), or nil when it is not strict JSON.
    public static func foundationObject(_ text: String) -> Any? {
        let bytes = Array(text.utf8)
        guard (try? JSONValue.parse(bytes)) != nil else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(bytes))
    }

    /// The document as a JSON object, or nil when it is not strict JSON or not an object.
    public static func object(_ text: String) -> [String: Any]? {
        foundationObject(text) as? [String: Any]
    }
}
