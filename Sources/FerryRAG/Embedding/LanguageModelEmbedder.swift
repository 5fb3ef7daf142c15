import FerryCore

/// Embeddings from any ``LanguageModel`` — usually the router, so they are routed, retried and failed over like
/// chat — in batches, several in flight at once.
///
/// A model that embeds queries and passages differently is told which through `input_type`
/// (``Roles/inputType``), or through the prefixes its card asks for (e5: `query: ` / `passage: `).
///
/// ```swift
/// let embedder = LanguageModelEmbedder(model: router, name: "embeddings", roles: .prefixes(query: "query: ", passage: "passage: "))
/// ```
public struct LanguageModelEmbedder: Embedder {
    public enum Roles: Sendable, Hashable {
        /// The model embeds every text alike.
        case none
        /// Sent as `input_type: query|passage`.
        case inputType
        /// Put in front of each text.
        case prefixes(query: String, passage: String)
    }

    public let model: any LanguageModel
    /// The model (or route) name requests carry.
    public let name: String
    public var roles: Roles
    public var batchSize: Int
    public var batchesInFlight: Int

    public init(model: any LanguageModel, name: String, roles: Roles = .none, batchSize: Int = 32, batchesInFlight: Int = 4) {
        self.model = model
        self.name = name
        self.roles = roles
        self.batchSize = max(1, batchSize)
        self.batchesInFlight = max(1, batchesInFlight)
    }

    public var modelName: String { name }
    /// The backend's tokenizer (`/tokenize` of llama.cpp or vLLM) when it has one; the estimate where it has not.
    public var tokenCounter: (any TokenCounter)? { BackendTokenCounter(model: model, name: name) }

    public func embed(_ texts: [String], as type: EmbeddingInputType) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        let batches = stride(from: 0, to: texts.count, by: batchSize).map { Array(texts[$0..<min($0 + batchSize, texts.count)]) }
        var vectors = [[[Float]]](repeating: [], count: batches.count)
        try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            var next = 0
            func start() {
                let index = next
                let batch = batches[index]
                next += 1
                group.addTask { (index, try await embedBatch(batch, as: type)) }
            }
            while next < min(batchesInFlight, batches.count) { start() }
            while let (index, result) = try await group.next() {
                vectors[index] = result
                if next < batches.count { start() }
            }
        }
        return vectors.flatMap { $0 }
    }

    private func embedBatch(_ texts: [String], as type: EmbeddingInputType) async throws -> [[Float]] {
        var request = EmbeddingRequest(model: name, inputs: texts)
        switch roles {
        case .none: break
        case .inputType: request.inputType = type
        case .prefixes(let query, let passage): request.inputs = texts.map { (type == .query ? query : passage) + $0 }
        }
        let response = try await model.embed(request)
        guard response.embeddings.count == texts.count else {
            throw FerryError(code: .invalidResponse, message: "The embedding model `\(name)` returned \(response.embeddings.count) vectors for \(texts.count) texts", hint: "check the backend serving `\(name)`; it should return one vector per input")
        }
        return response.embeddings
    }
}
