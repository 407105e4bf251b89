import SwitchyardWire

/// EventBridge's errors, in its words.
enum EventBridgeErrors {
    static func busNotFound(_ name: String) -> AWSError {
        AWSError("ResourceNotFoundException", "Event bus \(name) does not exist.")
    }

    static func ruleNotFound(_ name: String, bus: String) -> AWSError {
        AWSError("ResourceNotFoundException", "Rule \(name) does not exist on EventBus \(bus).")
    }

    static func validation(_ message: String) -> AWSError {
        AWSError("ValidationException", message)
    }

    static func invalidPattern(_ message: String) -> AWSError {
        AWSError("InvalidEventPatternException", message)
    }
}
