extension StringProtocol {
    /// The text without leading and trailing whitespace (newlines included), computed on Unicode
    /// scalars: Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux and was a
    /// tenth of a send's time.
    var trimmedWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
