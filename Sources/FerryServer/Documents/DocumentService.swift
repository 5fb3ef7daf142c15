import FerryCore
import FerryRAG
import Logging

/// What the documents API works with: the store, the embedding model (made on first use — the embedded one may
/// need installing), and the ingest settings.
///
/// ```swift
/// let documents = DocumentService(store: store, embedder: { try await loadEmbedder() })
/// let gateway = Gateway(router: router, documents: documents)
/// ```
public final class DocumentService: Sendable {
    public let store: any RAGStore
    public let reader: DocumentReader
    public let chunking: ChunkingOptions
    /// Whether `POST /api/documents {"path": …}` may read files and folders on the server (`rag.allow_server_paths`).
    public let allowServerPaths: Bool
    /// How questions are answered (`/api/query`, RAG routes).
    public let answers: AnswerSettings
    private let embedder: LazyEmbedder
    /// The collections' vector indexes, kept across requests.
    private let indexes = VectorIndexCache()

    public init(store: any RAGStore, reader: DocumentReader = DocumentReader(), chunking: ChunkingOptions = ChunkingOptions(), allowServerPaths: Bool = false, answers: AnswerSettings = AnswerSettings(), embedder: @escaping @Sendable () async throws -> (any Embedder)?, logger: Logger = Logger(label: "ferry.documents")) {
        self.store = store
        self.reader = reader
        self.chunking = chunking
        self.allowServerPaths = allowServerPaths
        self.answers = answers
        self.embedder = LazyEmbedder(load: embedder, logger: logger)
    }

    /// The embedding model, loaded once; nil (lexical only) when there is none or it could not be loaded.
    func currentEmbedder() async -> (any Embedder)? {
        await embedder.value()
    }

    func retriever() async -> Retriever {
        Retriever(store: store, embedder: await currentEmbedder(), cache: indexes)
    }

    func ingestor() async -> Ingestor {
        Ingestor(store: store, embedder: await currentEmbedder(), reader: reader)
    }
}

/// The embedding model, made by `load` on first use; a failure is logged once and means lexical search only.
actor LazyEmbedder {
    private let load: @Sendable () async throws -> (any Embedder)?
    private let logger: Logger
    private var loaded: (any Embedder)??
    private var loading: Task<(any Embedder)?, Never>?

    init(load: @escaping @Sendable () async throws -> (any Embedder)?, logger: Logger) {
        self.load = load
        self.logger = logger
    }

    func value() async -> (any Embedder)? {
        if let loaded { return loaded }
        if let loading { return await loading.value }
        let task = Task { [load, logger] () -> (any Embedder)? in
            do {
                return try await load()
            } catch {
                logger.error("no embedding model: documents are indexed and searched lexically", metadata: ["reason": "\(error)"])
                return nil
            }
        }
        loading = task
        let value = await task.value
        loaded = .some(value)
        loading = nil
        return value
    }
}
