/// Adaptive mode's test of whether a passage bears on a question, and so whether the passages found cover it at
/// all: its cosine similarity to the query (with the collection's embedding model) reaches `minRelevance` — or
/// `minCrossLingualRelevance` when the passage is in another language than the question, since similarities across
/// languages run lower — or it holds at least `minTermCoverage` of the query's terms.
///
/// The defaults are measured for multilingual-e5-small on XQuAD (`ferry evaluate --answers --gate-only`, see
/// docs/RAG.md): another embedding model needs its own.
///
/// ```swift
/// let gate = RelevanceGate(AnsweringOptions())
/// let kept = passages.filter { gate.bears($0, on: .arabic) }   // empty: "the documents do not cover this question"
/// ```
public struct RelevanceGate: Sendable, Hashable {
    public var minRelevance: Double
    public var minCrossLingualRelevance: Double
    public var minTermCoverage: Double

    public init(minRelevance: Double, minCrossLingualRelevance: Double, minTermCoverage: Double) {
        self.minRelevance = minRelevance
        self.minCrossLingualRelevance = minCrossLingualRelevance
        self.minTermCoverage = minTermCoverage
    }

    public init(_ options: AnsweringOptions) {
        self.init(minRelevance: options.minRelevance, minCrossLingualRelevance: options.minCrossLingualRelevance, minTermCoverage: options.minTermCoverage)
    }

    public func bears(_ passage: RetrievedPassage, on question: QuestionLanguage) -> Bool {
        if passage.coverage >= minTermCoverage { return true }
        guard let cosine = passage.cosine else { return false }
        let sameLanguage = question == .other || QuestionLanguage.detect(passage.chunk.text) == question
        return cosine >= (sameLanguage ? minRelevance : minCrossLingualRelevance)
    }

    /// The passages that bear on the question, in their order.
    public func filter(_ passages: [RetrievedPassage], question: QuestionLanguage) -> [RetrievedPassage] {
        passages.filter { bears($0, on: question) }
    }
}
