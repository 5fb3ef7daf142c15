import Foundation

/// A document as the store keeps it.
public struct StoredDocument: Sendable, Hashable, Codable {
    public var id: Int64
    public var collection: String
    /// The file's path as ingested (or the upload's file name, or `-` for standard input).
    public var path: String
    public var title: String?
    public var format: DocumentFormat
    /// SHA-256 of the file's bytes: an unchanged file is not read again.
    public var contentHash: String
    /// ``ChunkingOptions/fingerprint`` of its chunks.
    public var chunking: String
    public var bytes: Int
    public var metadata: [String: String]
    public var chunks: Int
    public var ingestedAt: Date
}

/// A document to write, with its chunks and their vectors.
public struct DocumentRecord: Sendable {
    public var collection: String
    public var path: String
    public var title: String?
    public var format: DocumentFormat
    public var contentHash: String
    public var chunking: String
    public var bytes: Int
    public var metadata: [String: String]
    public var text: String
    public var chunks: [Chunk]
    /// One per chunk; nil where there is no embedding model.
    public var vectors: [[Float]?]

    public init(collection: String, path: String, title: String?, format: DocumentFormat, contentHash: String, chunking: String, bytes: Int, metadata: [String: String], text: String, chunks: [Chunk], vectors: [[Float]?]) {
        self.collection = collection
        self.path = path
        self.title = title
        self.format = format
        self.contentHash = contentHash
        self.chunking = chunking
        self.bytes = bytes
        self.metadata = metadata
        self.text = text
        self.chunks = chunks
        self.vectors = vectors
    }
}

/// A chunk found by a search, with its document.
public struct StoredChunk: Sendable, Hashable {
    public var rowID: Int64
    public var chunkID: String
    public var documentID: Int64
    public var document: String
    public var title: String?
    public var section: [String]
    public var page: Int?
    public var start: Int
    public var end: Int
    public var text: String
}

/// Narrows a search to documents whose path matches a glob (`docs/**/*.md`, `*.pdf`) and whose metadata has the
/// given values.
public struct SearchFilters: Sendable, Hashable, Codable {
    public var path: String?
    public var metadata: [String: String]

    public init(path: String? = nil, metadata: [String: String] = [:]) {
        self.path = path
        self.metadata = metadata
    }

    public var isEmpty: Bool { path == nil && metadata.isEmpty }
}
