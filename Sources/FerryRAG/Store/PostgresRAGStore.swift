import FerryCore
import Foundation
import Logging
import PostgresNIO

/// A store in PostgreSQL, for documents shared by several Ferry instances: the same collections, documents and
/// chunks as ``SQLiteRAGStore`` (tables `ferry_rag_*`, made on first connection), vectors as float32 `bytea` beside
/// their chunks, and a `tsvector` of each passage's index form (``TextNormalizer``) under a GIN index for the lexical
/// search, ranked with `ts_rank_cd`. With the pgvector extension, vectors are also a `vector` column under an HNSW
/// index per dimension count, and vector search runs in the database (``nearest(_:in:count:filters:)``); without it,
/// in the retriever's in-memory index (rebuilt when a collection's version moves, whichever instance wrote).
///
/// ```swift
/// let store = try await PostgresRAGStore(url: "postgres://ferry:secret@db:5432/ferry")
/// defer { store.shutdown() }
/// ```
public final class PostgresRAGStore: RAGStore {
    let client: PostgresClient
    private let running: Task<Void, Never>
    let logger: Logger
    /// Where it connects, without the password (for messages).
    public let location: String
    /// Whether pgvector is in use (the extension exists, or could be created, and was not declined).
    public let usesVectorExtension: Bool

    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]`) and makes the
    /// tables when they are missing; `vectorExtension`: use pgvector when the server has it.
    public init(url: String, vectorExtension: Bool = true, logger: Logger = Logger(label: "ferry.rag.postgres")) async throws {
        let parsed = try PostgresURL(url)
        var configuration = Self.configuration(parsed)
        configuration.options.maximumConnections = 8
        // The pool warns when a first query comes before run() has begun, which the task below makes likely and harmless.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let client = PostgresClient(configuration: configuration, backgroundLogger: background)
        let location = parsed.location
        let running = Task { await client.run() }
        do {
            try await Self.migrate(client, logger: logger)
            usesVectorExtension = vectorExtension ? try await Self.prepareVectorExtension(client, logger: logger, location: location) : false
        } catch {
            running.cancel()
            throw FerryError(code: .configuration, message: "Cannot use the PostgreSQL document store at \(location): \(Self.reason(error))", hint: "check rag.postgres.url (user, password, database) and that the server accepts connections from here")
        }
        self.client = client
        self.logger = logger
        self.location = location
        self.running = running
    }

    /// Closes the connections.
    public func shutdown() {
        running.cancel()
    }

    /// `body` in a transaction, committed when it returns and rolled back when it throws; what it throws comes out
    /// as thrown (postgres-nio wraps it in a `PostgresTransactionError`), so a ``FerryError`` keeps its words.
    static func transaction<Result>(_ client: PostgresClient, logger: Logger, isolation: isolated (any Actor)? = #isolation, _ body: (PostgresConnection) async throws -> sending Result) async throws -> sending Result {
        do {
            return try await client.withTransaction(logger: logger, isolation: isolation, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }

    /// The client's configuration for `url`.
    public static func configuration(_ url: PostgresURL) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch url.tls {
        case .disable: .disable
        case .require: .require(.makeClientConfiguration())
        case .prefer: .prefer(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls)
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            return error.serverInfo?[.message] ?? "\(error.code)"
        }
        return "\(error)"
    }

    private static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await Self.transaction(client, logger: logger) { connection in
            // Instances starting together make the tables one at a time.
            try await connection.query("SELECT pg_advisory_xact_lock(7461923)", logger: logger)
            for statement in [
                "CREATE TABLE IF NOT EXISTS ferry_rag_collections(name TEXT PRIMARY KEY, embedding_model TEXT, dimensions INTEGER, version BIGINT NOT NULL DEFAULT 0, created_at DOUBLE PRECISION NOT NULL)",
                """
                CREATE TABLE IF NOT EXISTS ferry_rag_documents(id BIGSERIAL PRIMARY KEY,
                    collection TEXT NOT NULL REFERENCES ferry_rag_collections(name) ON DELETE CASCADE, path TEXT NOT NULL,
                    title TEXT, format TEXT NOT NULL, content_hash TEXT NOT NULL, chunking TEXT NOT NULL, bytes BIGINT NOT NULL,
                    metadata JSONB NOT NULL DEFAULT '{}', text TEXT NOT NULL, ingested_at DOUBLE PRECISION NOT NULL, UNIQUE(collection, path))
                """,
                """
                CREATE TABLE IF NOT EXISTS ferry_rag_chunks(id BIGSERIAL PRIMARY KEY,
                    document_id BIGINT NOT NULL REFERENCES ferry_rag_documents(id) ON DELETE CASCADE, chunk_id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL, section TEXT NOT NULL, page INTEGER, start_offset INTEGER NOT NULL, end_offset INTEGER NOT NULL,
                    tokens INTEGER NOT NULL, text TEXT NOT NULL, index_form TSVECTOR NOT NULL, embedding BYTEA)
                """,
                "CREATE INDEX IF NOT EXISTS ferry_rag_chunks_document ON ferry_rag_chunks(document_id)",
                "CREATE INDEX IF NOT EXISTS ferry_rag_chunks_chunk_id ON ferry_rag_chunks(chunk_id)",
                "CREATE INDEX IF NOT EXISTS ferry_rag_chunks_index_form ON ferry_rag_chunks USING GIN(index_form)",
            ] + conversationTables {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
        }
    }

    /// Creates pgvector's extension when it can (a server without it, or a user without the right, is not an
    /// error: vector search then runs in memory) and the `vector` column.
    private static func prepareVectorExtension(_ client: PostgresClient, logger: Logger, location: String) async throws -> Bool {
        var available = false
        for try await _ in try await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'", logger: logger) { available = true }
        guard available else {
            logger.info("pgvector is not installed on the server: vector search runs in Ferry's memory", metadata: ["store": "\(location)"])
            return false
        }
        do {
            try await Self.transaction(client, logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(7461923)", logger: logger)
                try await connection.query("CREATE EXTENSION IF NOT EXISTS vector", logger: logger)
                try await connection.query("ALTER TABLE ferry_rag_chunks ADD COLUMN IF NOT EXISTS embedding_v vector", logger: logger)
            }
            return true
        } catch {
            logger.warning("pgvector could not be enabled: vector search runs in Ferry's memory", metadata: ["store": "\(location)", "reason": "\(Self.reason(error))"])
            return false
        }
    }

    /// The HNSW index of vectors of `dimensions` (a partial index on the cast column: one per size in use).
    private func ensureVectorIndex(dimensions: Int) async throws {
        guard usesVectorExtension, (1...16000).contains(dimensions) else { return }
        try await client.query(PostgresQuery(unsafeSQL: """
            CREATE INDEX IF NOT EXISTS ferry_rag_chunks_hnsw_\(dimensions) ON ferry_rag_chunks
            USING hnsw ((embedding_v::vector(\(dimensions))) vector_cosine_ops) WHERE vector_dims(embedding_v) = \(dimensions)
            """), logger: logger)
    }

    public func nearest(_ query: [Float], in collection: CollectionDescriptor, count: Int, filters: SearchFilters) async throws -> [(row: Int64, score: Double)]? {
        guard usesVectorExtension else { return nil }
        let dimensions = query.count
        var sql = PostgresSQL()
        let vector = try sql.bind(Self.vectorLiteral(query))
        let condition = try documentCondition(collection: collection.name, filters: filters, into: &sql)
        let limit = try sql.bind(count)
        sql.text = """
            SELECT k.id, (1 - (k.embedding_v::vector(\(dimensions)) <=> \(vector)::vector(\(dimensions))))::float8
            FROM ferry_rag_chunks k JOIN ferry_rag_documents d ON d.id = k.document_id
            WHERE vector_dims(k.embedding_v) = \(dimensions) AND \(condition)
            ORDER BY k.embedding_v::vector(\(dimensions)) <=> \(vector)::vector(\(dimensions)) LIMIT \(limit)
            """
        let logger = logger
        let query = sql.query
        return try await Self.transaction(client, logger: logger) { connection in
            // More candidates per probe, and pgvector ≥ 0.8 scans on when filters leave too few.
            try await connection.query("SELECT set_config('hnsw.ef_search', '100', true), set_config('hnsw.iterative_scan', 'relaxed_order', true)", logger: logger)
            var found: [(row: Int64, score: Double)] = []
            for try await (id, score) in try await connection.query(query, logger: logger).decode((Int64, Double).self) { found.append((id, score)) }
            return found
        }
    }

    /// pgvector's text form of a vector: `[0.1,0.2,…]`.
    static func vectorLiteral(_ vector: [Float]) -> String {
        "[" + vector.map { $0.isFinite ? String($0) : "0" }.joined(separator: ",") + "]"
    }

    // MARK: Collections

    public func collections() async throws -> [CollectionInfo] {
        try await collectionInfos(name: nil)
    }

    public func collection(_ name: String) async throws -> CollectionInfo? {
        try await collectionInfos(name: name).first
    }

    private func collectionInfos(name: String?) async throws -> [CollectionInfo] {
        var sql = PostgresSQL()
        sql.text = """
            SELECT c.name, c.embedding_model, c.dimensions, c.version,
                   (SELECT COUNT(*) FROM ferry_rag_documents d WHERE d.collection = c.name),
                   (SELECT COUNT(*) FROM ferry_rag_chunks k JOIN ferry_rag_documents d ON d.id = k.document_id WHERE d.collection = c.name)
            FROM ferry_rag_collections c
            """
        if let name {
            let placeholder = try sql.bind(name)
            sql.text += " WHERE c.name = \(placeholder)"
        }
        sql.text += " ORDER BY c.name"
        var infos: [CollectionInfo] = []
        for try await (name, model, dimensions, version, documents, chunks) in try await client.query(sql.query, logger: logger).decode((String, String?, Int?, Int64, Int64, Int64).self) {
            infos.append(CollectionInfo(name: name, embeddingModel: model, dimensions: dimensions, documents: Int(documents), chunks: Int(chunks), version: version))
        }
        return infos
    }

    public func descriptor(of collection: String) async throws -> CollectionDescriptor? {
        for try await (name, model, dimensions, version) in try await client.query("SELECT name, embedding_model, dimensions, version FROM ferry_rag_collections WHERE name = \(collection)", logger: logger).decode((String, String?, Int?, Int64).self) {
            return CollectionDescriptor(name: name, embeddingModel: model, dimensions: dimensions, version: version)
        }
        return nil
    }

    public func deleteCollection(_ name: String) async throws -> Bool {
        var deleted = false
        for try await _ in try await client.query("DELETE FROM ferry_rag_collections WHERE name = \(name) RETURNING name", logger: logger) { deleted = true }
        return deleted
    }

    public func prepareCollection(_ name: String, embeddingModel: String?, dimensions: Int?) async throws -> CollectionDescriptor {
        let logger = logger
        try await Self.transaction(client, logger: logger) { connection in
            try await connection.query("INSERT INTO ferry_rag_collections(name, created_at) VALUES (\(name), \(Date().timeIntervalSince1970)) ON CONFLICT (name) DO NOTHING", logger: logger)
            var recorded: (model: String?, dimensions: Int?) = (nil, nil)
            for try await (model, size) in try await connection.query("SELECT embedding_model, dimensions FROM ferry_rag_collections WHERE name = \(name) FOR UPDATE", logger: logger).decode((String?, Int?).self) {
                recorded = (model, size)
            }
            guard let embeddingModel else { return }
            if let model = recorded.model, model != embeddingModel || (dimensions != nil && recorded.dimensions != nil && recorded.dimensions != dimensions) {
                throw RAGError.modelMismatch(collection: name, recorded: model, recordedDimensions: recorded.dimensions, requested: embeddingModel, requestedDimensions: dimensions)
            }
            if recorded.model == nil || (recorded.dimensions == nil && dimensions != nil) {
                try await connection.query("UPDATE ferry_rag_collections SET embedding_model = \(embeddingModel), dimensions = \(dimensions) WHERE name = \(name)", logger: logger)
            }
        }
        guard let info = try await descriptor(of: name) else {
            throw FerryError(code: .configuration, message: "The collection `\(name)` could not be created in \(location)", hint: "check the database user's rights")
        }
        if let dimensions = info.dimensions { try await ensureVectorIndex(dimensions: dimensions) }
        return info
    }

    // MARK: Documents

    public func documents(in collection: String?) async throws -> [StoredDocument] {
        var sql = PostgresSQL()
        if let collection {
            let placeholder = try sql.bind(collection)
            sql.text = "WHERE d.collection = \(placeholder)"
        }
        return try await documents(sql)
    }

    public func document(in collection: String, path: String) async throws -> StoredDocument? {
        var sql = PostgresSQL()
        let collectionPlaceholder = try sql.bind(collection), pathPlaceholder = try sql.bind(path)
        sql.text = "WHERE d.collection = \(collectionPlaceholder) AND d.path = \(pathPlaceholder)"
        return try await documents(sql).first
    }

    public func document(id: Int64) async throws -> StoredDocument? {
        var sql = PostgresSQL()
        let placeholder = try sql.bind(id)
        sql.text = "WHERE d.id = \(placeholder)"
        return try await documents(sql).first
    }

    private func documents(_ condition: PostgresSQL) async throws -> [StoredDocument] {
        var sql = condition
        sql.text = """
            SELECT d.id, d.collection, d.path, d.title, d.format, d.content_hash, d.chunking, d.bytes, d.metadata::text, d.ingested_at,
                   (SELECT COUNT(*) FROM ferry_rag_chunks k WHERE k.document_id = d.id)
            FROM ferry_rag_documents d \(condition.text) ORDER BY d.collection, d.path
            """
        var found: [StoredDocument] = []
        let rows = try await client.query(sql.query, logger: logger)
        for try await (id, collection, path, title, format, hash, chunking, bytes, metadata, ingested, chunks) in rows.decode((Int64, String, String, String?, String, String, String, Int64, String, Double, Int64).self) {
            found.append(StoredDocument(
                id: id, collection: collection, path: path, title: title, format: DocumentFormat(rawValue: format) ?? .text, contentHash: hash,
                chunking: chunking, bytes: Int(bytes), metadata: (try? JSONDecoder().decode([String: String].self, from: Data(metadata.utf8))) ?? [:],
                chunks: Int(chunks), ingestedAt: Date(timeIntervalSince1970: ingested)
            ))
        }
        return found
    }

    public func deleteDocument(id: Int64) async throws -> Bool {
        let logger = logger
        return try await Self.transaction(client, logger: logger) { connection in
            var collection: String?
            for try await name in try await connection.query("DELETE FROM ferry_rag_documents WHERE id = \(id) RETURNING collection", logger: logger).decode(String.self) {
                collection = name
            }
            guard let collection else { return false }
            try await connection.query("UPDATE ferry_rag_collections SET version = version + 1 WHERE name = \(collection)", logger: logger)
            return true
        }
    }

    public func write(_ document: DocumentRecord) async throws -> Int64 {
        precondition(document.chunks.count == document.vectors.count, "one vector (or nil) per chunk")
        let metadata = String(decoding: try JSONEncoder().encode(document.metadata), as: UTF8.self)
        let logger = logger
        let usesVector = usesVectorExtension
        return try await Self.transaction(client, logger: logger) { connection in
            try await connection.query("INSERT INTO ferry_rag_collections(name, created_at) VALUES (\(document.collection), \(Date().timeIntervalSince1970)) ON CONFLICT (name) DO NOTHING", logger: logger)
            try await connection.query("DELETE FROM ferry_rag_documents WHERE collection = \(document.collection) AND path = \(document.path)", logger: logger)
            var id: Int64 = 0
            let inserted = try await connection.query("""
                INSERT INTO ferry_rag_documents(collection, path, title, format, content_hash, chunking, bytes, metadata, text, ingested_at)
                VALUES (\(document.collection), \(document.path), \(document.title), \(document.format.rawValue), \(document.contentHash), \(document.chunking),
                        \(Int64(document.bytes)), \(metadata)::jsonb, \(document.text), \(Date().timeIntervalSince1970)) RETURNING id
                """, logger: logger)
            for try await value in inserted.decode(Int64.self) { id = value }
            for (chunk, vector) in zip(document.chunks, document.vectors) {
                let section = chunk.section.joined(separator: SQLiteRAGStore.sectionSeparator)
                let indexForm = TextNormalizer.indexForm(chunk.indexedText)
                let embedding = vector.map(VectorCodec.data)
                if usesVector {
                    try await connection.query("""
                        INSERT INTO ferry_rag_chunks(document_id, chunk_id, ordinal, section, page, start_offset, end_offset, tokens, text, index_form, embedding, embedding_v)
                        VALUES (\(id), \(chunk.id), \(chunk.ordinal), \(section), \(chunk.page), \(chunk.start), \(chunk.end), \(chunk.tokenCount), \(chunk.text),
                                to_tsvector('english', \(indexForm)), \(embedding), \(vector.map(Self.vectorLiteral))::vector)
                        """, logger: logger)
                } else {
                    try await connection.query("""
                        INSERT INTO ferry_rag_chunks(document_id, chunk_id, ordinal, section, page, start_offset, end_offset, tokens, text, index_form, embedding)
                        VALUES (\(id), \(chunk.id), \(chunk.ordinal), \(section), \(chunk.page), \(chunk.start), \(chunk.end), \(chunk.tokenCount), \(chunk.text),
                                to_tsvector('english', \(indexForm)), \(embedding))
                        """, logger: logger)
                }
            }
            try await connection.query("UPDATE ferry_rag_collections SET version = version + 1 WHERE name = \(document.collection)", logger: logger)
            return id
        }
    }

    // MARK: Vectors

    public func vectors(forChunkIDs ids: [String], in collection: String) async throws -> [String: [Float]] {
        guard !ids.isEmpty else { return [:] }
        var found: [String: [Float]] = [:]
        let rows = try await client.query("""
            SELECT k.chunk_id, k.embedding FROM ferry_rag_chunks k JOIN ferry_rag_documents d ON d.id = k.document_id
            WHERE d.collection = \(collection) AND k.embedding IS NOT NULL AND k.chunk_id = ANY(\(ids))
            """, logger: logger)
        for try await (id, embedding) in rows.decode((String, Data).self) { found[id] = VectorCodec.vector(embedding) }
        return found
    }

    public func allVectors(in collection: String) async throws -> (version: Int64, rows: [Int64], dimensions: Int, vectors: [Float]) {
        let version = try await descriptor(of: collection)?.version ?? 0
        var rows: [Int64] = []
        var vectors: [Float] = []
        var dimensions = 0
        let result = try await client.query("""
            SELECT k.id, k.embedding FROM ferry_rag_chunks k JOIN ferry_rag_documents d ON d.id = k.document_id
            WHERE d.collection = \(collection) AND k.embedding IS NOT NULL ORDER BY k.id
            """, logger: logger)
        for try await (id, embedding) in result.decode((Int64, Data).self) {
            let vector = VectorCodec.vector(embedding)
            if dimensions == 0 { dimensions = vector.count }
            guard vector.count == dimensions else { continue }
            rows.append(id)
            vectors += vector
        }
        return (version, rows, dimensions, vectors)
    }

    public func vectors(rows: [Int64]) async throws -> [Int64: [Float]] {
        guard !rows.isEmpty else { return [:] }
        var found: [Int64: [Float]] = [:]
        for try await (id, embedding) in try await client.query("SELECT id, embedding FROM ferry_rag_chunks WHERE embedding IS NOT NULL AND id = ANY(\(rows))", logger: logger).decode((Int64, Data).self) {
            found[id] = VectorCodec.vector(embedding)
        }
        return found
    }

    // MARK: Search

    public func rows(in collection: String, matching filters: SearchFilters) async throws -> Set<Int64>? {
        guard !filters.isEmpty else { return nil }
        var sql = PostgresSQL()
        let condition = try documentCondition(collection: collection, filters: filters, into: &sql)
        sql.text = "SELECT k.id FROM ferry_rag_chunks k JOIN ferry_rag_documents d ON d.id = k.document_id WHERE \(condition)"
        var found = Set<Int64>()
        for try await id in try await client.query(sql.query, logger: logger).decode(Int64.self) { found.insert(id) }
        return found
    }

    public func lexicalSearch(_ terms: [String], in collection: String, filters: SearchFilters, limit: Int) async throws -> [(row: Int64, score: Double)] {
        // Index-form words are letters, digits and underscores: safe inside a tsquery once quoted.
        let words = terms.map { $0.filter { $0.isLetter || $0.isNumber || $0 == "_" } }.filter { !$0.isEmpty }
        guard !words.isEmpty else { return [] }
        var sql = PostgresSQL()
        let query = try sql.bind(words.map { "'\($0)'" }.joined(separator: " | "))
        let condition = try documentCondition(collection: collection, filters: filters, into: &sql)
        let limitPlaceholder = try sql.bind(limit)
        sql.text = """
            SELECT k.id, ts_rank_cd(k.index_form, q)::float8 AS score
            FROM ferry_rag_chunks k JOIN ferry_rag_documents d ON d.id = k.document_id, to_tsquery('english', \(query)) q
            WHERE k.index_form @@ q AND \(condition) ORDER BY score DESC LIMIT \(limitPlaceholder)
            """
        var found: [(row: Int64, score: Double)] = []
        for try await (id, score) in try await client.query(sql.query, logger: logger).decode((Int64, Double).self) { found.append((id, score)) }
        return found
    }

    public func chunks(rows: [Int64]) async throws -> [StoredChunk] {
        guard !rows.isEmpty else { return [] }
        var byRow: [Int64: StoredChunk] = [:]
        let result = try await client.query("""
            SELECT k.id, k.chunk_id, k.document_id, d.path, d.title, k.section, k.page, k.start_offset, k.end_offset, k.text
            FROM ferry_rag_chunks k JOIN ferry_rag_documents d ON d.id = k.document_id WHERE k.id = ANY(\(rows))
            """, logger: logger)
        for try await (id, chunkID, documentID, path, title, section, page, start, end, text) in result.decode((Int64, String, Int64, String, String?, String, Int?, Int, Int, String).self) {
            byRow[id] = StoredChunk(
                rowID: id, chunkID: chunkID, documentID: documentID, document: path, title: title,
                section: section.isEmpty ? [] : section.components(separatedBy: SQLiteRAGStore.sectionSeparator), page: page, start: start, end: end, text: text
            )
        }
        return rows.compactMap { byRow[$0] }
    }

    private func documentCondition(collection: String, filters: SearchFilters, into sql: inout PostgresSQL) throws -> String {
        var condition = "d.collection = " + (try sql.bind(collection))
        if let path = filters.path {
            let placeholder = try sql.bind(Self.regex(glob: path))
            condition += " AND d.path ~ \(placeholder)"
        }
        for (key, value) in filters.metadata.sorted(by: { $0.key < $1.key }) {
            let keyPlaceholder = try sql.bind(key), valuePlaceholder = try sql.bind(value)
            condition += " AND d.metadata ->> \(keyPlaceholder) = \(valuePlaceholder)"
        }
        return condition
    }

    /// A shell glob as an anchored POSIX regular expression (`*` and `?` cross `/`, as SQLite's GLOB does).
    static func regex(glob: String) -> String {
        var out = "^"
        var inClass = false
        for character in glob {
            switch character {
            case "*" where !inClass: out += ".*"
            case "?" where !inClass: out += "."
            case "[": inClass = true; out += "["
            case "]": inClass = false; out += "]"
            case _ where !inClass && "\\.^$+(){}|".contains(character): out += "\\" + String(character)
            default: out.append(character)
            }
        }
        return out + "$"
    }
}

/// SQL text with its numbered bindings, for queries assembled from parts.
struct PostgresSQL {
    var text = ""
    var bindings = PostgresBindings()

    /// Binds `value` and returns its placeholder (`$3`).
    mutating func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String {
        try bindings.append(value)
        return "$\(bindings.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: bindings) }
}
