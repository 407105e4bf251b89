/// Phone numbers as SNS takes them: E.164: an optional `+`, then 7 to 15 digits, the first not 0.
enum PhoneNumbers {
    static func isValid(_ number: String) -> Bool {
        let digits = number.hasPrefix("+") ? number.dropFirst() : Substring(number)
        guard (7...15).contains(digits.count), let first = digits.first, first != "0" else { return false }
        return digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
