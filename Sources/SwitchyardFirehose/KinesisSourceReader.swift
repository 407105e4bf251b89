import Foundation
import SwitchyardPlatform

/// Reads a Kinesis-sourced stream's Kinesis stream like a consumer: every shard from where the
/// delivery stream left off (from its creation time at first, as AWS starts), children after their
/// parents, into the stream's buffer.
struct KinesisSourceReader: Sendable {
    let engine: FirehoseEngine
    let key: String
    let streamARN: String

    func run() async {
        while !Task.isCancelled {
            let progressed = await readOnce()
            if !progressed { try? await Task.sleep(for: .milliseconds(200)) }
        }
    }

    /// One pass over the ready shards; whether it read anything.
    private func readOnce() async -> Bool {
        guard let stream = await engine.stream(key), let reader = engine.sources.streams.reader(for: streamARN),
            let shards = await reader.shards(of: streamARN)
        else { return false }
        let finished = Set(stream.finishedShards ?? [])
        var progressed = false
        let start = Date(timeIntervalSince1970: Double(stream.source?.startMillis ?? 0) / 1000)
        for shard in shards.readable(finished: finished) {
            do {
                let checkpoint = try await reader.checkpoint(
                    stream.checkpoints?[shard.id], of: streamARN, shard: shard, position: "AT_TIMESTAMP",
                    timestamp: start)
                let read = try await reader.read(streamARN, shard: shard.id, after: checkpoint, limit: 10_000)
                if !read.records.isEmpty || read.exhausted || stream.checkpoints?[shard.id] == nil {
                    try await engine.ingest(
                        key, records: read.records, shard: shard.id, checkpoint: read.checkpoint,
                        exhausted: read.exhausted)
                }
                if !read.records.isEmpty { progressed = true }
            } catch {
                continue
            }
        }
        return progressed
    }
}
