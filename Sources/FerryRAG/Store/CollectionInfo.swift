/// A collection of documents, with the embedding model its vectors were made with (nil: lexical only so far).
public struct CollectionInfo: Sendable, Hashable, Codable {
    public static let defaultName = "default"

    public var name: String
    public var embeddingModel: String?
    public var dimensions: Int?
    public var documents: Int
    public var chunks: Int
    /// Bumped by every write: a reader's in-memory vector index is stale when it differs.
    public var version: Int64

    public init(name: String, embeddingModel: String?, dimensions: Int?, documents: Int, chunks: Int, version: Int64) {
        self.name = name
        self.embeddingModel = embeddingModel
        self.dimensions = dimensions
        self.documents = documents
        self.chunks = chunks
        self.version = version
    }
}
