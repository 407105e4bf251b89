import Foundation
import Testing

@testable import SwitchyardLambda

@Suite struct WorkerPoolTests {
    struct LaunchFailed: Error {}

    /// Invocations of many function revisions leave nothing behind once they end, even when the
    /// worker never started.
    @Test func endedInvocationsLeaveNoKeys() async throws {
        let pool = WorkerPool(idleLifetime: .seconds(300))
        for revision in 0..<100 {
            let invocation = Invocation(
                requestId: "r\(revision)", payload: [], functionArn: "arn", deadline: Date().addingTimeInterval(5))
            await #expect(throws: LaunchFailed.self) {
                try await pool.invoke(
                    key: "000000000000/us-east-1/f#$LATEST#\(revision)", launch: { throw LaunchFailed() },
                    invocation: invocation, timeout: .seconds(5))
            }
        }
        #expect(await pool.keysHeld == 0)
        #expect(await pool.running(prefix: "000000000000/us-east-1/f#") == 0)
    }
}
