/// How passages are found: by their words (BM25), by meaning (vectors), or both fused by rank.
public enum SearchMode: String, Sendable, Hashable, Codable, CaseIterable {
    case hybrid, vector, lexical
}
