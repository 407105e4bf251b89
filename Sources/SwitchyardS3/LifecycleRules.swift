import Foundation
import SwitchyardModels
import SwitchyardWire

/// A bucket's lifecycle configuration as S3 applies it: which rule expires an object and when (the
/// `x-amz-expiration` header), what the expiration sweep removes, and the checks on a new
/// configuration.
struct LifecycleRules {
    let rules: [S3.LifecycleRule]

    init(_ configuration: S3.BucketLifecycleConfiguration) {
        rules = configuration.rules.filter { $0.status == "Enabled" }
    }

    /// The bucket's rules, if it has a lifecycle configuration.
    init?(bucket: BucketRecord) {
        guard
            let configuration = try? StoredShape.read(
                S3.BucketLifecycleConfiguration.self, bucket.configurations[BucketConfiguration.lifecycle.rawValue])
        else { return nil }
        self.init(configuration)
    }

    /// When the current version of an object expires and by which rule: the first enabled rule in
    /// configuration order whose filter selects it. Days count from the object's creation, rounded
    /// up to the next midnight UTC.
    func expiration(of version: ObjectVersionRecord) -> (date: Date, ruleId: String)? {
        for rule in rules where Self.selects(rule, version) {
            guard let expiration = rule.expiration else { continue }
            if let days = expiration.days {
                let due = version.lastModified.addingTimeInterval(Double(days) * 86_400)
                let midnight = (due.timeIntervalSince1970 / 86_400).rounded(.up) * 86_400
                return (Date(timeIntervalSince1970: midnight), rule.id ?? "")
            }
            if let date = expiration.date { return (date, rule.id ?? "") }
        }
        return nil
    }

    /// The `x-amz-expiration` value for an object.
    func header(for version: ObjectVersionRecord) -> String? {
        expiration(of: version).map { "expiry-date=\"\(Timestamps.httpDate($0.date))\", rule-id=\"\($0.ruleId)\"" }
    }

    /// The noncurrent days after which a rule selecting this version removes it, if one does.
    func noncurrentDays(of version: ObjectVersionRecord) -> Int? {
        rules.first { Self.selects($0, version) && $0.noncurrentVersionExpiration?.noncurrentDays != nil }?
            .noncurrentVersionExpiration?.noncurrentDays
    }

    /// Whether a rule removes delete markers left with no versions behind them.
    func removesExpiredDeleteMarkers(_ key: String) -> Bool {
        rules.contains { rule in
            rule.expiration?.expiredObjectDeleteMarker == true
                && Self.prefix(of: rule).map { key.hasPrefix($0) } ?? true
        }
    }

    /// Days after which unfinished uploads of a key are aborted, if a rule says so.
    func abortDays(for key: String) -> Int? {
        rules.first { rule in
            rule.abortIncompleteMultipartUpload?.daysAfterInitiation != nil
                && (Self.prefix(of: rule).map { key.hasPrefix($0) } ?? true)
        }?.abortIncompleteMultipartUpload?.daysAfterInitiation
    }

    static func prefix(of rule: S3.LifecycleRule) -> String? {
        rule.filter?.prefix ?? rule.filter?.and?.prefix ?? rule.prefix
    }

    /// A rule's filter: prefix, a tag, sizes (strictly greater or less), or all of an `And`.
    static func selects(_ rule: S3.LifecycleRule, _ version: ObjectVersionRecord) -> Bool {
        func tagsMatch(_ tags: [S3.Tag]) -> Bool { tags.allSatisfy { version.tags[$0.key] == $0.value } }
        func sizeFits(_ greater: Int?, _ less: Int?) -> Bool {
            (greater.map { version.size > $0 } ?? true) && (less.map { version.size < $0 } ?? true)
        }
        if let prefix = rule.prefix, !version.key.hasPrefix(prefix) { return false }
        guard let filter = rule.filter else { return true }
        if let and = filter.and {
            return (and.prefix.map { version.key.hasPrefix($0) } ?? true) && tagsMatch(and.tags ?? [])
                && sizeFits(and.objectSizeGreaterThan, and.objectSizeLessThan)
        }
        if let prefix = filter.prefix, !version.key.hasPrefix(prefix) { return false }
        if let tag = filter.tag, !tagsMatch([tag]) { return false }
        return sizeFits(filter.objectSizeGreaterThan, filter.objectSizeLessThan)
    }

    /// The checks S3 makes on a lifecycle configuration before taking it.
    static func validate(_ configuration: S3.BucketLifecycleConfiguration) throws {
        guard !configuration.rules.isEmpty else { throw S3Errors.malformedXML() }
        for rule in configuration.rules {
            if let id = rule.id, id.count > 255 {
                throw S3Errors.invalidArgument("ID length should not exceed allowed limit of 255")
            }
            guard rule.status == "Enabled" || rule.status == "Disabled" else { throw S3Errors.malformedXML() }
            guard rule.filter != nil || rule.prefix != nil else { throw S3Errors.malformedXML() }
            if let filter = rule.filter {
                let criteria = [
                    filter.prefix != nil, filter.tag != nil, filter.objectSizeGreaterThan != nil,
                    filter.objectSizeLessThan != nil, filter.and != nil,
                ].filter { $0 }.count
                guard criteria <= 1 else { throw S3Errors.malformedXML() }
                let keys = filter.and?.tags?.map(\.key) ?? []
                if Set(keys).count != keys.count {
                    throw AWSError("InvalidRequest", "Duplicate Tag Keys are not allowed.")
                }
            }
            if let expiration = rule.expiration {
                if expiration.days != nil, expiration.expiredObjectDeleteMarker != nil { throw S3Errors.malformedXML() }
                if let date = expiration.date, date.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) != 0 {
                    throw S3Errors.invalidArgument(
                        "'Date' must be at midnight GMT", name: "Date", value: Timestamps.iso8601(date))
                }
            }
            if let noncurrent = rule.noncurrentVersionExpiration, noncurrent.noncurrentDays == nil {
                throw S3Errors.malformedXML()
            }
        }
    }
}
