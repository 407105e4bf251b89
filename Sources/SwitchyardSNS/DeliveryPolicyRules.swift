import SwitchyardWire

/// SNS delivery policies as AWS checks them when a topic or subscription attribute is set, so that
/// only policies within AWS's limits are ever stored: delays of 1 to 3,600 seconds with the minimum
/// no greater than the maximum, at most 100 retries of which the phase counts are a part, a known
/// backoff function, a throttle of at least one message per second.
///
/// A topic's policy nests its defaults under `http` (`defaultHealthyRetryPolicy`,
/// `defaultThrottlePolicy`, `defaultRequestPolicy`, `disableSubscriptionOverrides`); a subscription's
/// has `healthyRetryPolicy`, `throttlePolicy` and `requestPolicy` at the top.
enum DeliveryPolicyRules {
    static let maxDelaySeconds = 3600
    static let maxRetries = 100
    static let backoffFunctions = ["linear", "arithmetic", "geometric", "exponential"]

    /// Checks a topic's DeliveryPolicy; the message is AWS's text after "DeliveryPolicy: ".
    static func validateTopicPolicy(_ text: String) throws(PolicyProblem) {
        let root = try object(parse(text), path: nil)
        for (key, value) in root {
            guard key == "http" else { throw PolicyProblem("Unexpected JSON member: \(key)") }
            let http = try object(value, path: "http")
            // A part given as null is left out, as AWS does.
            for (member, value) in http where value != .null {
                let path = "http.\(member)"
                switch member {
                case "defaultHealthyRetryPolicy": try validateRetryPolicy(value, path: path)
                case "defaultThrottlePolicy": try validateThrottlePolicy(value, path: path)
                case "defaultRequestPolicy": try validateRequestPolicy(value, path: path)
                case "disableSubscriptionOverrides":
                    guard case .bool = value else { throw PolicyProblem("\(path) must be a boolean") }
                default: throw PolicyProblem("Unexpected JSON member: \(member)")
                }
            }
        }
    }

    /// Checks a subscription's DeliveryPolicy.
    static func validateSubscriptionPolicy(_ text: String) throws(PolicyProblem) {
        for (member, value) in try object(parse(text), path: nil) where value != .null {
            switch member {
            case "healthyRetryPolicy": try validateRetryPolicy(value, path: member)
            case "throttlePolicy": try validateThrottlePolicy(value, path: member)
            case "requestPolicy": try validateRequestPolicy(value, path: member)
            default: throw PolicyProblem("Unexpected JSON member: \(member)")
            }
        }
    }

    /// What is wrong with a policy, in AWS's words.
    struct PolicyProblem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    private static func parse(_ text: String) throws(PolicyProblem) -> JSONValue {
        do { return try JSONValue.parse(Array(text.utf8)) } catch { throw PolicyProblem("failed to parse JSON.") }
    }

    private static func object(_ value: JSONValue, path: String?) throws(PolicyProblem) -> [String: JSONValue] {
        guard case .object(let members) = value else {
            throw PolicyProblem(path.map { "\($0) must be a JSON object" } ?? "must be a JSON object")
        }
        return members
    }

