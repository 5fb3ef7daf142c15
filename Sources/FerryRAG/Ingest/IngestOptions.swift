/// How an ingest runs.
public struct IngestOptions: Sendable {
    public var collection: String
    /// Remove the collection's documents under the given folders (or at the given paths) whose files are gone.
    public var sync: Bool
    /// Globs a file (its name or its path below the folder) must match to be ingested from a folder; empty: every
    /// file of a known format.
    public var include: [String]
    /// Globs of files and folders to leave out (hidden ones, `.git`, `node_modules` always are).
    public var exclude: [String]
    /// Key-value pairs stored with every document, for search filters.
    public var metadata: [String: String]
    public var chunking: ChunkingOptions
    /// Read and chunk again even when a file has not changed (vectors of unchanged passages are still reused).
    public var force: Bool

    public init(collection: String = CollectionInfo.defaultName, sync: Bool = false, include: [String] = [], exclude: [String] = [], metadata: [String: String] = [:], chunking: ChunkingOptions = ChunkingOptions(), force: Bool = false) {
        self.collection = collection
        self.sync = sync
        self.include = include
        self.exclude = exclude
        self.metadata = metadata
        self.chunking = chunking
        self.force = force
    }
}
