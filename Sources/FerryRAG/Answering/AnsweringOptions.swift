/// How answers are built: how much is retrieved, how much of it and of the conversation goes into the prompt,
/// and when an adaptive answer declines.
///
/// ```swift
/// var options = AnsweringOptions()
/// options.sourceTokens = 6000   // a model with a long context
/// ```
public struct AnsweringOptions: Sendable, Hashable {
    /// Passages retrieved per question.
    public var topK = 5
    /// Tokens the numbered sources may take in the prompt, counted by the route's tokenizer when it has one;
    /// passages beyond it are left out (the first is shortened instead). The embedded engine's slots hold 2,048.
    public var sourceTokens = 1200
    /// Tokens of conversation kept word for word; older turns are summarised by the model.
    public var historyTokens = 600
    /// The most tokens an answer may take, unless the client asks for fewer.
    public var maxAnswerTokens = 400
    /// Adaptive mode: the cosine similarity (with the collection's embedding model) a passage in the question's
    /// language must reach to be used; when none is, the answer says the documents do not cover the question.
    /// Measured for multilingual-e5-small on XQuAD: 0.82 declines 2–4 % of answerable questions and 69–90 % of
    /// questions about articles not in the collection.
    public var minRelevance = 0.82
    /// The same for a passage in another language than the question (similarities across languages run lower).
    public var minCrossLingualRelevance = 0.75
    /// A passage holding this share of the query's terms is used whatever its similarity (and, without vectors,
    /// only such passages are).
    public var minTermCoverage = 0.6
    /// Passages sent to the reranking model, when one is configured; the best `topK` are kept.
    public var rerankCandidates = 20
    /// The temperature of answers, unless the client sets one.
    public var temperature = 0.2

    public init() {}
}
