/// What a search needs to know of a collection, read without counting its documents: its embedding model and
/// its version.
public struct CollectionDescriptor: Sendable, Hashable {
    public var name: String
    public var embeddingModel: String?
    public var dimensions: Int?
    /// Bumped by every write to the collection.
    public var version: Int64
}
