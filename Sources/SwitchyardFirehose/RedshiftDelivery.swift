import Foundation
import Logging
import NIOCore
import PostgresNIO
import SwitchyardWire

/// The Redshift destination, loaded over PostgreSQL's wire protocol (which Redshift speaks) into the
/// database the cluster's JDBC URL names: the batch is written to the intermediate bucket as AWS
/// does, then its rows are copied into the table with `COPY ... FROM STDIN`, read from the records
/// as the COPY options say (`JSON 'auto'`, `CSV`, `DELIMITER`; pipe-delimited text otherwise), since
/// PostgreSQL cannot read from S3. Retried for the retry duration (3600 s by default), then the
/// records go to error output as `redshift-failed`.
struct RedshiftDelivery: Sendable {
    let batch: BatchDelivery

    func deliver(_ records: [ProcessedRecord], naming: ObjectNaming) async {
        let configuration = batch.settings.configuration
        if let intermediate = batch.settings.s3 {
            await batch.writeObject(
                intermediate,
                key: naming.key(prefix: intermediate.prefix, fileExtension: batch.extensionFor(intermediate)),
                data: records.flatMap(\.data))
        }
        let copy = configuration["CopyCommand"]
        let table = copy?["DataTableName"]?.stringValue ?? ""
        let givenColumns = (copy?["DataTableColumns"]?.stringValue ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let options = copy?["CopyOptions"]?.stringValue ?? ""
        let (error, attempts) = await batch.retrying {
            do {
                try await load(
                    records, jdbcURL: configuration["ClusterJDBCURL"]?.stringValue ?? "",
                    username: configuration["Username"]?.stringValue ?? "",
                    password: configuration["Password"]?.stringValue, table: table, columns: givenColumns,
                    options: options)
                return nil
            } catch {
                return "\(String(reflecting: error))"
            }
        }
        if let error {
            await batch.fail(
                records, code: "Redshift.LoadFailed", message: error, attempts: attempts, type: "redshift-failed",
                naming: naming)
        } else {
            await batch.delivered(records)
        }
    }

    struct LoadFailure: Error, CustomStringConvertible {
        var description: String
    }

    private func load(
        _ records: [ProcessedRecord], jdbcURL: String, username: String, password: String?, table: String,
        columns: [String], options: String
    ) async throws {
        guard let endpoint = Self.parseJDBC(jdbcURL) else {
            throw LoadFailure(
                description: "The cluster JDBC URL \(jdbcURL) is not a jdbc:redshift:// or jdbc:postgresql:// URL.")
        }
        let logger = Logger(label: "switchyard.firehose.redshift")
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: endpoint.host, port: endpoint.port, username: username, password: password,
                database: endpoint.database, tls: .disable),
            id: 1, logger: logger)
        do {
            var columns = columns
            if columns.isEmpty {
                let parts = table.split(separator: ".").map(String.init)
                let name = parts.last ?? table
                let rows = try await connection.query(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = \(name) ORDER BY ordinal_position",
                    logger: logger)
                for try await (column) in rows.decode(String.self) { columns.append(column) }
            }
            let rows = try RedshiftRows.rows(records.map(\.data), columns: columns, options: options)
            guard !rows.isEmpty else {
                try await connection.close()
                return
            }
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                var buffer = ByteBuffer()
                for row in rows {
                    buffer.writeString(row)
                    if buffer.readableBytes > 1 << 16 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// `jdbc:redshift://host:port/database` (or `jdbc:postgresql://`), parameters ignored.
    static func parseJDBC(_ url: String) -> (host: String, port: Int, database: String)? {
        var rest = Substring(url)
        for scheme in ["jdbc:redshift://", "jdbc:postgresql://"] where rest.hasPrefix(scheme) {
            rest = rest.dropFirst(scheme.count)
        }
        guard rest.count < url.count else { return nil }
        rest = rest.prefix { $0 != "?" && $0 != ";" }
        let hostPort = rest.prefix { $0 != "/" }
        let database = rest.dropFirst(hostPort.count + 1)
        let pieces = hostPort.split(separator: ":")
        guard let host = pieces.first, !host.isEmpty else { return nil }
        let port = pieces.count > 1 ? Int(pieces[1]) ?? 5439 : 5439
        return (String(host), port, database.isEmpty ? "dev" : String(database))
    }
}

/// The rows a Redshift COPY would read from records, in PostgreSQL's text COPY format.
enum RedshiftRows {
    static func rows(_ records: [[UInt8]], columns: [String], options: String) throws -> [String] {
        let lowered = options.lowercased()
        var lines: [String] = []
        for record in records {
            let text = String(decoding: record, as: UTF8.self)
            lines += text.split(whereSeparator: \.isNewline).map(String.init).filter {
                !$0.trimmingCharacters(in: .whitespaces).isEmpty
            }
        }
        if lowered.contains("json") {
            return try lines.map { line in
                let document = try OrderedJSON.parse(Array(line.utf8))
                let members = document.members
                let fields = columns.map { column -> String? in
                    let value =
                        members.first { $0.key == column }?.value
                        ?? members.first { $0.key.lowercased() == column.lowercased() }?.value
                    guard let value, value != .scalar(.null) else { return nil }
                    return value.plainText
                }
                return encode(fields)
            }
        }
        let csv = lowered.contains("csv")
        let delimiter = delimiterOption(options) ?? (csv ? "," : "|")
        return lines.map { line in
            let fields = csv ? csvFields(line, delimiter: delimiter) : line.components(separatedBy: String(delimiter))
            return encode(fields.map { $0.isEmpty ? nil : $0 })
        }
    }

    /// The character of a `DELIMITER 'x'` (or `DELIMITER AS 'x'`) option.
    static func delimiterOption(_ options: String) -> Character? {
        guard let range = options.range(of: "delimiter", options: .caseInsensitive) else { return nil }
        let rest = options[range.upperBound...].drop { $0 == " " }
        let afterAs = rest.lowercased().hasPrefix("as ") ? rest.dropFirst(3).drop { $0 == " " } : rest
        guard afterAs.first == "'", afterAs.count >= 3 else { return nil }
        let value = afterAs.dropFirst().prefix { $0 != "'" }
        if value == "\\t" { return "\t" }
        return value.first
    }

    static func csvFields(_ line: String, delimiter: Character) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var iterator = Array(line)
        var index = 0
        while index < iterator.count {
            let character = iterator[index]
            if quoted {
                if character == "\"" {
                    if index + 1 < iterator.count, iterator[index + 1] == "\"" {
                        current.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == delimiter {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
            index += 1
        }
        iterator.removeAll()
        fields.append(current)
        return fields
    }

    /// One line of PostgreSQL's text format: tab-separated, `\N` for null, backslashes escaped.
    static func encode(_ fields: [String?]) -> String {
        fields.map { field in
            guard let field else { return "\\N" }
            var escaped = ""
            for character in field {
                switch character {
                case "\\": escaped += "\\\\"
                case "\t": escaped += "\\t"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.append(character)
                }
            }
            return escaped
        }.joined(separator: "\t") + "\n"
    }
}
