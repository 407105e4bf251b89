import SwitchyardModels
import SwitchyardWire

/// The services Switchyard will implement, addressable already: every operation is routed, parsed
/// and validated in the service's own protocol, then answers 501 NotImplemented naming the service
/// and the operation, so that every SDK raises a clean, named error. A service moves out of this
/// list when its module is built.
public struct PlannedServicesModule: ServiceModule {
    public init() {}

    public func start(_ context: ModuleContext) async throws -> RunningModule {
        RunningModule(endpoints: Self.endpoints)
    }

    /// S3 (its own module) is listed after these: unsigned REST requests go to the first service
    /// that takes their path, and S3 takes almost any path.
    static let endpoints: [ServiceEndpoint] = [

        .notImplemented(descriptor: CloudWatch.descriptor) { CloudWatch.model },
        .notImplemented(descriptor: ApplicationAutoScaling.descriptor) { ApplicationAutoScaling.model },
        .notImplemented(descriptor: AutoScaling.descriptor) { AutoScaling.model },
        .notImplemented(descriptor: Appflow.descriptor) { Appflow.model },
        .notImplemented(descriptor: QuickSight.descriptor) { QuickSight.model },
    ]
}
