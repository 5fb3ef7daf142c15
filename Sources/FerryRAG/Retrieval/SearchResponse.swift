/// What a search found, best first, and how long it took.
public struct SearchResponse: Sendable {
    public struct Hit: Sendable, Hashable {
        public var chunk: StoredChunk
        /// Higher is better: reciprocal-rank fusion (hybrid), cosine similarity (vector), BM25 (lexical).
        public var score: Double
    }

    public var results: [Hit]
    /// The mode used: lexical when the collection has no vectors or no embedding model is at hand.
    public var mode: SearchMode
    /// Why the mode differs from the one asked for, when it does.
    public var notice: String?
    public var embedMilliseconds: Double
    public var searchMilliseconds: Double
}
