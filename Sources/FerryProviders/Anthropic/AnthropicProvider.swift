import AsyncHTTPClient
import FerryCore
import FerryWire
import Foundation
import NIOCore
import NIOHTTP1

/// Anthropic's Messages API (`/v1/messages`), key in `x-api-key`, `anthropic-version: 2023-06-01` — Claude's API,
/// and the same API vLLM, Ollama and llama.cpp serve.
///
/// ```swift
/// let claude = AnthropicProvider(name: "claude", apiKey: key, http: http)
/// let answer = try await claude.chat(ChatRequest(model: "claude-sonnet-4-5", messages: [.user("Hello")]))
/// ```
///
/// The API requires `max_tokens`: a request without one is sent with ``defaultMaxTokens``. It has no response
/// format (refused), seed or penalties (not sent), no legacy completions (`complete` sends the prompt as one user
/// turn) and no embeddings (refused, naming an alternative).
public struct AnthropicProvider: HTTPLanguageModel, ChatOnlyCompletions {
    public static let defaultEndpoint = "https://api.anthropic.com"
    public static let versionSuffixes = ["/v1"]
    /// The API version every request names.
    public static let apiVersion = "2023-06-01"

    public let name: String
    public let endpoint: BackendEndpoint
    public let defaultModel: String?
    public let defaultMaxTokens: Int
    let backend: BackendClient

    public init(name: String, endpoint: BackendEndpoint? = nil, apiKey: String?, defaultModel: String? = nil, defaultMaxTokens: Int = 4096, http: ProviderHTTPClient) {
        let endpoint = endpoint ?? (try! BackendEndpoint(Self.defaultEndpoint, versionSuffixes: Self.versionSuffixes))
        self.name = name
        self.endpoint = endpoint
        self.defaultModel = defaultModel
        self.defaultMaxTokens = defaultMaxTokens
        var headers: [(String, String)] = [("anthropic-version", Self.apiVersion)]
        if let apiKey, !apiKey.isEmpty { headers.append(("x-api-key", apiKey)) }
        backend = BackendClient(
            name: name, endpoint: endpoint, http: http, headers: headers,
            startHint: "check network access to \(endpoint.host) and the base URL",
            readError: { status, body, location, retryAfter in
                let message = (try? WireJSON.decode(AnthropicErrorBody.self, from: body.readableBytesView).error.message) ?? BackendClient.text(of: body)
                if status == 404, message.lowercased().contains("model"), let model = location.model {
                    return FerryError.modelNotFound(requested: model, served: [], location: location, status: status)
                }
                var error = FerryError.upstream(status: status, message: message, location: location, retryAfter: retryAfter)
                if status == 401 {
                    error.code = .unauthorized
                    error.hint = "check ANTHROPIC_API_KEY (backends.\(location.backend ?? "NAME").api_key): the backend rejected the key"
                }
                return error
            }
        )
    }

    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        try await streamCall("/v1/messages", model: request.model) { model in
            var wire = try AnthropicMessagesRequest(request.with(model: model), maxTokens: defaultMaxTokens)
            wire.stream = true
            return wire
        } parser: {
            AnthropicStreamParser(model: $0, location: $1)
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        try await call("/v1/messages", model: request.model, answer: AnthropicMessageResponse.self) {
            try AnthropicMessagesRequest(request.with(model: $0), maxTokens: defaultMaxTokens)
        } decode: { answer, _ in answer.chatResponse() }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        throw FerryError.unsupported("embeddings", location: ErrorLocation(backend: name), alternative: "route embeddings to a vLLM, Ollama, OpenAI or Gemini backend")
    }

    public func models() async throws -> [ModelInfo] {
        try await fetch("/v1/models", as: AnthropicModelList.self).modelInfos
    }

    public func health() async -> HealthReport {
        await HealthProbe.run(backend: backend, paths: ["/v1/models"]) { [self] in try await models().map(\.id) }
    }

    /// Anthropic's own count (`/v1/messages/count_tokens`) of each text as one user message.
    public func countTokens(_ texts: [String], model: String) async throws -> [Int]? {
        let model = try await resolveModel(model)
        var counts: [Int] = []
        for text in texts {
            let body = AnthropicCountTokensRequest(model: model, messages: [AnthropicMessage(role: "user", content: .text(text))])
            counts.append(try await backend.json(AnthropicCountTokensResponse.self, .POST, "/v1/messages/count_tokens", body: body, model: model).inputTokens)
        }
        return counts
    }

    /// `/v1/messages` as the client wrote it (the API's own).
    public func forward(_ request: NativeRequest) async throws -> NativeAnswer {
        guard request.api == .messages else { throw FerryError.unsupported("\(request.api.path) (passthrough)", location: ErrorLocation(backend: name), alternative: "leave passthrough off for responses: Ferry translates them") }
        return try await forwardNatively(request)
    }

    var modelsPath: String { "/v1/models" }
}
