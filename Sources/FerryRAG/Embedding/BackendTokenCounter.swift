import FerryCore

/// Token counts from the embedding backend's own tokenizer (``LanguageModel/countTokens(_:model:)``), falling back to
/// ``EstimatedTokenCounter`` — for good, once the backend has said it has none — when it cannot count.
struct BackendTokenCounter: TokenCounter {
    let model: any LanguageModel
    /// The model (or route) name the embeddings are asked of.
    let route: String
    private let support = TokenizerSupport()

    init(model: any LanguageModel, name: String) {
        self.model = model
        self.route = name
    }

    var name: String { "tokenizer of \(route)" }

    func count(_ texts: [String]) async throws -> [Int] {
        if await support.isKnownMissing { return try await EstimatedTokenCounter().count(texts) }
        if let counts = try? await model.countTokens(texts, model: route), counts.count == texts.count { return counts }
        await support.markMissing()
        return try await EstimatedTokenCounter().count(texts)
    }
}

/// Whether the backend turned out to have no tokenizer.
actor TokenizerSupport {
    private(set) var isKnownMissing = false

    func markMissing() {
        isKnownMissing = true
    }
}
