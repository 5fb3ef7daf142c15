/// A passage found for a question, with what the answering steps learn about it.
public struct RetrievedPassage: Sendable, Hashable {
    public var chunk: StoredChunk
    /// Its retrieval score, or the reranker's once reranked.
    public var score: Double
    /// The cosine similarity of its vector to the nearest query's, when the collection has vectors — an absolute
    /// measure, where retrieval's fused ranks are not.
    public var cosine: Double?
    /// The share of the query's terms (function words left out) it contains, for the best query.
    public var coverage: Double
    /// Its length in the answering model's tokens (estimated when the model has no tokenizer).
    public var tokens: Int

    public init(chunk: StoredChunk, score: Double, cosine: Double? = nil, coverage: Double = 0, tokens: Int = 0) {
        self.chunk = chunk
        self.score = score
        self.cosine = cosine
        self.coverage = coverage
        self.tokens = tokens
    }
}
