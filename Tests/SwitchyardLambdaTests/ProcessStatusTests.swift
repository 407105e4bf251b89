import Foundation
import Testing

@testable import SwitchyardPlatform

@Suite("A worker's memory figures read from /proc/<pid>/status")
struct ProcessStatusTests {
    let status = Array(
        """
        Name:\tpython3
        VmPeak:\t   30000 kB
        VmHWM:\t   12345 kB
        VmRSS:\t    9876 kB
        Threads:\t1

        """.utf8)

    @Test func aFieldIsTheNumberAfterItsNameAtTheStartOfALine() {
        #expect(LocalProcess.kilobytes(of: Array("VmHWM:".utf8), in: status) == 12345)
        #expect(LocalProcess.kilobytes(of: Array("VmRSS:".utf8), in: status) == 9876)
        // "HWM:" appears inside a line only: not a field of that name.
        #expect(LocalProcess.kilobytes(of: Array("HWM:".utf8), in: status) == nil)
        #expect(LocalProcess.kilobytes(of: Array("VmSwap:".utf8), in: status) == nil)
        #expect(LocalProcess.kilobytes(of: Array("Name:".utf8), in: status) == nil)
    }

    @Test func aRunningProcessReportsItsMemory() throws {
        let status = try Array(Data(contentsOf: URL(fileURLWithPath: "/proc/self/status")))
        let resident = try #require(LocalProcess.kilobytes(of: Array("VmRSS:".utf8), in: status))
        let peak = try #require(LocalProcess.kilobytes(of: Array("VmHWM:".utf8), in: status))
        #expect(resident > 0 && peak >= resident)
    }
}
