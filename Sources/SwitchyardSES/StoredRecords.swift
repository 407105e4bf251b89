import SwitchyardCore

/// One kind of SES resource: all of them in memory, each written through to its table as JSON.
struct StoredRecords<Record: Codable & Sendable>: Sendable {
    private(set) var items: [String: Record] = [:]
    let table: JSONRecordTable<Record>
    private let keyOf: @Sendable (Record) -> String

    init(table: JSONRecordTable<Record>, key: @escaping @Sendable (Record) -> String) throws {
        self.table = table
        self.keyOf = key
        for record in try table.loadAll() { items[key(record)] = record }
    }

    subscript(key: String) -> Record? { items[key] }

    /// Stores a record (new or changed); the ticket resolves once it is durable.
    @discardableResult
    mutating func put(_ record: Record) -> CommitTicket {
        let key = keyOf(record)
        items[key] = record
        return table.put(record, key: key)
    }

    @discardableResult
    mutating func remove(_ key: String) -> CommitTicket {
        guard items.removeValue(forKey: key) != nil else { return .alreadyCommitted }
        return table.delete(key: key)
    }

    /// The records whose keys start with a prefix (a scope's, or a list's), in key order.
    func records(prefix: String) -> [Record] {
        items.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.map(\.value)
    }

    mutating func wipe() -> CommitTicket {
        items = [:]
        return table.wipe()
    }
}
