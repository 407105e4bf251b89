/// The order in which Coral services (IAM, EventBridge, Lambda, ...) list the violations of a
/// structure's members.
///
/// It is neither the model's order nor the alphabet: AWS's recorded answers list members as a Java
/// `HashMap` keyed by the members' lowerCamelCase names iterates them (by bucket of the spread
/// `String.hashCode`, in a table sized for the member count; members sharing a bucket keep the
/// model's order). For UpdateAccountPasswordPolicy that is minimumPasswordLength,
/// passwordReusePrevention, maxPasswordAge; for CreateOpenIDConnectProvider clientIDList,
/// thumbprintList, url.
enum CoralMemberOrder {
    /// The positions of `names` (model member names) in reporting order.
    static func positions(of names: [String]) -> [Int] {
        let buckets = tableSize(for: names.count) - 1
        let keyed = names.enumerated().map { position, name in
            (bucket: Int(spread(javaHash(coralName(name))) & UInt32(buckets)), position: position)
        }
        return keyed.sorted { ($0.bucket, $0.position) < ($1.bucket, $1.position) }.map(\.position)
    }

    /// Coral's name of a member: the model's name with its first letter in lower case.
    static func coralName(_ name: String) -> String {
        guard let first = name.first else { return name }
        return first.lowercased() + name.dropFirst()
    }

    /// Java's `String.hashCode`: over UTF-16 code units, `h = 31 * h + c`, wrapping.
    static func javaHash(_ text: String) -> UInt32 {
        text.utf16.reduce(UInt32(0)) { hash, unit in hash &* 31 &+ UInt32(unit) }
    }

    /// `HashMap.hash`: the high half folded into the low half.
    static func spread(_ hash: UInt32) -> UInt32 { hash ^ (hash >> 16) }

    /// A `HashMap` of default capacity grows (doubling from 16) once it holds more than three
    /// quarters of its table.
    static func tableSize(for count: Int) -> Int {
        var size = 16
        while count > size * 3 / 4 { size *= 2 }
        return size
    }
}
