import Synchronization
import Testing

@testable import SwitchyardLambda

/// Reading a streamed response pauses while more than `pauseBytes` wait for the caller, and resumes
/// once fewer than `resumeBytes` do, or a new response begins.
@Suite("Streamed response flow control")
struct StreamFlowTests {
    final class Reading: Sendable {
        let pauses = Mutex(0)
        let resumes = Mutex(0)
        func passOn(_ bytes: Int, to flow: StreamFlow) {
            flow.passedOn(bytes, pause: { pauses.withLock { $0 += 1 } }, resume: { self.resumes.withLock { $0 += 1 } })
        }
    }

    @Test func pausesAboveTheMarkAndResumesWellBelowIt() {
        let flow = StreamFlow()
        let reading = Reading()
        reading.passOn(StreamFlow.pauseBytes, to: flow)
        #expect(reading.pauses.withLock { $0 } == 0)
        reading.passOn(1, to: flow)
        reading.passOn(1, to: flow)
        #expect(reading.pauses.withLock { $0 } == 1)
        flow.taken(StreamFlow.pauseBytes - StreamFlow.resumeBytes)
        #expect(reading.resumes.withLock { $0 } == 0)
        flow.taken(10)
        #expect(reading.resumes.withLock { $0 } == 1)
        flow.taken(StreamFlow.resumeBytes)
        #expect(reading.resumes.withLock { $0 } == 1)
    }

    @Test func aNewResponseResumesReading() {
        let flow = StreamFlow()
        let reading = Reading()
        reading.passOn(StreamFlow.pauseBytes + 1, to: flow)
        flow.reset()
        #expect(reading.resumes.withLock { $0 } == 1)
        reading.passOn(StreamFlow.pauseBytes, to: flow)
        #expect(reading.pauses.withLock { $0 } == 1)
    }
}
