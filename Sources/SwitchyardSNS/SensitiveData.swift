/// One kind of sensitive data a data protection policy looks for: a managed data identifier that
/// Switchyard detects by pattern, or a policy's custom identifier (its own regular expression).
struct SensitiveData: Sendable {
    let name: String
    /// Regex is not Sendable only because its dynamic output type is not; the compiled program it
    /// holds is immutable once built (and built under an atomic), so sharing it between tasks is safe.
    private nonisolated(unsafe) let regex: Regex<AnyRegexOutput>
    /// A check of each match beyond the pattern (the Luhn digit of a card number).
    private let accepts: @Sendable (Substring) -> Bool

    init?(name: String, pattern: String, accepts: @escaping @Sendable (Substring) -> Bool = { _ in true }) {
        guard let regex = try? Regex(pattern) else { return nil }
        self.name = name
        self.regex = regex
        self.accepts = accepts
    }

    /// Where the text holds this kind of data, in order.
    func findings(in text: String) -> [Range<String.Index>] {
        text.matches(of: regex).map(\.range).filter { accepts(text[$0]) }
    }

    /// The managed identifiers Switchyard detects, by their ARN
    /// (`arn:aws:dataprotection::aws:data-identifier/<Name>`).
    static func managed(arn: String) -> SensitiveData? {
        // arn:<partition>:dataprotection:<region or empty>:<"aws" or empty>:data-identifier/<Name>
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "dataprotection", parts[4] == "aws" || parts[4].isEmpty,
            parts[5].hasPrefix("data-identifier/")
        else { return nil }
        let name = String(parts[5].dropFirst("data-identifier/".count))
        switch name {
        case "EmailAddress":
            return SensitiveData(
                name: name, pattern: #"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"#)
        case "CreditCardNumber":
            return SensitiveData(name: name, pattern: #"\b\d(?:[ -]?\d){12,18}\b"#, accepts: passesLuhn)
        case "IpAddress":
            return SensitiveData(
                name: name, pattern: #"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b"#)
        case "Ssn-US":
            return SensitiveData(name: name, pattern: #"\b\d{3}-\d{2}-\d{4}\b"#)
        case "PhoneNumber-US":
            return SensitiveData(name: name, pattern: #"(?:\+1[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b"#)
        case "AwsSecretKey":
            return SensitiveData(name: name, pattern: #"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"#)
        default:
            return nil
        }
    }

    /// The Luhn check digit test card numbers pass.
    private static let passesLuhn: @Sendable (Substring) -> Bool = { text in
        let digits = text.compactMap(\.wholeNumberValue)
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            let doubled = offset % 2 == 1 ? digit * 2 : digit
            sum += doubled > 9 ? doubled - 9 : doubled
        }
        return sum % 10 == 0
    }
}