    private static func validateRetryPolicy(_ value: JSONValue, path: String) throws(PolicyProblem) {
        let members = try object(value, path: path)
        for key in members.keys where !retryMembers.contains(key) {
            throw PolicyProblem("Unexpected JSON member: \(key)")
        }
        func required(_ name: String) throws(PolicyProblem) -> Int {
            guard let member = members[name] else { throw PolicyProblem("\(path).\(name) must be specified") }
            return try integer(member, path: "\(path).\(name)")
        }
        func optional(_ name: String) throws(PolicyProblem) -> Int {
            guard let member = members[name] else { return 0 }
            return try integer(member, path: "\(path).\(name)")
        }
        let minDelay = try required("minDelayTarget")
        let maxDelay = try required("maxDelayTarget")
        let retries = try required("numRetries")
        try atLeast(1, minDelay, "\(path).minDelayTarget")
        try atMost(maxDelaySeconds, minDelay, "\(path).minDelayTarget")
        try atLeast(1, maxDelay, "\(path).maxDelayTarget")
        try atMost(maxDelaySeconds, maxDelay, "\(path).maxDelayTarget")
        guard maxDelay >= minDelay else {
            throw PolicyProblem("\(path).maxDelayTarget must be greater than or equal to minDelayTarget")
        }
        try atLeast(0, retries, "\(path).numRetries")
        try atMost(maxRetries, retries, "\(path).numRetries")
        var phases = 0
        for name in ["numNoDelayRetries", "numMinDelayRetries", "numMaxDelayRetries"] {
            let count = try optional(name)
            try atLeast(0, count, "\(path).\(name)")
            try atMost(maxRetries, count, "\(path).\(name)")
            phases += count
        }
        guard phases <= retries else {
            throw PolicyProblem(
                "\(path).numRetries must be greater than or equal to total of numMinDelayRetries, numNoDelayRetries and numMaxDelayRetries"
            )
        }
        if let backoff = members["backoffFunction"] {
            guard case .string(let name) = backoff, backoffFunctions.contains(name) else {
                throw PolicyProblem(
                    "\(path).backoffFunction must be one of \(backoffFunctions.joined(separator: ", "))")
            }
        }
    }

    private static let retryMembers: Set<String> = [
        "minDelayTarget", "maxDelayTarget", "numRetries", "numNoDelayRetries", "numMinDelayRetries",
        "numMaxDelayRetries", "backoffFunction",
    ]

    private static func validateThrottlePolicy(_ value: JSONValue, path: String) throws(PolicyProblem) {
        for (key, member) in try object(value, path: path) {
            guard key == "maxReceivesPerSecond" else { throw PolicyProblem("Unexpected JSON member: \(key)") }
            try atLeast(1, try integer(member, path: "\(path).\(key)"), "\(path).\(key)")
        }
    }

    private static func validateRequestPolicy(_ value: JSONValue, path: String) throws(PolicyProblem) {
        for (key, member) in try object(value, path: path) {
            guard key == "headerContentType" else { throw PolicyProblem("Unexpected JSON member: \(key)") }
            guard case .string = member else { throw PolicyProblem("\(path).\(key) must be a string") }
        }
    }

    /// A JSON number that is a whole number within Int's range; anything else (1.5, 1e300) is refused
    /// with the limit it breaks, so that no arithmetic ever sees it.
    private static func integer(_ value: JSONValue, path: String) throws(PolicyProblem) -> Int {
        switch value {
        case .integer(let number): return number
        case .number(let number):
            if let whole = Int(exactly: number) { return whole }
            if number.isFinite, number.rounded() == number, let limit = limit(path) {
                throw PolicyProblem(
                    number > 0
                        ? "\(path) must be less than or equal to \(limit)"
                        : "\(path) must be greater than or equal to 0")
            }
            throw PolicyProblem("\(path) must be an integer")
        default:
            throw PolicyProblem("\(path) must be an integer")
        }
    }

    /// The largest value a member may have, where AWS sets one.
    private static func limit(_ path: String) -> Int? {
        if path.hasSuffix("DelayTarget") { return maxDelaySeconds }
        if path.hasSuffix("Retries") { return maxRetries }
        return nil
    }

    private static func atLeast(_ minimum: Int, _ value: Int, _ path: String) throws(PolicyProblem) {
        guard value >= minimum else { throw PolicyProblem("\(path) must be greater than or equal to \(minimum)") }
    }

    private static func atMost(_ maximum: Int, _ value: Int, _ path: String) throws(PolicyProblem) {
        guard value <= maximum else { throw PolicyProblem("\(path) must be less than or equal to \(maximum)") }
    }
}
