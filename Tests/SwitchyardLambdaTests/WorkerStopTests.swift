import Foundation
import Testing

@testable import SwitchyardLambda

/// Workers are stopped while their process still writes (a reset, a function update, shutdown): the
/// server must go on, and a worker's output must reach the invocation that produced it.
@Suite("Lambda worker processes")
struct WorkerStopTests {
    static func shell(_ script: String) -> WorkerLaunch {
        WorkerLaunch(
            executable: "/bin/sh", arguments: ["-c", script], environment: ["PATH": "/usr/bin:/bin"],
            workingDirectory: NSTemporaryDirectory())
    }

    static func invocation(timeout: Duration) -> Invocation {
        Invocation(
            requestId: UUID().uuidString, payload: [], functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f",
            deadline: Date().addingTimeInterval(Double(timeout.components.seconds)))
    }

    // Stopping a worker and releasing it at once, whether its process is quiet or writing, used to
    // crash the server now and then (a reset after an invocation, in about one run of ten): the pipe
    // was closed under libdispatch's readability source. The crash depends on timing, so this repeats.
    @Test func stoppingWorkersAndReleasingThemLeavesTheServerRunning() async throws {
        for round in 0..<200 {
            let script = round.isMultiple(of: 2) ? "echo ready; exec sleep 100" : "while :; do echo spam; done"
            let worker = try await FunctionWorker.launch(Self.shell(script))
            try await Task.sleep(for: .milliseconds(2))
            await worker.stop()
        }
        // Still here: give the last ones' output readers time to finish.
        try await Task.sleep(for: .milliseconds(200))
    }

    // A process that writes and exits without answering: its invocation ends with the exit status and
    // carries every byte it wrote (a 5 ms wait after the exit used to cut it short, at 16 KiB).
    @Test func theOutputOfAProcessThatExitsIsKept() async throws {
        let worker = try await FunctionWorker.launch(
            Self.shell("sleep 0.3; head -c 20000 /dev/zero | tr '\\0' x; exit 3"))
        let run = await worker.invoke(Self.invocation(timeout: .seconds(10)), timeout: .seconds(10))
        #expect(run.outcome == .exited(status: 3))
        #expect(run.output.count == 20_000)
        await worker.stop()
    }
}
