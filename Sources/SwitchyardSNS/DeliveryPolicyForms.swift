import SwitchyardWire

/// How SNS keeps and shows delivery policies, as AWS answers them. A topic's stored policy is its
/// `http` object without null members and with `disableSubscriptionOverrides` filled in; its
/// effective policy fills each part from SNS's defaults. A subscription's stored policy names every
/// part, null where not given, and `guaranteed`; its effective policy takes the retry policy it
/// lacks from the topic.
enum DeliveryPolicyForms {
    /// The order AWS lists the parts of a topic's `http` policy in.
    private static let topicPartOrder = [
        "defaultHealthyRetryPolicy", "disableSubscriptionOverrides", "defaultThrottlePolicy", "defaultRequestPolicy",
    ]

    private static let retryFieldOrder = [
        "minDelayTarget", "maxDelayTarget", "numRetries", "numMaxDelayRetries", "numNoDelayRetries",
        "numMinDelayRetries", "backoffFunction",
    ]

    private static let defaultRetryPolicy = OrderedJSON.object([
        ("minDelayTarget", .scalar(.integer(20))), ("maxDelayTarget", .scalar(.integer(20))),
        ("numRetries", .scalar(.integer(3))), ("numMaxDelayRetries", .scalar(.integer(0))),
        ("numNoDelayRetries", .scalar(.integer(0))), ("numMinDelayRetries", .scalar(.integer(0))),
        ("backoffFunction", .scalar(.string("linear"))),
    ])

    private static let defaultRequestPolicy = OrderedJSON.object([
        ("headerContentType", .scalar(.string("text/plain; charset=UTF-8")))
    ])

    /// A topic's DeliveryPolicy (already validated) as SNS stores and answers it.
    static func storedTopicPolicy(_ text: String) -> String {
        guard let policy = try? OrderedJSON.parse(Array(text.utf8)), let http = policy["http"] else { return text }
        var parts: [(key: String, value: OrderedJSON)] = []
        for name in topicPartOrder {
            if let value = http[name], value != .scalar(.null) {
                parts.append((name, value))
            } else if name == "disableSubscriptionOverrides" {
                parts.append((name, .scalar(.bool(false))))
            }
        }
        return OrderedJSON.object([("http", .object(parts))]).text
    }

    /// A topic's EffectiveDeliveryPolicy: its stored policy (if any) over SNS's defaults.
    static func effectiveTopicPolicy(_ stored: String?) -> String {
        let http = stored.flatMap { try? OrderedJSON.parse(Array($0.utf8)) }?["http"]
        var parts: [(key: String, value: OrderedJSON)] = [
            ("defaultHealthyRetryPolicy", filledRetryPolicy(http?["defaultHealthyRetryPolicy"])),
            ("disableSubscriptionOverrides", http?["disableSubscriptionOverrides"] ?? .scalar(.bool(false))),
        ]
        if let throttle = http?["defaultThrottlePolicy"], throttle != .scalar(.null) {
            parts.append(("defaultThrottlePolicy", throttle))
        }
        parts.append(("defaultRequestPolicy", nonNull(http?["defaultRequestPolicy"]) ?? defaultRequestPolicy))
        return OrderedJSON.object([("http", .object(parts))]).text
    }

    /// A subscription's DeliveryPolicy (already validated) as SNS stores and answers it.
    static func storedSubscriptionPolicy(_ text: String) -> String {
        guard let policy = try? OrderedJSON.parse(Array(text.utf8)) else { return text }
        return OrderedJSON.object([
            ("healthyRetryPolicy", nonNull(policy["healthyRetryPolicy"]) ?? .scalar(.null)),
            ("sicklyRetryPolicy", .scalar(.null)),
            ("throttlePolicy", nonNull(policy["throttlePolicy"]) ?? .scalar(.null)),
            ("requestPolicy", nonNull(policy["requestPolicy"]) ?? .scalar(.null)),
            ("guaranteed", .scalar(.bool(false))),
        ]).text
    }

    /// A subscription's EffectiveDeliveryPolicy: what it set, the rest from its topic's policy.
    static func effectiveSubscriptionPolicy(_ stored: String, topicPolicy: String?) -> String {
        let policy = try? OrderedJSON.parse(Array(stored.utf8))
        let topic = (try? OrderedJSON.parse(Array(effectiveTopicPolicy(topicPolicy).utf8)))?["http"]
        let retry = nonNull(policy?["healthyRetryPolicy"]).map { filledRetryPolicy($0) }
        return OrderedJSON.object([
            ("healthyRetryPolicy", retry ?? topic?["defaultHealthyRetryPolicy"] ?? defaultRetryPolicy),
            ("sicklyRetryPolicy", .scalar(.null)),
            ("throttlePolicy", nonNull(policy?["throttlePolicy"]) ?? topic?["defaultThrottlePolicy"] ?? .scalar(.null)),
            ("requestPolicy", nonNull(policy?["requestPolicy"]) ?? topic?["defaultRequestPolicy"] ?? .scalar(.null)),
            ("guaranteed", .scalar(.bool(false))),
        ]).text
    }

    /// A retry policy with every field, the missing ones from SNS's default.
    private static func filledRetryPolicy(_ given: OrderedJSON?) -> OrderedJSON {
        guard let given = nonNull(given) else { return defaultRetryPolicy }
        return .object(
            retryFieldOrder.compactMap { name in
                guard let value = given[name] ?? defaultRetryPolicy[name] else { return nil }
                return (name, value)
            })
    }

    private static func nonNull(_ value: OrderedJSON?) -> OrderedJSON? {
        value == .scalar(.null) ? nil : value
    }
}
