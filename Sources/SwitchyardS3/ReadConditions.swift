import Foundation
import SwitchyardWire

/// The conditional headers of a read (GET, HEAD, and a copy's source), evaluated in HTTP's order:
/// If-Match, then If-Unmodified-Since, then If-None-Match, then If-Modified-Since.
struct ReadConditions {
    var ifMatch: String?
    var ifNoneMatch: String?
    var ifModifiedSince: Date?
    var ifUnmodifiedSince: Date?

    enum Outcome: Equatable {
        case proceed
        case notModified
        case failed(String)
    }

    func evaluate(etag: String, lastModified: Date, names: (String, String) = ("If-Match", "If-Unmodified-Since"))
        -> Outcome
    {
        if let ifMatch {
            if !ETags.matches(ifMatch, etag) { return .failed(names.0) }
        } else if let ifUnmodifiedSince, lastModified > ifUnmodifiedSince {
            return .failed(names.1)
        }
        if let ifNoneMatch {
            if ETags.matches(ifNoneMatch, etag) { return .notModified }
        } else if let ifModifiedSince, ifModifiedSince <= Date(), lastModified <= ifModifiedSince {
            // A date in the future is no condition at all.
            return .notModified
        }
        return .proceed
    }

    /// Throws what S3 answers for a condition that does not hold.
    func check(etag: String, lastModified: Date) throws {
        switch evaluate(etag: etag, lastModified: lastModified) {
        case .proceed: return
        case .notModified: throw AWSError("NotModified", "Not Modified", httpStatus: 304)
        case .failed(let condition): throw S3Errors.preconditionFailed(condition)
        }
    }
}

/// A `Range: bytes=...` header resolved against an object's size.
enum ByteRanges {
    enum Resolution: Equatable {
        /// No range, or one S3 ignores (malformed, or several ranges): the whole object.
        case whole
        case partial(Range<Int>)
        case unsatisfiable
    }

    static func resolve(_ header: String?, size: Int) -> Resolution {
        guard let header else { return .whole }
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("bytes="), !text.contains(",") else { return .whole }
        let spec = text.dropFirst("bytes=".count)
        guard let dash = spec.firstIndex(of: "-") else { return .whole }
        let startText = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let endText = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if startText.isEmpty {
            // The last N bytes.
            guard let suffix = Int(endText) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .partial(max(0, size - suffix)..<size)
        }
        guard let start = Int(startText), start >= 0 else { return .whole }
        var end = size - 1
        if !endText.isEmpty {
            guard let given = Int(endText) else { return .whole }
            guard given >= start else { return .whole }
            end = min(given, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(start..<(end + 1))
    }
}
