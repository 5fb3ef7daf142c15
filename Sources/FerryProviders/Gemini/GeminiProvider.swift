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
public struct GeminiProvider: HTTPLanguageModel, ChatOnlyCompletions {
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
        return try await streamCall("/v1beta/models/\(model):streamGenerateContent?alt=sse", model: model) { try GeminiGenerateContentRequest(request.with(model: $0)) } parser: {
            GeminiStreamParser(model: $0, framing: .sse, location: $1)
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        let model = try await resolveModel(request.model)
        return try await call("/v1beta/models/\(model):generateContent", model: model, answer: GeminiGenerateContentResponse.self) {
            try GeminiGenerateContentRequest(request.with(model: $0))
        } decode: { try $0.chatResponse(model: model, location: $1) }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        let model = try await resolveModel(request.model)
        var vectors: [[Float]] = []
        for input in request.inputs {
            vectors.append(try await call("/v1beta/models/\(model):embedContent", model: model, answer: GeminiEmbedContentResponse.self) { _ in
                GeminiEmbedContentRequest(text: input, outputDimensionality: request.dimensions)
            } decode: { answer, _ in answer.embedding.values })
        }
        return EmbeddingResponse(model: model, embeddings: vectors)
    }

    public func models() async throws -> [ModelInfo] {
        try await fetch("/v1beta/models", as: GeminiModelList.self).modelInfos
    }

    public func health() async -> HealthReport {
        await HealthProbe.run(backend: backend, paths: ["/v1beta/models"]) { [self] in try await models().map(\.id) }
    }

    var modelsPath: String { "/v1beta/models" }

    /// Gemini names models `models/<id>`; requests take the bare id.
    func normalizedModel(_ requested: String) -> String {
        requested.hasPrefix("models/") ? String(requested.dropFirst(7)) : requested
    }
}
