import FerryCore
import Foundation
import GRDB

/// The embedded store: one SQLite file (WAL, so `ferry serve` reads while `ferry ingest` writes) holding
/// collections, documents with their extracted text, chunks with their vectors (float32 BLOBs), and an FTS5 index
/// of the chunks' index form (``TextNormalizer``) for BM25.
///
/// ```swift
/// let store = try SQLiteRAGStore(path: RAGDataDirectory.default().appendingPathComponent("rag.sqlite").path)
/// let hits = try await store.lexicalSearch(["ferry"], in: "default", filters: SearchFilters(), limit: 10)
/// ```
public final class SQLiteRAGStore: RAGStore {
    let pool: DatabasePool
    public let path: String

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = "ferry-rag"
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw FerryError(code: .configuration, message: "Cannot open the document store \(path): \(error)", hint: "check that the folder is writable, or set FERRY_DATA_DIR to another folder")
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE collections(
                    name TEXT PRIMARY KEY NOT NULL,
                    embedding_model TEXT,
                    dimensions INTEGER,
                    version INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL
                );
                CREATE TABLE documents(
                    id INTEGER PRIMARY KEY,
                    collection TEXT NOT NULL REFERENCES collections(name) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    title TEXT,
                    format TEXT NOT NULL,
                    content_hash TEXT NOT NULL,
                    chunking TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    metadata TEXT NOT NULL DEFAULT '{}',
                    text TEXT NOT NULL,
                    ingested_at REAL NOT NULL,
                    UNIQUE(collection, path)
                );
                CREATE TABLE chunks(
                    id INTEGER PRIMARY KEY,
                    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                    chunk_id TEXT NOT NULL,
                    ordinal INTEGER NOT NULL,
                    section TEXT NOT NULL,
                    page INTEGER,
                    start INTEGER NOT NULL,
                    "end" INTEGER NOT NULL,
                    tokens INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    embedding BLOB
                );
                CREATE INDEX chunks_by_document ON chunks(document_id);
                CREATE INDEX chunks_by_chunk_id ON chunks(chunk_id);
                CREATE VIRTUAL TABLE chunks_fts USING fts5(body, tokenize = 'porter unicode61 remove_diacritics 2');
                CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
                    DELETE FROM chunks_fts WHERE rowid = old.id;
                END;
                """)
        }
        migrator.registerMigration("v2-sessions") { db in
            try db.execute(sql: """
                CREATE TABLE sessions(
                    id TEXT PRIMARY KEY NOT NULL,
                    collection TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    summary TEXT,
                    summarized_through INTEGER NOT NULL DEFAULT 0
                );
                CREATE TABLE session_turns(
                    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                    number INTEGER NOT NULL,
                    question TEXT NOT NULL,
                    answer TEXT NOT NULL,
                    query TEXT,
                    mode TEXT NOT NULL,
                    citations TEXT NOT NULL DEFAULT '[]',
                    created_at REAL NOT NULL,
                    PRIMARY KEY(session_id, number)
                );
                """)
        }
        return migrator
    }

    static let sectionSeparator = "\u{1F}"

    // MARK: Collections

    public func collections() async throws -> [CollectionInfo] {
        try await pool.read { db in try Self.collectionInfos(db, name: nil) }
    }

    public func collection(_ name: String) async throws -> CollectionInfo? {
        try await pool.read { db in try Self.collectionInfos(db, name: name).first }
    }

    static func collectionInfos(_ db: Database, name: String?) throws -> [CollectionInfo] {
        let sql = """
            SELECT c.name, c.embedding_model, c.dimensions, c.version,
                   (SELECT COUNT(*) FROM documents d WHERE d.collection = c.name) AS documents,
                   (SELECT COUNT(*) FROM chunks k JOIN documents d ON d.id = k.document_id WHERE d.collection = c.name) AS chunks
            FROM collections c \(name == nil ? "" : "WHERE c.name = ?") ORDER BY c.name
            """
        return try Row.fetchAll(db, sql: sql, arguments: name.map { [$0] } ?? []).map { row in
            CollectionInfo(name: row["name"], embeddingModel: row["embedding_model"], dimensions: row["dimensions"], documents: row["documents"], chunks: row["chunks"], version: row["version"])
        }
    }

    public func deleteCollection(_ name: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM collections WHERE name = ?", arguments: [name])
            return db.changesCount > 0
        }
    }

    public func prepareCollection(_ name: String, embeddingModel: String?, dimensions: Int?) async throws -> CollectionDescriptor {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO collections(name, embedding_model, dimensions, created_at) VALUES (?, ?, ?, ?)", arguments: [name, embeddingModel, dimensions, Date().timeIntervalSince1970])
            guard var info = try Self.descriptor(db, name: name) else {
                throw FerryError(code: .configuration, message: "The collection `\(name)` could not be created", hint: "check the document store")
            }
            if let embeddingModel {
                if let recorded = info.embeddingModel, recorded != embeddingModel || (dimensions != nil && info.dimensions != nil && info.dimensions != dimensions) {
                    throw RAGError.modelMismatch(collection: name, recorded: recorded, recordedDimensions: info.dimensions, requested: embeddingModel, requestedDimensions: dimensions)
                }
                if info.embeddingModel == nil || (info.dimensions == nil && dimensions != nil) {
                    try db.execute(sql: "UPDATE collections SET embedding_model = ?, dimensions = ? WHERE name = ?", arguments: [embeddingModel, dimensions, name])
                    info.embeddingModel = embeddingModel
                    info.dimensions = dimensions
                }
            }
            return info
        }
    }

    // MARK: Documents

    public func documents(in collection: String?) async throws -> [StoredDocument] {
        try await pool.read { db in
            try Self.documents(db, where: collection == nil ? "" : "WHERE d.collection = ?", arguments: collection.map { [$0] } ?? [])
        }
    }

    public func document(in collection: String, path: String) async throws -> StoredDocument? {
        try await pool.read { db in try Self.documents(db, where: "WHERE d.collection = ? AND d.path = ?", arguments: [collection, path]).first }
    }

    public func document(id: Int64) async throws -> StoredDocument? {
        try await pool.read { db in try Self.documents(db, where: "WHERE d.id = ?", arguments: [id]).first }
    }

    static func documents(_ db: Database, where condition: String, arguments: StatementArguments) throws -> [StoredDocument] {
        let sql = """
            SELECT d.id, d.collection, d.path, d.title, d.format, d.content_hash, d.chunking, d.bytes, d.metadata, d.ingested_at,
                   (SELECT COUNT(*) FROM chunks k WHERE k.document_id = d.id) AS chunks
            FROM documents d \(condition) ORDER BY d.collection, d.path
            """
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let metadata = (try? JSONDecoder().decode([String: String].self, from: Data((row["metadata"] as String).utf8))) ?? [:]
            return StoredDocument(
                id: row["id"], collection: row["collection"], path: row["path"], title: row["title"],
                format: DocumentFormat(rawValue: row["format"]) ?? .text, contentHash: row["content_hash"], chunking: row["chunking"],
                bytes: row["bytes"], metadata: metadata, chunks: row["chunks"], ingestedAt: Date(timeIntervalSince1970: row["ingested_at"])
            )
        }
    }

    public func deleteDocument(id: Int64) async throws -> Bool {
        try await pool.write { db in
            guard let collection = try String.fetchOne(db, sql: "SELECT collection FROM documents WHERE id = ?", arguments: [id]) else { return false }
            try db.execute(sql: "DELETE FROM documents WHERE id = ?", arguments: [id])
            try db.execute(sql: "UPDATE collections SET version = version + 1 WHERE name = ?", arguments: [collection])
            return true
        }
    }

    public func write(_ document: DocumentRecord) async throws -> Int64 {
        precondition(document.chunks.count == document.vectors.count, "one vector (or nil) per chunk")
        let metadata = String(decoding: try JSONEncoder().encode(document.metadata), as: UTF8.self)
        return try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO collections(name, created_at) VALUES (?, ?)", arguments: [document.collection, Date().timeIntervalSince1970])
            try db.execute(sql: "DELETE FROM documents WHERE collection = ? AND path = ?", arguments: [document.collection, document.path])
            try db.execute(
                sql: "INSERT INTO documents(collection, path, title, format, content_hash, chunking, bytes, metadata, text, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [document.collection, document.path, document.title, document.format.rawValue, document.contentHash, document.chunking, document.bytes, metadata, document.text, Date().timeIntervalSince1970]
            )
            let id = db.lastInsertedRowID
            let insertChunk = try db.cachedStatement(sql: #"INSERT INTO chunks(document_id, chunk_id, ordinal, section, page, start, "end", tokens, text, embedding) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"#)
            let insertIndex = try db.cachedStatement(sql: "INSERT INTO chunks_fts(rowid, body) VALUES (?, ?)")
            for (chunk, vector) in zip(document.chunks, document.vectors) {
                try insertChunk.execute(arguments: [
                    id, chunk.id, chunk.ordinal, chunk.section.joined(separator: Self.sectionSeparator), chunk.page, chunk.start, chunk.end,
                    chunk.tokenCount, chunk.text, vector.map(VectorCodec.data),
                ])
                try insertIndex.execute(arguments: [db.lastInsertedRowID, TextNormalizer.indexForm(chunk.indexedText)])
            }
            try db.execute(sql: "UPDATE collections SET version = version + 1 WHERE name = ?", arguments: [document.collection])
            return id
        }
    }

    // MARK: Vectors

    public func vectors(forChunkIDs ids: [String], in collection: String) async throws -> [String: [Float]] {
        guard !ids.isEmpty else { return [:] }
        return try await pool.read { db in
            var found: [String: [Float]] = [:]
            for batch in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = databaseQuestionMarks(count: batch.count)
                let rows = try Row.fetchAll(db, sql: """
                    SELECT k.chunk_id, k.embedding FROM chunks k JOIN documents d ON d.id = k.document_id
                    WHERE d.collection = ? AND k.embedding IS NOT NULL AND k.chunk_id IN (\(marks))
                    """, arguments: StatementArguments([collection] + batch))
                for row in rows { found[row["chunk_id"]] = VectorCodec.vector(row["embedding"]) }
            }
            return found
        }
    }

    public func allVectors(in collection: String) async throws -> (version: Int64, rows: [Int64], dimensions: Int, vectors: [Float]) {
        try await pool.read { db in
            let version = try Int64.fetchOne(db, sql: "SELECT version FROM collections WHERE name = ?", arguments: [collection]) ?? 0
            var rows: [Int64] = []
            var vectors: [Float] = []
            var dimensions = 0
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT k.id, k.embedding FROM chunks k JOIN documents d ON d.id = k.document_id
                WHERE d.collection = ? AND k.embedding IS NOT NULL ORDER BY k.id
                """, arguments: [collection])
            while let row = try cursor.next() {
                let data: Data = row["embedding"]
                let count = data.count / 4
                if dimensions == 0 {
                    dimensions = count
                    let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chunks k JOIN documents d ON d.id = k.document_id WHERE d.collection = ? AND k.embedding IS NOT NULL", arguments: [collection]) ?? 0
                    vectors.reserveCapacity(total * dimensions)
                    rows.reserveCapacity(total)
                }
                guard count == dimensions else { continue }
                rows.append(row["id"])
                data.withUnsafeBytes { raw in
                    for index in 0..<count { vectors.append(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))) }
                }
            }
            return (version, rows, dimensions, vectors)
        }
    }

    public func descriptor(of collection: String) async throws -> CollectionDescriptor? {
        try await pool.read { db in try Self.descriptor(db, name: collection) }
    }

    static func descriptor(_ db: Database, name: String) throws -> CollectionDescriptor? {
        try Row.fetchOne(db, sql: "SELECT name, embedding_model, dimensions, version FROM collections WHERE name = ?", arguments: [name]).map { row in
            CollectionDescriptor(name: row["name"], embeddingModel: row["embedding_model"], dimensions: row["dimensions"], version: row["version"])
        }
    }

    public func vectors(rows: [Int64]) async throws -> [Int64: [Float]] {
        guard !rows.isEmpty else { return [:] }
        return try await pool.read { db in
            var found: [Int64: [Float]] = [:]
            let marks = databaseQuestionMarks(count: rows.count)
            for row in try Row.fetchAll(db, sql: "SELECT id, embedding FROM chunks WHERE embedding IS NOT NULL AND id IN (\(marks))", arguments: StatementArguments(rows)) {
                found[row["id"]] = VectorCodec.vector(row["embedding"])
            }
            return found
        }
    }

    // MARK: Search

    public func rows(in collection: String, matching filters: SearchFilters) async throws -> Set<Int64>? {
        guard !filters.isEmpty else { return nil }
        return try await pool.read { db in
            let (condition, arguments) = Self.documentCondition(collection: collection, filters: filters)
            return Set(try Int64.fetchAll(db, sql: "SELECT k.id FROM chunks k JOIN documents d ON d.id = k.document_id WHERE \(condition)", arguments: arguments))
        }
    }

    public func lexicalSearch(_ terms: [String], in collection: String, filters: SearchFilters, limit: Int) async throws -> [(row: Int64, score: Double)] {
        guard !terms.isEmpty else { return [] }
        let match = terms.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: " OR ")
        return try await pool.read { db in
            let (condition, arguments) = Self.documentCondition(collection: collection, filters: filters)
            let rows = try Row.fetchAll(db, sql: """
                SELECT f.rowid AS id, bm25(chunks_fts) AS score FROM chunks_fts f
                JOIN chunks k ON k.id = f.rowid JOIN documents d ON d.id = k.document_id
                WHERE chunks_fts MATCH ? AND \(condition) ORDER BY score LIMIT ?
                """, arguments: StatementArguments([match]) + arguments + [limit])
            // bm25() is lower-is-better (negative); scores are turned so that higher is better.
            return rows.map { (row: $0["id"], score: -($0["score"] as Double)) }
        }
    }

    public func chunks(rows: [Int64]) async throws -> [StoredChunk] {
        guard !rows.isEmpty else { return [] }
        return try await pool.read { db in
            let marks = databaseQuestionMarks(count: rows.count)
            var byRow: [Int64: StoredChunk] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT k.id, k.chunk_id, k.document_id, d.path, d.title, k.section, k.page, k.start, k."end", k.text
                FROM chunks k JOIN documents d ON d.id = k.document_id WHERE k.id IN (\(marks))
                """, arguments: StatementArguments(rows)) {
                let section: String = row["section"]
                byRow[row["id"]] = StoredChunk(
                    rowID: row["id"], chunkID: row["chunk_id"], documentID: row["document_id"], document: row["path"], title: row["title"],
                    section: section.isEmpty ? [] : section.components(separatedBy: Self.sectionSeparator), page: row["page"],
                    start: row["start"], end: row["end"], text: row["text"]
                )
            }
            return rows.compactMap { byRow[$0] }
        }
    }

    static func documentCondition(collection: String, filters: SearchFilters) -> (String, StatementArguments) {
        var condition = "d.collection = ?"
        var arguments: StatementArguments = [collection]
        if let path = filters.path {
            condition += " AND d.path GLOB ?"
            arguments += [path]
        }
        // Keys compared as they are (any characters), not through a JSON path that would have to quote them.
        for (key, value) in filters.metadata.sorted(by: { $0.key < $1.key }) {
            condition += " AND EXISTS (SELECT 1 FROM json_each(d.metadata) m WHERE m.key = ? AND m.value = ?)"
            arguments += [key, value]
        }
        return (condition, arguments)
    }
}
