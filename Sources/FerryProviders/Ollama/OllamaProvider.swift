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
public struct OllamaProvider: HTTPLanguageModel {
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
        try await streamCall("/api/chat", model: request.model) { try OllamaChatRequest(request.with(model: $0), stream: true) } parser: {
            OllamaStreamParser(kind: .chat, location: $1)
        }
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        try await call("/api/chat", model: request.model, answer: OllamaChatResponse.self) {
            try OllamaChatRequest(request.with(model: $0), stream: false)
        } decode: { try $0.chatResponse(location: $1) }
    }

    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream {
        try await streamCall("/api/generate", model: request.model) { OllamaGenerateRequest(request.with(model: $0), stream: true) } parser: {
            OllamaStreamParser(kind: .generate, location: $1)
        }
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse {
        try await call("/api/generate", model: request.model, answer: OllamaGenerateResponse.self) {
            OllamaGenerateRequest(request.with(model: $0), stream: false)
        } decode: { try $0.completionResponse(location: $1) }
    }

    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse {
        try await call("/api/embed", model: request.model, answer: OllamaEmbedResponse.self) {
            OllamaEmbedRequest(request.with(model: $0))
        } decode: { answer, _ in answer.embeddingResponse }
    }

    /// The local models (`/api/tags`), named `name:tag`.
    /// `/v1/messages` or `/v1/responses` as the client wrote it (Ollama serves both under its OpenAI-compatible `/v1`).
    public func forward(_ request: NativeRequest) async throws -> NativeAnswer {
        try await forwardNatively(request)
    }

    public func models() async throws -> [ModelInfo] {
        try await fetch("/api/tags", as: OllamaTagsResponse.self).modelInfos
    }

    /// One model's details (`/api/show`): capabilities (tools, vision, embedding…) and context length.
    public func show(model: String) async throws -> ModelInfo {
        let name = try await resolveModel(model)
        return try await diagnosing(name) {
            try await backend.json(OllamaShowResponse.self, .POST, "/api/show", body: OllamaShowRequest(model: name), model: name).modelInfo(name: name)
        }
    }

    /// The server's version (`/api/version`).
    public func version() async throws -> String {
        try await fetch("/api/version", as: OllamaVersionResponse.self).version
    }

    /// Probes `/api/version`, then `/api/tags`.
    public func health() async -> HealthReport {
        await HealthProbe.run(backend: backend, paths: ["/api/version", "/api/tags"]) { [self] in try await models().map(\.id) }
    }

    var modelsPath: String { "/api/tags" }

    /// A model that is not pulled: the pull command, then the local models.
    func missingModelHint(_ model: String, served: [String]) -> String? {
        "pull it with `ollama pull \(model)`" + (served.isEmpty ? "" : ", or use one of the local models: \(served.map { "\"\($0)\"" }.joined(separator: ", "))")
    }
}
