/// A queue's messages by seq.
///
/// Messages are boxed so that the table stores one reference per slot: a dictionary of the
/// messages themselves reserves room for up to twice its count of full message structs, which
/// dominated memory with large backlogs.
struct MessageTable {
    private final class Box {
        var message: SQSMessage
        init(_ message: SQSMessage) { self.message = message }
    }

    private var boxes: [Int64: Box] = [:]

    var count: Int { boxes.count }
    var isEmpty: Bool { boxes.isEmpty }
    var seqs: [Int64] { Array(boxes.keys) }
    var values: some Sequence<SQSMessage> { boxes.values.lazy.map(\.message) }

    subscript(seq: Int64) -> SQSMessage? {
        get { boxes[seq]?.message }
        set {
            guard let newValue else {
                boxes[seq] = nil
                return
            }
            if let box = boxes[seq] { box.message = newValue } else { boxes[seq] = Box(newValue) }
        }
    }

    /// Adds a message whose seq is new to the table (one hash lookup, where the subscript's setter makes two).
    mutating func insert(_ message: SQSMessage) {
        boxes[message.seq] = Box(message)
    }

    mutating func removeValue(forKey seq: Int64) -> SQSMessage? {
        boxes.removeValue(forKey: seq)?.message
    }

    mutating func removeAll() { boxes.removeAll() }

    /// Moves the messages into storage sized for their count: a dictionary keeps its capacity when
    /// entries are removed.
    mutating func compact() {
        var fresh = [Int64: Box](minimumCapacity: boxes.count)
        for (seq, box) in boxes { fresh[seq] = box }
        boxes = fresh
    }
}
