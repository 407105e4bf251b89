/// Phone numbers as SNS takes them: E.164-like, 7 to 15 digits with an optional leading `+`.
enum PhoneNumbers {
    static func isValid(_ number: String) -> Bool {
        let digits = number.hasPrefix("+") ? number.dropFirst() : Substring(number)
        guard (7...15).contains(digits.count), let first = digits.first, first != "0" else { return false }
        return digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// An SMS subscription endpoint: a phone number whose digits may be grouped by single `-`, `.`
    /// or `/` separators ("+12/34-567.890" subscribes; "+15--551234567" and "+15551234567." do not,
    /// as AWS answered).
    static func isValidSubscriptionEndpoint(_ endpoint: String) -> Bool {
        var digits = ""
        var previousWasDigit = false
        for (position, character) in endpoint.enumerated() {
            if character.isASCII, character.isNumber {
                digits.append(character)
                previousWasDigit = true
            } else if character == "+", position == 0 {
                digits.append(character)
            } else if "-./".contains(character), previousWasDigit {
                previousWasDigit = false
            } else {
                return false
            }
        }
        return previousWasDigit && isValid(digits)
    }
}
