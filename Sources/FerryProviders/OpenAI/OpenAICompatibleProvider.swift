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
public struct OpenAICompatibleProvider: LanguageModel {
    public let name: String
    public let endpoint: BackendEndpoint
    public let flavor: OpenAIFlavor
    /// The model used when a request asks for `auto` or names none (nil: ask the server).
    public let defaultModel: String?
    let backend: BackendClient

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
    }

    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OpenAIChatRequest(request, stream: true)
        return try await diagnosing(request.model) {
            try await backend.stream("/v1/chat/completions", body: body, model: request.model, parser: OpenAIStreamParser(kind: .chat, location: backend.location("/v1/chat/completions", model: request.model)))
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OpenAIChatRequest(request, stream: false)
        let location = backend.location("/v1/chat/completions", model: request.model)
        return try await diagnosing(request.model) {
            try await backend.json(OpenAIChatCompletion.self, .POST, "/v1/chat/completions", body: body, model: request.model).chatResponse(location: location)
        }
    }

    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OpenAICompletionRequest(request, stream: true)
        return try await diagnosing(request.model) {
            try await backend.stream("/v1/completions", body: body, model: request.model, parser: OpenAIStreamParser(kind: .completion, location: backend.location("/v1/completions", model: request.model)))
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OpenAICompletionRequest(request, stream: false)
        let location = backend.location("/v1/completions", model: request.model)
        return try await diagnosing(request.model) {
            try await backend.json(OpenAICompletion.self, .POST, "/v1/completions", body: body, model: request.model).completionResponse(location: location)
        }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OpenAIEmbeddingRequest(request)
        return try await diagnosing(request.model) {
            try await backend.json(OpenAIEmbeddingResponse.self, .POST, "/v1/embeddings", body: body, model: request.model).embeddingResponse()
        }
    }

    public func models() async throws -> [ModelInfo] {
        try await backend.json(OpenAIModelList.self, .GET, "/v1/models", body: Optional<NoBody>.none, model: nil).models
    }

    /// Tries the flavour's health endpoints in order and reports which answered and how fast, with the served
    /// models when the server lists them.
    public func health() async -> HealthReport {
        await HealthProbe.run(backend: backend, paths: flavor.healthPaths) { try await models().map(\.id) }
    }

    /// `auto` (or an empty name) becomes the default model, or the only model the server serves.
    func resolveModel(_ requested: String) async throws -> String {
        guard requested.isEmpty || requested == "auto" else { return requested }
        if let defaultModel { return defaultModel }
        return try await ModelResolution.onlyServed(by: name, location: backend.location("/v1/models", model: requested)) { try await models().map(\.id) }
    }

    /// Runs `body`; a model-not-found error is completed with the models the server does serve.
    func diagnosing<Value>(_ model: String, _ body: () async throws -> Value) async throws -> Value {
        try await ModelResolution.diagnosing(model) { try await models().map(\.id) } body: { try await body() }
    }
}
