import SwitchyardPlatform

#if canImport(Glibc)
    import Glibc
#endif

extension FunctionWorker {
    /// The resource limits a function's code reads in Lambda's execution environment (AWS's recorded
    /// `getrlimit` answers, November 2025; the ones not listed are unlimited there, or 8 MiB soft for
    /// the stack, as on most machines):
    /// - 1,024 open files (also Lambda's documented quota of file descriptors);
    /// - 10 GiB core files and 64 KiB of locked memory, soft and hard;
    /// - 742 processes, when the server runs as root. The kernel counts that limit across every
    ///   process of the user and does not hold root to it; for another user it would count the
    ///   user's other processes (a desktop session's threads can outnumber it), so there the
    ///   machine's own limit stays.
    static let executionEnvironmentLimits: [LocalProcess.ResourceLimit] = {
        var limits: [LocalProcess.ResourceLimit] = [
            .openFiles(1024),
            .init(resource: Int32(RLIMIT_CORE.rawValue), soft: 10_737_418_240, hard: 10_737_418_240),
            .init(resource: Int32(__RLIMIT_MEMLOCK.rawValue), soft: 65_536, hard: 65_536),
        ]
        if geteuid() == 0 {
            limits.append(.init(resource: Int32(__RLIMIT_NPROC.rawValue), soft: 742, hard: 742))
        }
        return limits
    }()
}
