/// The comparison operators filter patterns and Logs Insights share: `=`, `!=`, `<`, `<=`, `>`, `>=`.
enum ComparisonSymbol {
    /// Whether `a <symbol> b` holds; false for a symbol that is not a comparison.
    static func holds<Value: Comparable>(_ symbol: String, _ a: Value, _ b: Value) -> Bool {
        switch symbol {
        case "=": return a == b
        case "!=": return a != b
        case "<": return a < b
        case "<=": return a <= b
        case ">": return a > b
        case ">=": return a >= b
        default: return false
        }
    }
}
