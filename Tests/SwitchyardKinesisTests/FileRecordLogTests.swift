import Foundation
import Testing

@testable import SwitchyardKinesis

@Suite struct FileRecordLogTests {
    static func directory() -> String {
        let path = NSTemporaryDirectory() + "record-log-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(_ counter: UInt64, millis: Int64, size: Int = 10) -> StoredRecord {
        StoredRecord(
            counter: counter, millis: millis, partitionKey: "key-\(counter)",
            data: (0..<size).map { UInt8(truncatingIfNeeded: Int(counter) &+ $0) })
    }

    @Test func recordsAreReadBackAfterAReopenAndATornTailIsCutOff() async throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let shard = ShardKey(incarnation: "stream-a", ordinal: 0)
        let log = try FileRecordLog(root: root)
        _ = try log.recover()
        try await log.append([shard: (1...5).map { Self.record($0, millis: 1000 + Int64($0)) }]).wait()
        #expect(try await log.read(shard, after: 2, limit: 10, maximumBytes: 1 << 20).map(\.counter) == [3, 4, 5])
        // Half a frame written by a crash after the last acknowledged append.
        let segment = "\(root)/stream-a/0/" + String(repeating: "0", count: 19) + "1.seg"
        let handle = try #require(FileHandle(forWritingAtPath: segment))
        handle.seekToEndOfFile()
        handle.write(Data([0, 0, 0, 40, 1, 2, 3]))
        try handle.close()
        let reopened = try FileRecordLog(root: root)
        let newest = try reopened.recover()
        #expect(newest[shard]?.counter == 5)
        let all = try await reopened.read(shard, after: 0, limit: 100, maximumBytes: 1 << 20)
        #expect(all == (1...5).map { Self.record($0, millis: 1000 + Int64($0)) })
        // Appends continue after the cut.
        try await reopened.append([shard: [Self.record(6, millis: 2000)]]).wait()
        #expect(try await reopened.read(shard, after: 5, limit: 10, maximumBytes: 1 << 20).map(\.counter) == [6])
    }

    @Test func positionsBacklogAndRetention() async throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let shard = ShardKey(incarnation: "stream-b", ordinal: 3)
        let log = try FileRecordLog(root: root)
        _ = try log.recover()
        try await log.append([shard: (1...10).map { Self.record($0, millis: Int64($0) * 100) }]).wait()
        #expect(log.position(shard, atOrAfter: 450) == 4)
        #expect(log.position(shard, atOrAfter: 5000) == nil)
        #expect(log.backlog(shard, after: 7).count == 3 && log.backlog(shard, after: 7).firstMillis == 800)
        // The byte limit stops a read after the record that crosses it (at least one is read).
        #expect(try await log.read(shard, after: 0, limit: 10, maximumBytes: 30).count == 2)
        log.trim(shard, before: 650)
        #expect(try await log.read(shard, after: 0, limit: 100, maximumBytes: 1 << 20).map(\.counter) == [7, 8, 9, 10])
        log.drop(incarnation: "stream-b")
        #expect(try await log.read(shard, after: 0, limit: 100, maximumBytes: 1 << 20).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(root)/stream-b"))
    }
}
