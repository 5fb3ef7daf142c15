import FerryCore

/// The model that writes answers: a route to stream from, and its tokenizer when it has one.
///
/// ```swift
/// let model = AnswerModel(route: "default", model: router)           // any LanguageModel
/// let routed = AnswerModel(route: "default") { request in            // with the backend that answered
///     let answer = try await router.routedStreamChat(request)
///     return (answer.backend, answer.value)
/// } countTokens: { try await router.countTokens($0, model: "default") }
/// ```
public struct AnswerModel: Sendable {
    /// The route (or model) name asked for.
    public var route: String
    /// Streams an answer; returns the backend that answers, once it has begun.
    public var generate: @Sendable (ChatRequest) async throws -> (backend: String, events: ChatEventStream)
    /// Token counts by the model's own tokenizer; nil when it has none.
    public var countTokens: @Sendable ([String]) async throws -> [Int]?

    public init(route: String, generate: @escaping @Sendable (ChatRequest) async throws -> (backend: String, events: ChatEventStream), countTokens: @escaping @Sendable ([String]) async throws -> [Int]? = { _ in nil }) {
        self.route = route
        self.generate = generate
        self.countTokens = countTokens
    }

    public init(route: String, model: any LanguageModel) {
        self.init(route: route) { request in
            (model.name, try await model.streamChat(request))
        } countTokens: { texts in
            try await model.countTokens(texts, model: route)
        }
    }

    /// A whole answer (for rewriting and summarising).
    func complete(_ request: ChatRequest) async throws -> String {
        var assembler = ChatStreamAssembler()
        for try await event in try await generate(request).events { try assembler.consume(event) }
        return assembler.response().message.text
    }
}
