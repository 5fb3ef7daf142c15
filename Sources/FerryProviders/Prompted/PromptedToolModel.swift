import FerryCore
import Foundation

/// A backend marked `tools: prompted`: a ``LanguageModel`` whose chat template has no tools (or which refuses them),
/// made to give real, structured tool calls. A chat request with tools is put to it as text
/// (``PromptedToolFormat``), and its answer read back (``PromptedToolParser``) into tool calls or a final answer — so
/// an OpenAI, Ollama or Anthropic client sending `tools` gets `tool_calls` (streamed as tool-call deltas) from a
/// model that only writes text. A stream is read whole first: whether the text is an action is known only at its
/// end. What cannot be read as an action, or calls a tool the request did not offer, is an
/// ``FerryError/Code/invalidResponse`` that says why — never a guessed call. Requests without tools, and every other
/// operation, go to the wrapped model unchanged (the gateway's inline path included).
///
/// ```swift
/// let engine = PromptedToolModel(wrapping: provider, constrained: true)   // llama.cpp honours json_schema
/// let answer = try await engine.chat(ChatRequest(model: "local", messages: [.user("Weather in Paris?")], tools: [weather]))
/// answer.message.toolCalls   // [ToolCall(name: "get_weather", arguments: "{\"city\":\"Paris\"}")]
/// ```
public struct PromptedToolModel: WrappingLanguageModel, InlineChatBackend {
    public let inner: any LanguageModel
    public let format: PromptedToolFormat

    public init(wrapping inner: any LanguageModel, constrained: Bool) {
        self.inner = inner
        format = PromptedToolFormat(constrained: constrained)
    }

    public var name: String { inner.name }
    public var wrapped: any LanguageModel { inner }

    /// Whether `request` needs the prompted form (it offers tools, and does not forbid them).
    private func prompts(_ request: ChatRequest) -> Bool {
        !request.tools.isEmpty && request.toolChoice != ToolChoice.none
    }

    public func chat(_ request: ChatRequest) async throws -> ChatResponse {
        guard prompts(request) else { return try await inner.chat(Self.withoutForbiddenTools(request)) }
        let answer = try await inner.chat(format.request(for: request))
        return try structured(answer, offered: request.tools)
    }

    public func streamChat(_ request: ChatRequest) async throws -> ChatEventStream {
        guard prompts(request) else { return try await inner.streamChat(Self.withoutForbiddenTools(request)) }
        let answer = try await chat(request)
        return ChatEventStream { continuation in
            continuation.yield(.start(StreamStart(id: answer.id, model: answer.model, created: answer.created)))
            if answer.message.toolCalls.isEmpty {
                if !answer.text.isEmpty { continuation.yield(.textDelta(answer.text)) }
            } else {
                for (index, call) in answer.message.toolCalls.enumerated() {
                    continuation.yield(.toolCallDelta(ToolCallDelta(index: index, id: call.id, name: call.name, arguments: call.arguments)))
                }
            }
            continuation.yield(.finish(StreamFinish(reason: answer.finishReason, usage: answer.usage)))
            continuation.finish()
        }
    }

    /// The backend's text answer as tool calls or a final answer.
    func structured(_ answer: ChatResponse, offered: [ToolDefinition]) throws -> ChatResponse {
        var result = answer
        switch PromptedToolParser(tools: offered.map(\.name)).parse(answer.text) {
        case .toolCalls(let calls):
            result.message = .assistant("", toolCalls: calls)
            result.finishReason = .toolCalls
        case .answer(let text):
            result.message = .assistant(text)
            if result.finishReason == .toolCalls { result.finishReason = .stop }
        case .malformed(let reason):
            throw FerryError(
                code: .invalidResponse,
                message: "The model's tool call could not be read: \(reason)",
                location: ErrorLocation(backend: inner.name, model: answer.model),
                hint: "the backend is marked `tools: prompted` (its template has no tools): ask again, give the model fewer or simpler tools, or use a model with native tool calling"
            )
        }
        return result
    }

    /// `tool_choice: none` means no tools: the backend is not told of them at all.
    private static func withoutForbiddenTools(_ request: ChatRequest) -> ChatRequest {
        guard !request.tools.isEmpty else { return request }
        var copy = request
        copy.tools = []
        copy.toolChoice = nil
        return copy
    }

    // MARK: The rest, unchanged

    public func inlineChat(_ request: ChatRequest, stream: Bool) throws -> InlineChatCall? {
        guard request.tools.isEmpty, let inline = inner as? any InlineChatBackend else { return nil }
        return try inline.inlineChat(request, stream: stream)
    }

    public func diagnosed(_ error: FerryError, model: String) async -> FerryError {
        guard let inline = inner as? any InlineChatBackend else { return error }
        return await inline.diagnosed(error, model: model)
    }

    public func complete(_ request: CompletionRequest) async throws -> CompletionResponse { try await inner.complete(request) }
    public func streamComplete(_ request: CompletionRequest) async throws -> ChatEventStream { try await inner.streamComplete(request) }
    public func embed(_ request: EmbeddingRequest) async throws -> EmbeddingResponse { try await inner.embed(request) }
    public func models() async throws -> [ModelInfo] { try await inner.models() }
    public func health() async -> HealthReport { await inner.health() }
    public func countTokens(_ texts: [String], model: String) async throws -> [Int]? { try await inner.countTokens(texts, model: model) }
    public func rerank(_ request: RerankRequest) async throws -> RerankResponse { try await inner.rerank(request) }
    public func forward(_ request: NativeRequest) async throws -> NativeAnswer { try await inner.forward(request) }
}
