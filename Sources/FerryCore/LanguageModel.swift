/// One interface over every inference backend: a provider, or a whole route of them.
///
/// Implement ``streamChat(_:)``, ``streamComplete(_:)``, ``embed(_:)``, ``models()`` and ``health()``;
/// ``chat(_:)`` and ``complete(_:)`` assemble the streams by default.
///
/// ```swift
/// let model: any LanguageModel = provider
/// let answer = try await model.chat(ChatRequest(model: "auto", messages: [.user("Hello")]))
/// print(answer.text)
/// ```
public protocol LanguageModel: Sendable {
    /// A name for logs and errors (the backend's or route's name).
    var name: String { get }

    /// A whole chat answer.
    func chat(_ request: ChatRequest) async throws -> ChatResponse
    /// A chat answer as events. Errors before the first event are thrown; later ones arrive in-band.
    func streamChat(_ request: ChatRequest) async throws -> ChatEventStream
    /// A whole legacy text completion.
    func complete(_ request: CompletionRequest) async throws -> CompletionResponse
    /// A legacy text completion as events.
    func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream
    /// Embedding vectors, one per input.
    func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse
    /// The models this backend serves.
    func models() async throws -> [ModelInfo]
    /// Probes the backend. Never throws: failures are in the report.
    func health() async -> HealthReport
    /// The token count of each text by `model`'s own tokenizer, when the backend offers one (llama.cpp's and
    /// vLLM's `/tokenize`); nil when it does not.
    func countTokens(_ texts: [String], model: String) async throws -> [Int]?
    /// The documents ordered by relevance to the query, by a reranking model (vLLM's and llama.cpp's `/rerank`).
    func rerank(_ request: RerankRequest) async throws -> RerankResponse
    /// A request of an API this backend serves itself, sent untranslated (``NativeRequest``); a non-2xx answer is
    /// thrown as the backend's error.
    func forward(_ request: NativeRequest) async throws -> NativeAnswer
}

extension LanguageModel {
    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        try await ChatStreamAssembler.assemble(streamChat(request))
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        try await ChatStreamAssembler.assembleCompletion(streamComplete(request))
    }

    /// No tokenizer: nil.
    public func countTokens(_ texts: [String], model: String) async throws -> [Int]? { nil }

    /// No API of its own to pass requests through to: an error that says so.
    public func forward(_ request: NativeRequest) async throws -> NativeAnswer {
        throw FerryError.unsupported("\(request.api.path) (passthrough)", location: ErrorLocation(backend: name), alternative: "leave passthrough off for this backend: Ferry translates the request")
    }

    /// No reranking model: an error that says where one is.
    public func rerank(_ request: RerankRequest) async throws -> RerankResponse {
        throw FerryError.unsupported("reranking", location: ErrorLocation(backend: name), alternative: "point rag.answer.rerank.route at a route of vLLM or llama.cpp backends serving a reranking model")
    }
}
