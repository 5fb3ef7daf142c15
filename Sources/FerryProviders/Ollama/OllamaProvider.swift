import AsyncHTTPClient
import FerryCore
import FerryWire
import Foundation
import NIOCore
import NIOHTTP1

/// A backend that speaks Ollama's native API (`/api/chat`, `/api/generate`, `/api/embed`, `/api/tags`).
///
/// ```swift
/// let ollama = OllamaProvider(name: "ollama", endpoint: try BackendEndpoint("http://127.0.0.1:11434", versionSuffixes: OllamaProvider.versionSuffixes), http: http)
/// let answer = try await ollama.chat(ChatRequest(model: "llama3.2", messages: [.user("Hello")]))
/// ```
///
/// A model that is not pulled becomes ``FerryError/Code/modelNotFound`` listing the local models and the
/// `ollama pull` command. It never retries.
public struct OllamaProvider: LanguageModel {
    /// Suffixes stripped from a base URL (users paste Ollama's OpenAI URL `…/v1`, or `…/api`).
    public static let versionSuffixes = ["/v1", "/api"]

    public let name: String
    public let endpoint: BackendEndpoint
    public let defaultModel: String?
    let backend: BackendClient

    public init(name: String, endpoint: BackendEndpoint, defaultModel: String? = nil, extraHeaders: [String: String] = [:], http: ProviderHTTPClient) {
        self.name = name
        self.endpoint = endpoint
        self.defaultModel = defaultModel
        backend = BackendClient(
            name: name, endpoint: endpoint, http: http,
            headers: extraHeaders.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
            startHint: "start it with `ollama serve`\(defaultModel.map { " and `ollama pull \($0)`" } ?? ""), or fix the URL (Ollama listens on port 11434)",
            readError: { status, body, location, retryAfter in
                let message = (try? WireJSON.decode(OllamaErrorBody.self, from: body.readableBytesView).error) ?? BackendClient.text(of: body)
                if status == 404, let model = OllamaStreamDecoder.missingModel(in: message) ?? location.model {
                    return FerryError.modelNotFound(requested: model, served: [], location: location, status: status)
                }
                return FerryError.upstream(status: status, message: message, location: location, retryAfter: retryAfter)
            }
        )
    }

    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = try OllamaChatRequest(request, stream: true)
        return try await diagnosing(request.model) {
            try await backend.stream("/api/chat", body: body, model: request.model, parser: OllamaStreamParser(kind: .chat, location: backend.location("/api/chat", model: request.model)))
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = try OllamaChatRequest(request, stream: false)
        let location = backend.location("/api/chat", model: request.model)
        return try await diagnosing(request.model) {
            try await backend.json(OllamaChatResponse.self, .POST, "/api/chat", body: body, model: request.model).chatResponse(location: location)
        }
    }

    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OllamaGenerateRequest(request, stream: true)
        return try await diagnosing(request.model) {
            try await backend.stream("/api/generate", body: body, model: request.model, parser: OllamaStreamParser(kind: .generate, location: backend.location("/api/generate", model: request.model)))
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OllamaGenerateRequest(request, stream: false)
        let location = backend.location("/api/generate", model: request.model)
        return try await diagnosing(request.model) {
            try await backend.json(OllamaGenerateResponse.self, .POST, "/api/generate", body: body, model: request.model).completionResponse(location: location)
        }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        var request = request
        request.model = try await resolveModel(request.model)
        let body = OllamaEmbedRequest(request)
        return try await diagnosing(request.model) {
            try await backend.json(OllamaEmbedResponse.self, .POST, "/api/embed", body: body, model: request.model).embeddingResponse
        }
    }

    /// The local models (`/api/tags`), named `name:tag`.
    public func models() async throws -> [ModelInfo] {
        try await backend.json(OllamaTagsResponse.self, .GET, "/api/tags", body: Optional<NoBody>.none, model: nil).modelInfos
    }

    /// Probes `/api/version`, then `/api/tags`.
    public func health() async -> HealthReport {
        await HealthProbe.run(backend: backend, paths: ["/api/version", "/api/tags"]) { try await models().map(\.id) }
    }

    func resolveModel(_ requested: String) async throws -> String {
        guard requested.isEmpty || requested == "auto" else { return requested }
        if let defaultModel { return defaultModel }
        return try await ModelResolution.onlyServed(by: name, location: backend.location("/api/tags", model: requested)) { try await models().map(\.id) }
    }

    /// A model-not-found error lists the local models and says how to pull the missing one.
    func diagnosing<Value>(_ model: String, _ body: () async throws -> Value) async throws -> Value {
        do {
            return try await ModelResolution.diagnosing(model) { try await models().map(\.id) } body: { try await body() }
        } catch var error as FerryError where error.code == .modelNotFound {
            error.hint = "pull it with `ollama pull \(model)`" + (error.servedModels.isEmpty ? "" : ", or \(error.hint)")
            throw error
        }
    }
}
