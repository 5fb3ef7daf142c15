import FerryCore

/// Where documents, chunks, their vectors and the lexical index live. ``SQLiteRAGStore`` is the embedded default.
///
/// Every document is written in one transaction, replacing its earlier version: a store is never left with half
/// a document, whatever stops an ingest. Sessions (``ConversationStore``) are kept in the same database.
public protocol RAGStore: ConversationStore {
    func collections() async throws -> [CollectionInfo]
    func collection(_ name: String) async throws -> CollectionInfo?
    /// The collection's model and version, without counts (what each search reads); nil when there is none.
    func descriptor(of collection: String) async throws -> CollectionDescriptor?
    /// Deletes a collection and everything in it; false when there was none.
    func deleteCollection(_ name: String) async throws -> Bool
    /// Records the collection's embedding model (the first one it is written with); a collection made with another
    /// model or size is an error that says which.
    func prepareCollection(_ name: String, embeddingModel: String?, dimensions: Int?) async throws -> CollectionDescriptor

    func documents(in collection: String?) async throws -> [StoredDocument]
    func document(in collection: String, path: String) async throws -> StoredDocument?
    func document(id: Int64) async throws -> StoredDocument?
    func deleteDocument(id: Int64) async throws -> Bool
    /// Writes a document and its chunks, replacing the one at the same path; returns its id.
    func write(_ document: DocumentRecord) async throws -> Int64

    /// Vectors already stored for these chunk ids in the collection (so unchanged chunks are not embedded again).
    func vectors(forChunkIDs ids: [String], in collection: String) async throws -> [String: [Float]]
    /// Every chunk's vector in the collection, for an in-memory index: row ids, and the vectors one after another
    /// in one array (`dimensions` floats each), with the collection's version.
    func allVectors(in collection: String) async throws -> (version: Int64, rows: [Int64], dimensions: Int, vectors: [Float])
    /// The vectors of these chunks (row ids), for exact rescoring.
    func vectors(rows: [Int64]) async throws -> [Int64: [Float]]
    /// Row ids of the collection's chunks matching `filters` (nil: no filter).
    func rows(in collection: String, matching filters: SearchFilters) async throws -> Set<Int64>?
    /// BM25 over the index form of the chunks: row ids with their scores (higher is better), best first.
    func lexicalSearch(_ terms: [String], in collection: String, filters: SearchFilters, limit: Int) async throws -> [(row: Int64, score: Double)]
    /// The chunks of these rows, in the order given.
    func chunks(rows: [Int64]) async throws -> [StoredChunk]
    /// Nearest chunks by cosine similarity from the store's own vector index (pgvector's HNSW), best first; nil
    /// when the store has none — the retriever then searches its in-memory index.
    func nearest(_ query: [Float], in collection: CollectionDescriptor, count: Int, filters: SearchFilters) async throws -> [(row: Int64, score: Double)]?
}

extension RAGStore {
    public func nearest(_ query: [Float], in collection: CollectionDescriptor, count: Int, filters: SearchFilters) async throws -> [(row: Int64, score: Double)]? { nil }
}
