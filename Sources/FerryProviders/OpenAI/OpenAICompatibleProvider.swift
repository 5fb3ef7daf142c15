import AsyncHTTPClient
import FerryCore
import FerryWire
import Foundation
import NIOCore
import NIOHTTP1

/// A backend that speaks the OpenAI API: vLLM, llama.cpp's server, OpenAI, OpenRouter, TGI's Messages API or any
/// other compatible server.
///
/// ```swift
/// let http = ProviderHTTPClient()
/// let vllm = OpenAICompatibleProvider(name: "vllm", endpoint: try BackendEndpoint("http://127.0.0.1:8000/v1"), flavor: .vllm, http: http)
/// let answer = try await vllm.chat(ChatRequest(model: "auto", messages: [.user("Hello")]))
/// ```
///
/// An unknown model becomes ``FerryError/Code/modelNotFound`` listing the models the server does serve;
/// `model: "auto"` uses the served model when there is exactly one. It never retries.
public final class OpenAICompatibleProvider: HTTPLanguageModel {
    public let name: String
    public let endpoint: BackendEndpoint
    public let flavor: OpenAIFlavor
    /// The model used when a request asks for `auto` or names none (nil: ask the server).
    public let defaultModel: String?
    let backend: BackendClient
    /// Where the inline path sends `POST /v1/chat/completions`, made once (nil: HTTPS, served by the routes).
    let inlineChatUpstream: InlineUpstream?

    public init(
        name: String,
        endpoint: BackendEndpoint,
        flavor: OpenAIFlavor = .generic,
        apiKey: String? = nil,
        defaultModel: String? = nil,
        extraHeaders: [String: String] = [:],
        http: ProviderHTTPClient
    ) {
        self.name = name
        self.endpoint = endpoint
        self.flavor = flavor
        self.defaultModel = defaultModel
        var headers = extraHeaders.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let apiKey, !apiKey.isEmpty { headers.append(("authorization", "Bearer \(apiKey)")) }
        backend = BackendClient(
            name: name, endpoint: endpoint, http: http, headers: headers,
            startHint: flavor.startHint(endpoint: endpoint, model: defaultModel),
            readError: { status, body, location, retryAfter in
                if let parsed = try? WireJSON.decode(OpenAIErrorBody.self, from: body.readableBytesView) {
                    return parsed.ferryError(status: status, location: location, retryAfter: retryAfter)
                }
                return FerryError.upstream(status: status, message: BackendClient.text(of: body), location: location, retryAfter: retryAfter)
            }
        )
        inlineChatUpstream = backend.inlineUpstream("/v1/chat/completions")
    }

    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        try await streamCall("/v1/chat/completions", model: request.model) { OpenAIChatRequest(request.with(model: $0), stream: true) } parser: {
            OpenAIStreamParser(kind: .chat, location: $1)
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        try await call("/v1/chat/completions", model: request.model, answer: OpenAIChatCompletion.self) {
            OpenAIChatRequest(request.with(model: $0), stream: false)
        } decode: { try $0.chatResponse(location: $1) }
    }

    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        try await streamCall("/v1/completions", model: request.model) { OpenAICompletionRequest(request.with(model: $0), stream: true) } parser: {
            OpenAIStreamParser(kind: .completion, location: $1)
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        try await call("/v1/completions", model: request.model, answer: OpenAICompletion.self) {
            OpenAICompletionRequest(request.with(model: $0), stream: false)
        } decode: { try $0.completionResponse(location: $1) }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await call("/v1/embeddings", model: request.model, answer: OpenAIEmbeddingResponse.self) {
            OpenAIEmbeddingRequest(request.with(model: $0))
        } decode: { answer, _ in try answer.embeddingResponse() }
    }

    public func models() async throws -> [ModelInfo] {
        try await fetch("/v1/models", as: OpenAIModelList.self).models
    }

    /// `/v1/rerank` (vLLM and llama.cpp's server, started with a reranking model).
    /// `/v1/messages` or `/v1/responses` as the client wrote it (vLLM serves both, llama.cpp the first).
    public func forward(_ request: NativeRequest) async throws -> NativeAnswer {
        try await forwardNatively(request)
    }

    public func rerank(_ request: RerankRequest) async throws -> RerankResponse {
        try await call("/v1/rerank", model: request.model, answer: RerankWireResponse.self) { model in
            var wire = RerankWireRequest(request)
            wire.model = model
            return wire
        } decode: { answer, location in try answer.rerankResponse(documents: request.documents.count, location: location) }
    }

    /// Token counts from the server's `/tokenize` (llama.cpp and vLLM; eight texts in flight); nil for the other
    /// flavours, which have none.
    public func countTokens(_ texts: [String], model: String) async throws -> [Int]? {
        guard flavor == .llamacpp || flavor == .vllm else { return nil }
        var counts = [Int](repeating: 0, count: texts.count)
        try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            var next = 0
            func start() {
                let index = next
                next += 1
                group.addTask { (index, try await self.countTokens(texts[index], model: model)) }
            }
            while next < min(8, texts.count) { start() }
            while let (index, count) = try await group.next() {
                counts[index] = count
                if next < texts.count { start() }
            }
        }
        return counts
    }

    private func countTokens(_ text: String, model: String) async throws -> Int {
        switch flavor {
        case .vllm:
            try await call("/tokenize", model: model, answer: VLLMTokenizeResponse.self) { VLLMTokenizeRequest(model: $0, prompt: text) } decode: { answer, _ in answer.count }
        default:
            try await call("/tokenize", model: model, answer: LlamaTokenizeResponse.self) { _ in LlamaTokenizeRequest(content: text) } decode: { answer, _ in answer.tokens.count }
        }
    }

    /// Tries the flavour's health endpoints in order and reports which answered and how fast, with the served
    /// models when the server lists them.
    public func health() async -> HealthReport {
        await HealthProbe.run(backend: backend, paths: flavor.healthPaths) { [self] in try await models().map(\.id) }
    }

    var modelsPath: String { "/v1/models" }
}
