/// A request of an API some backends serve themselves — Anthropic's Messages (`POST /v1/messages`: vLLM, Ollama,
/// llama.cpp) and OpenAI's Responses (`POST /v1/responses`: vLLM, Ollama) — sent to them as the client wrote it,
/// only its `model` set to the backend's (a backend's `passthrough` option).
///
/// ```swift
/// let request = NativeRequest(api: .messages, model: "claude", body: body, stream: true)
/// let answer = try await backend.forward(request)
/// for try await bytes in answer.chunks { … }
/// ```
public struct NativeRequest: Sendable {
    public enum API: String, Sendable, Hashable, CaseIterable {
        case messages, responses

        /// The endpoint, under the backend's base URL.
        public var path: String {
            switch self {
            case .messages: "/v1/messages"
            case .responses: "/v1/responses"
            }
        }
    }

    public var api: API
    /// The model the client named (a route).
    public var model: String
    /// The client's JSON body.
    public var body: [String: JSONValue]
    public var stream: Bool

    public init(api: API, model: String, body: [String: JSONValue], stream: Bool) {
        self.api = api
        self.model = model
        self.body = body
        self.stream = stream
    }

    /// The body to send, with `model` set to the backend's.
    public func body(model: String) -> String {
        var body = body
        body["model"] = .string(model)
        return JSONValue.object(body).jsonText
    }
}

/// A backend's answer to a ``NativeRequest`` with a success status: its content type, and its body's bytes as
/// they come (read only as fast as they are taken).
public struct NativeAnswer: Sendable {
    public var contentType: String
    public var chunks: AsyncThrowingStream<[UInt8], any Error>

    public init(contentType: String, chunks: AsyncThrowingStream<[UInt8], any Error>) {
        self.contentType = contentType
        self.chunks = chunks
    }
}
