import FerryCore
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird

/// The API a client speaks to the gateway — OpenAI's chat, OpenAI's Responses, Ollama's or Anthropic's Messages —
/// for the routes and the inline path alike: its errors go back in its shape (the Responses API's are OpenAI's),
/// and its chat requests are read and answered in it (``GatewayDialect+Chat``).
///
/// ```swift
/// let dialect = GatewayDialect(path: "/api/chat")                 // .ollama
/// let (head, body) = dialect.errorAnswer(for: error, requestID: id)
/// ```
enum GatewayDialect: Sendable {
    case openAI
    case ollama
    case anthropic
    case responses

    /// The dialect of a path: `/api/…` is Ollama's — except Ferry's own documents API there (``ferryPaths``), which
    /// speaks OpenAI's errors —, `/v1/messages…` Anthropic's, `/v1/responses…` the Responses API's, the rest OpenAI's.
    init(path: String) {
        if path.hasPrefix("/api/") {
            self = Self.ferryPaths.contains { path.hasPrefix($0) } ? .openAI : .ollama
        } else {
            self = path.hasPrefix("/v1/messages") ? .anthropic : path.hasPrefix("/v1/responses") ? .responses : .openAI
        }
    }

    /// Ferry's own endpoints under `/api/`: documents, search, collections, answers and sessions.
    static let ferryPaths = ["/api/documents", "/api/search", "/api/collections", "/api/query", "/api/sessions"]

    /// The dialect of a chat request: `POST /v1/chat/completions`, `POST /api/chat`, `POST /v1/messages` or
    /// `POST /v1/responses`; nil for anything else.
    init?(chatMethod method: String, path: String) {
        guard method == "POST" else { return nil }
        switch path {
        case "/v1/chat/completions": self = .openAI
        case "/api/chat": self = .ollama
        case "/v1/messages": self = .anthropic
        case "/v1/responses": self = .responses
        default: return nil
        }
    }

    /// A response for `error`, in this dialect's shape, with the status it maps to.
    func response(for error: FerryError, requestID: String) -> Response {
        let (head, body) = errorAnswer(for: error, requestID: requestID)
        return Response(status: head.status, headers: head.headerFields, body: ResponseBody(byteBuffer: body))
    }

    /// The head and body of the answer to `error`.
    func errorAnswer(for error: FerryError, requestID: String) -> (HTTPResponse, ByteBuffer) {
        let status = error.responseStatus
        var body = ByteBuffer()
        switch self {
        case .openAI, .responses:
            try? WireJSON.encode(OpenAIErrorBody(status: status, message: error.description, param: error.field, integerCode: false), into: &body)
        case .ollama:
            try? WireJSON.encode(OllamaErrorBody(error: error.description), into: &body)
        case .anthropic:
            try? WireJSON.encode(AnthropicErrorBody(status: status, message: error.description), into: &body)
        }
        var headers: HTTPFields = [.contentType: "application/json", GatewayHeaders.requestID: requestID]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(max(1, Int(retryAfter.seconds.rounded(.up)))) }
        return (HTTPResponse(status: .init(code: status), headerFields: headers), body)
    }
}
