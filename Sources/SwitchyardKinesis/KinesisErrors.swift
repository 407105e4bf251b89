import SwitchyardWire

/// Kinesis's errors in AWS's words.
enum KinesisErrors {
    /// The stream name and account a stream key (`<account>/<region>/<name>`) names, as messages say them.
    static func names(_ key: String) -> (stream: String, account: String) {
        let parts = key.split(separator: "/", maxSplits: 2).map(String.init)
        return (parts.count == 3 ? parts[2] : key, parts.first ?? "")
    }

    static func streamNotFound(key: String) -> AWSError {
        let (name, account) = names(key)
        return streamNotFound(name: name, account: account)
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
        let (name, account) = names(key)
        return AWSError(
            "ResourceNotFoundException", "Shard \(shardId) in stream \(name) under account \(account) does not exist")
    }

    /// A shard's write or read quota is spent (only when quotas are emulated).
    static func throttled(_ shardId: String, key: String) -> AWSError {
        let (name, account) = names(key)
        return AWSError(
            "ProvisionedThroughputExceededException",
            "Rate exceeded for shard \(shardId) in stream \(name) under account \(account).")
    }

    static func invalid(_ message: String) -> AWSError { AWSError("InvalidArgumentException", message) }

    static func limit(_ message: String) -> AWSError { AWSError("LimitExceededException", message) }
}
