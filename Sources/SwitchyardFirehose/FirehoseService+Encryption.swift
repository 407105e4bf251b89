import SwitchyardModels
import SwitchyardWire

extension FirehoseService {
    func startDeliveryStreamEncryption(_ input: Firehose.StartDeliveryStreamEncryptionInput, context: RequestContext)
        async throws -> Firehose.StartDeliveryStreamEncryptionOutput
    {
        var stream = try await encryptable(input.deliveryStreamName, context: context)
        stream.encryption = try Self.encryption(
            input.deliveryStreamEncryptionConfigurationInput
                ?? Firehose.DeliveryStreamEncryptionConfigurationInput(keyType: "AWS_OWNED_CMK"))
        try await engine.update(stream)
        return Firehose.StartDeliveryStreamEncryptionOutput()
    }

    func stopDeliveryStreamEncryption(_ input: Firehose.StopDeliveryStreamEncryptionInput, context: RequestContext)
        async throws -> Firehose.StopDeliveryStreamEncryptionOutput
    {
        var stream = try await encryptable(input.deliveryStreamName, context: context)
        stream.encryption = StreamEncryption(
            keyType: stream.encryption?.keyType ?? "AWS_OWNED_CMK", keyARN: nil, status: "DISABLED")
        try await engine.update(stream)
        return Firehose.StopDeliveryStreamEncryptionOutput()
    }

    /// Server-side encryption is for DirectPut streams; a Kinesis source's own encryption applies.
    private func encryptable(_ name: String, context: RequestContext) async throws -> DeliveryStreamRecord {
        let stream = try await stream(name, context: context)
        guard stream.type == "DirectPut" else {
            throw FirehoseErrors.invalidArgument(
                "Server-side encryption is not supported for delivery streams with \(stream.type) as source.")
        }
        return stream
    }

    /// The encryption a request asks for; a customer managed key needs its ARN, an AWS owned key has none.
    static func encryption(_ input: Firehose.DeliveryStreamEncryptionConfigurationInput) throws -> StreamEncryption {
        switch input.keyType {
        case "CUSTOMER_MANAGED_CMK":
            guard let arn = input.keyARN else {
                throw FirehoseErrors.invalidArgument("KeyARN is required when KeyType is CUSTOMER_MANAGED_CMK.")
            }
            return StreamEncryption(keyType: input.keyType, keyARN: arn, status: "ENABLED")
        default:
            guard input.keyARN == nil else {
                throw FirehoseErrors.invalidArgument("KeyARN must not be given when KeyType is AWS_OWNED_CMK.")
            }
            return StreamEncryption(keyType: input.keyType, keyARN: nil, status: "ENABLED")
        }
    }
}
