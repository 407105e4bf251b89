import Foundation
import GRDB
import SwitchyardModels
import SwitchyardPlatform
import SwitchyardWire

/// Amazon S3 as the server runs it: bucket and object metadata on the configured storage, object
/// bytes as files under `<data-dir>/s3` (a temporary directory with `--storage memory`), and bucket
/// notifications through the delivery engine.
public struct S3Module: ServiceModule {
    public init() {}

    public func registerMigrations(_ migrator: inout DatabaseMigrator) {
        SQLiteS3Store.registerMigrations(&migrator)
    }

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        let store: any S3Store = context.database.map { SQLiteS3Store(database: $0) } ?? MemoryS3Store()
        let root =
            context.dataDirectory.map { ($0 as NSString).appendingPathComponent("s3") }
            ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("switchyard-s3-\(getpid())")
        if context.database == nil { Self.removeAbandonedTemporaryRoots() }
        let files = try ObjectFiles(root: root)
        if context.database == nil { files.removeAll() }
        let engine = try S3Engine(store: store, files: files)
        let notifications = BucketNotifications(
            engine: engine, deliveries: context.deliveries, resources: context.resources)
        let service = S3Service(
            engine: engine, files: files, notifications: notifications, signingSecrets: context.signingSecrets)
        let cors = BucketCORS(engine: engine)
        let website = StaticWebsite(service: service, cors: cors)
        context.objects.register(S3ObjectReader(engine: engine, files: files))
        return RunningModule(
            endpoints: [
                ServiceEndpoint(
                    descriptor: S3.descriptor, model: { S3.model }, prepareInput: S3InputDefaults.fill,
                    rewordError: S3Errors.identityWording,
                    maximumBodyBytes: Self.bodyLimit,
                    hostAddressing: VirtualHostedAddressing.rewrite, validatesInput: false,
                    inflatesRequestBodies: false,
                    intercept: { request in
                        if let answer = await website.answer(request) { return answer }
                        if let answer = await cors.preflight(request) { return answer }
                        guard let answer = await service.postObject(request) else { return nil }
                        return await cors.decorate(request, answer)
                    },
                    decorate: { request, response in await cors.decorate(request, response) },
                    finishResponse: Self.finish
                ) { operation, input, context in
                    try await Self.dispatch(
                        service, engine: engine, operation: operation, input: input, context: context)
                }
            ],
            deliveryTransports: [S3ObjectDeliveryTransport.kind: S3ObjectDeliveryTransport(service: service)],
            resourceChecks: [
                // `arn:aws:s3:::<bucket>`: other modules ask whether a bucket exists (Logs' export tasks).
                "s3": { arn in
                    let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
                    guard parts.count == 6 else { return false }
                    return (try? await engine.bucket(String(parts[5]))) != nil
                }
            ],
            backgroundTasks: [{ await engine.runLifecycle(every: Self.lifecycleInterval) }],
            reset: { try await engine.reset() },
            statistics: { ["s3Buckets": await engine.bucketCount, "s3Objects": await engine.objectCount] })
    }

    /// Calls the operation. S3 does not validate inputs against the model: a document missing a
    /// member it needs is malformed XML (a policy, malformed policy), after the bucket is found.
    static func dispatch(
        _ service: S3Service, engine: S3Engine, operation: String, input: AWSValue, context: RequestContext
    ) async throws -> AWSValue? {
        do {
            try await checkExpectedOwner(input, member: "ExpectedBucketOwner", bucket: "Bucket", engine: engine)
            return try await S3.dispatch(service, operation: operation, input: input, context: context)
        } catch let error as AWSError where error.code == "MissingParameter" {
            if operation != "CreateBucket", case .string(let bucket)? = input["Bucket"] {
                _ = try await engine.bucket(bucket)
            }
            if operation == "PutBucketPolicy" {
                throw AWSError("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'")
            }
            throw S3Errors.malformedXML()
        } catch let error as AWSError where error.code == "NotImplemented" {
            // An operation not built still names a missing bucket first, as S3 would.
            if operation != "CreateBucket", case .string(let bucket)? = input["Bucket"] {
                _ = try await engine.bucket(bucket)
            }
            throw error
        }
    }

    /// `x-amz-expected-bucket-owner`: an account id, which must own the bucket (403 otherwise).
    static func checkExpectedOwner(_ input: AWSValue, member: String, bucket: String, engine: S3Engine) async throws {
        guard case .string(let expected)? = input[member] else { return }
        guard expected.utf8.count == 12, expected.allSatisfy(\.isASCII), expected.allSatisfy(\.isNumber) else {
            throw AWSError(
                "InvalidBucketOwnerAWSAccountID",
                "The value of the expected bucket owner parameter must be an AWS Account ID... [\(expected)]")
        }
        if case .string(let name)? = input[bucket], let record = try? await engine.bucket(name),
            record.account != expected
        {
            throw AWSError("AccessDenied", "Access Denied", httpStatus: 403)
        }
    }

    /// The second request id S3 answers with (`x-amz-id-2`, an error's `HostId`).
    static func hostId(_ requestId: String) -> String { Data(requestId.utf8).base64EncodedString() }

    /// What the model cannot say of an answer: a ranged read is partial (206), and some
    /// configuration PUTs answer 204 No Content, as recorded from S3.
    @Sendable static func finish(_ operation: String, _ response: inout WireResponse) {
        // S3 names its request id as its own headers do, with a second id and its server's name.
        if let index = response.headers.firstIndex(where: { $0.0 == "x-amzn-RequestId" }) {
            let requestId = response.headers[index].1
            response.headers[index] = ("x-amz-request-id", requestId)
            response.headers.append(("x-amz-id-2", hostId(requestId)))
        }
        response.headers.append(("Date", Timestamps.httpDate(Date())))
        response.headers.append(("Server", "AmazonS3"))
        guard response.status == 200 else { return }
        if operation == "GetBucketLocation" { response.body = locationDocument(response.body) }
        // HeadBucket declares the XML its GET would have (AWS's recorded headers).
        if operation == "HeadBucket", !response.headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            response.headers.append(("Content-Type", "application/xml"))
        }
        if operation == "GetObject" || operation == "HeadObject",
            response.headers.contains(where: { $0.0.lowercased() == "content-range" })
        {
            response.status = 206
        } else if noContentPuts.contains(operation) {
            response.status = 204
        }
    }

    /// GetBucketLocation's document is one element whose text is the constraint (empty for us-east-1),
    /// not an element holding a member.
    static func locationDocument(_ body: [UInt8]) -> [UInt8] {
        let text = String(decoding: body, as: UTF8.self)
        let inner = text.range(of: "<LocationConstraint>").flatMap { open in
            text.range(of: "</LocationConstraint>", range: open.upperBound..<text.endIndex).map {
                String(text[open.upperBound..<$0.lowerBound])
            }
        }
        let prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let namespace = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""
        guard let inner, !inner.isEmpty else { return Array("\(prolog)<LocationConstraint \(namespace)/>".utf8) }
        return Array("\(prolog)<LocationConstraint \(namespace)>\(inner)</LocationConstraint>".utf8)
    }

    static let noContentPuts: Set = [
        "PutBucketPolicy", "PutBucketTagging", "PutBucketMetricsConfiguration", "PutBucketInventoryConfiguration",
        "PutBucketIntelligentTieringConfiguration", "PutBucketAnalyticsConfiguration",
    ]

    /// Object files of `--storage memory` servers that are gone (stopped or killed): a temporary
    /// directory per process, removed by the next server that starts.
    static func removeAbandonedTemporaryRoots() {
        let temporary = NSTemporaryDirectory()
        let prefix = "switchyard-s3-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            try? FileManager.default.removeItem(atPath: (temporary as NSString).appendingPathComponent(name))
        }
    }

    /// How often lifecycle rules are applied: a minute, or `SWITCHYARD_S3_LIFECYCLE_SECONDS`.
    static var lifecycleInterval: Duration {
        let seconds = ProcessInfo.processInfo.environment["SWITCHYARD_S3_LIFECYCLE_SECONDS"].flatMap(Double.init) ?? 60
        return .milliseconds(Int(max(seconds, 0.1) * 1000))
    }

    /// A single PUT takes an object of up to 5 GB, and a multipart upload's part as much; the
    /// transport writes such bodies to a file as they arrive, never to memory.
    @Sendable static func bodyLimit(_ operation: String) -> Int? {
        switch operation {
        case "PutObject", "UploadPart": return 5 << 30
        default: return nil
        }
    }
}
