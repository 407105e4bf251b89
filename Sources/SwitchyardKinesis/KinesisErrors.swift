import SwitchyardWire

/// Kinesis's errors in AWS's words.
enum KinesisErrors {
    static func streamNotFound(key: String) -> AWSError {
        let parts = key.split(separator: "/", maxSplits: 2).map(String.init)
        return streamNotFound(name: parts.count == 3 ? parts[2] : key, account: parts.first ?? "")
    }

    static func streamNotFound(name: String, account: String) -> AWSError {
        AWSError("ResourceNotFoundException", "Stream \(name) under account \(account) not found.")
    }

    static func notActive(_ stream: StreamRecord) -> AWSError {
        AWSError(
            "ResourceInUseException",
            "Stream \(stream.name) under account \(stream.account) not ACTIVE, instead in state \(stream.status)")
    }

    static func shardNotFound(_ shardId: String, _ stream: StreamRecord) -> AWSError {
        AWSError(
            "ResourceNotFoundException",
            "Could not find shard \(shardId) in stream \(stream.name) under account \(stream.account).")
    }

    /// A shard (or its stream) that GetShardIterator or GetRecords cannot find.
    static func shardMissing(_ shardId: String, key: String) -> AWSError {
        let parts = key.split(separator: "/", maxSplits: 2).map(String.init)
        return AWSError(
            "ResourceNotFoundException",
            "Shard \(shardId) in stream \(parts.count == 3 ? parts[2] : key) under account \(parts.first ?? "") does not exist"
        )
    }

    static func invalid(_ message: String) -> AWSError { AWSError("InvalidArgumentException", message) }

    static func limit(_ message: String) -> AWSError { AWSError("LimitExceededException", message) }
}
