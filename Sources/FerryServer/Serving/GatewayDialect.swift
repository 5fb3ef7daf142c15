import FerryCore
import FerryWire
import Foundation
import HTTPTypes
import Hummingbird

/// The API a client speaks to the gateway: errors go back in its shape.
enum GatewayDialect: Sendable {
    case openAI
    case ollama

    /// The dialect of a path: `/api/…` is Ollama's, the rest OpenAI's.
    init(path: String) {
        self = path.hasPrefix("/api/") ? .ollama : .openAI
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
        case .openAI:
            try? WireJSON.encode(OpenAIErrorBody(status: status, message: error.description, param: Self.field(of: error), integerCode: false), into: &body)
        case .ollama:
            try? WireJSON.encode(OllamaErrorBody(error: error.description), into: &body)
        }
        var headers: HTTPFields = [.contentType: "application/json", GatewayHeaders.requestID: requestID]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(max(1, Int(retryAfter.seconds.rounded(.up)))) }
        return (HTTPResponse(status: .init(code: status), headerFields: headers), body)
    }

    /// The field a bad-request error names (`Invalid field `x`: …`), for OpenAI's `param`.
    static func field(of error: FerryError) -> String? {
        guard error.code == .badRequest, error.message.hasPrefix("Invalid field `") else { return nil }
        let rest = error.message.dropFirst("Invalid field `".count)
        return rest.firstIndex(of: "`").map { String(rest[..<$0]) }
    }
}

/// The headers the gateway adds to every proxied answer.
enum GatewayHeaders {
    static let requestID = HTTPField.Name("x-request-id")!
    static let backend = HTTPField.Name("x-ferry-backend")!
    static let attempts = HTTPField.Name("x-ferry-attempts")!
    /// Time spent inside Ferry: the request's time so far, minus time waiting for backends and between attempts.
    static let overhead = HTTPField.Name("x-ferry-overhead-ms")!
    /// Internal, between the inline path and the routes: the token of a first attempt the inline path made (see
    /// ``PriorAttempts``). Removed from every client request before it reaches a route.
    static let priorAttempt = HTTPField.Name("x-ferry-prior-attempt")!

    /// A new request id (a random UUID, lowercase).
    static func newRequestID() -> String { RequestIDs.next() }

    /// `x-ferry-backend`, `x-ferry-attempts` and `x-ferry-overhead-ms`: the request's time since `received`
    /// without the `waited` for backends.
    static func addRouting(_ headers: inout HTTPFields, backend: String, attempts: Int, received: ContinuousClock.Instant, waited: Duration) {
        headers[Self.backend] = backend
        headers[Self.attempts] = String(attempts)
        headers[Self.overhead] = overhead(received: received, waited: waited).millisecondsText
    }

    /// `x-ferry-overhead-ms`'s value: the request's time since `received` without the `waited` for backends.
    static func overhead(received: ContinuousClock.Instant, waited: Duration) -> Duration {
        max(.zero, (ContinuousClock.now - received) - waited)
    }
}
