import FerryCore
import FerryRAG
import Foundation

/// The `rag:` settings: where documents are kept and how they are embedded and cut.
///
/// ```yaml
/// rag:
///   embedding:
///     route: embeddings          # a route whose backends serve /v1/embeddings; unset: the embedded e5 model; none: lexical only
///     roles: input_type          # none | input_type | e5 (query: / passage: prefixes)
///   chunk_tokens: 256
///   chunk_overlap: 32
///   max_file_mb: 64
///   allow_server_paths: false    # POST /api/documents {"path": …} reads files on the server when true
///   postgres:
///     url: postgres://ferry:secret@db:5432/ferry   # a store shared by several instances (default: SQLite)
///     vector_extension: true     # pgvector's HNSW index when the server has the extension
/// ```
public struct RAGSettings: Sendable, Hashable {
    public enum Embedding: Sendable, Hashable {
        /// Ferry's embedded multilingual-e5-small (installed on first use).
        case embedded(threads: Int?)
        /// A route of the router, and how its model is told queries from passages.
        case route(String, roles: Roles)
        /// No embedding model: lexical search only.
        case none
    }

    public enum Roles: String, Sendable, Hashable, CaseIterable {
        case none
        case inputType = "input_type"
        case e5
    }

    /// The data folder (`FERRY_DATA_DIR`, else `$XDG_DATA_HOME/ferry`).
    public var dataDirectory: URL
    public var embedding: Embedding
    public var chunkTokens: Int
    public var chunkOverlap: Int
    public var maxFileMegabytes: Int
    public var allowServerPaths: Bool
    /// A PostgreSQL database for the store (`rag.postgres.url`); nil: the SQLite file in the data folder.
    public var postgresURL: String?
    /// Whether the PostgreSQL store uses pgvector when the server has it (`rag.postgres.vector_extension`, default true).
    public var postgresVectorExtension = true
    /// How answers are built (`rag.answer`).
    public var answering = AnsweringOptions()
    /// The route that writes `/api/query`'s answers (`rag.answer.route`); nil: the only route, or `default`.
    public var answerRoute: String?
    /// The mode of a question that does not name one (`rag.answer.mode`).
    public var answerMode: QueryMode = .simple
    /// A route of reranking backends (`rag.answer.rerank.route`); nil: passages keep retrieval's order.
    public var rerankRoute: String?

    /// The SQLite file of the document store.
    public var storePath: String { dataDirectory.appendingPathComponent("rag.sqlite").path }

    /// Where the store is, as shown to users (no password).
    public var storeDescription: String {
        guard let postgresURL, var parts = URLComponents(string: postgresURL) else { return storePath }
        if parts.password != nil { parts.password = "••••" }
        return parts.string ?? "PostgreSQL"
    }

    public init(dataDirectory: URL = FerryDataDirectory.resolve(), embedding: Embedding = .embedded(threads: nil), chunkTokens: Int = 256, chunkOverlap: Int = 32, maxFileMegabytes: Int = 64, allowServerPaths: Bool = false) {
        self.dataDirectory = dataDirectory
        self.embedding = embedding
        self.chunkTokens = chunkTokens
        self.chunkOverlap = chunkOverlap
        self.maxFileMegabytes = maxFileMegabytes
        self.allowServerPaths = allowServerPaths
    }
}
