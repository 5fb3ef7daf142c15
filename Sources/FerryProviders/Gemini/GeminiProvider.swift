import AsyncHTTPClient
import FerryCore
import FerryWire
import Foundation
import NIOCore
import NIOHTTP1

/// Google's Gemini API (`/v1beta/models/{model}:generateContent`), key in `x-goog-api-key`.
///
/// ```swift
/// let gemini = GeminiProvider(name: "gemini", apiKey: key, http: http)
/// let answer = try await gemini.chat(ChatRequest(model: "gemini-2.0-flash", messages: [.user("Hello")]))
/// ```
///
/// Gemini has no legacy completion endpoint: `complete` sends the prompt (and system text) as one user turn.
/// Embeddings use `:embedContent`, one input at a time.
public struct GeminiProvider: LanguageModel {
    public static let defaultEndpoint = "https://generativelanguage.googleapis.com"
    /// Suffixes stripped from a base URL.
    public static let versionSuffixes = ["/v1beta", "/v1"]

    public let name: String
    public let endpoint: BackendEndpoint
    public let defaultModel: String?
    let backend: BackendClient

    public init(
        name: String,
        endpoint: BackendEndpoint? = nil,
        apiKey: String?,
        defaultModel: String? = nil,
        http: ProviderHTTPClient
    ) {
        let endpoint = endpoint ?? (try! BackendEndpoint(Self.defaultEndpoint))
        self.name = name
        self.endpoint = endpoint
        self.defaultModel = defaultModel
        var headers: [(String, String)] = []
        if let apiKey, !apiKey.isEmpty { headers.append(("x-goog-api-key", apiKey)) }
        backend = BackendClient(
            name: name, endpoint: endpoint, http: http, headers: headers,
            startHint: "check network access to \(endpoint.host) and the base URL",
            readError: { status, body, location, retryAfter in
                let message = (try? WireJSON.decode(GeminiErrorBody.self, from: body.readableBytesView).error.message) ?? BackendClient.text(of: body)
                if status == 404, message.contains("is not found"), let model = location.model {
                    return FerryError.modelNotFound(requested: model, served: [], location: location, status: status)
                }
                var error = FerryError.upstream(status: status, message: message, location: location, retryAfter: retryAfter)
                if status == 400, message.lowercased().contains("api key") {
                    error.code = .unauthorized
                    error.hint = "check GEMINI_API_KEY: Google rejected the key"
                }
                return error
            }
        )
    }

    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        let model = try await resolveModel(request.model)
        let body = try GeminiGenerateContentRequest(request)
        let path = "/v1beta/models/\(model):streamGenerateContent?alt=sse"
        return try await diagnosing(model) {
            try await backend.stream(path, body: body, model: model, parser: GeminiStreamParser(model: model, framing: .sse, location: backend.location(path, model: model)))
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        let model = try await resolveModel(request.model)
        let body = try GeminiGenerateContentRequest(request)
        let path = "/v1beta/models/\(model):generateContent"
        return try await diagnosing(model) {
            try await backend.json(GeminiGenerateContentResponse.self, .POST, path, body: body, model: model).chatResponse(model: model, location: backend.location(path, model: model))
        }
    }

    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        try await streamChat(Self.chat(for: request))
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        let response = try await chat(Self.chat(for: request))
        return CompletionResponse(id: response.id, model: response.model, created: response.created, text: response.text, finishReason: response.finishReason, usage: response.usage)
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let model = try await resolveModel(request.model)
        let path = "/v1beta/models/\(model):embedContent"
        var vectors: [[Float]] = []
        for input in request.inputs {
            let body = GeminiEmbedContentRequest(text: input, outputDimensionality: request.dimensions)
            let answer = try await diagnosing(model) {
                try await backend.json(GeminiEmbedContentResponse.self, .POST, path, body: body, model: model)
            }
            vectors.append(answer.embedding.values)
        }
        return EmbeddingResponse(model: model, embeddings: vectors)
    }

    public func models() async throws -> [ModelInfo] {
        try await backend.json(GeminiModelList.self, .GET, "/v1beta/models", body: Optional<NoBody>.none, model: nil).modelInfos
    }

    public func health() async -> HealthReport {
        await HealthProbe.run(backend: backend, paths: ["/v1beta/models"]) { try await models().map(\.id) }
    }

    func resolveModel(_ requested: String) async throws -> String {
        let bare = requested.hasPrefix("models/") ? String(requested.dropFirst(7)) : requested
        guard bare.isEmpty || bare == "auto" else { return bare }
        if let defaultModel { return defaultModel }
        return try await ModelResolution.onlyServed(by: name, location: backend.location("/v1beta/models", model: requested)) { try await models().map(\.id) }
    }

    func diagnosing<Value>(_ model: String, _ body: () async throws -> Value) async throws -> Value {
        try await ModelResolution.diagnosing(model) { try await models().map(\.id) } body: { try await body() }
    }

    /// A legacy completion as one user turn.
    static func chat(for request: CompletionRequest) -> ChatRequest {
        var messages: [ChatMessage] = []
        if let system = request.system { messages.append(.system(system)) }
        messages.append(.user(request.prompt))
        return ChatRequest(model: request.model, messages: messages, sampling: request.sampling, responseFormat: request.responseFormat, includeUsage: true)
    }
}
