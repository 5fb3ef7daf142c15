import FerryCore
import Foundation
import HTTPTypes
import Hummingbird

/// Asks for one of the configured API keys as `Authorization: Bearer KEY` (what the OpenAI SDKs send; Ollama
/// clients can send the same header). `/health`, `/ready` and `/` stay open for probes. A missing or wrong key gets
/// 401 in the caller's dialect; keys are never logged or echoed.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let keys: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health" || path == "/ready" || path == "/" { return try await next(request, context) }
        let token = Self.presentedKey(authorization: request.headers[.authorization], xAPIKey: request.headers[Self.xAPIKey])
        guard let token, keys.contains(token) else {
            let error = FerryError(
                code: .unauthorized,
                message: token == nil ? "This gateway needs an API key, and the request has none" : "The API key is not accepted by this gateway",
                hint: "send `Authorization: Bearer <key>` (or `x-api-key: <key>`, as Anthropic's clients do) with one of the keys configured in server.api_keys (SERVER_API_KEYS)",
                httpStatus: 401
            )
            return GatewayDialect(path: path).response(for: error, requestID: "")
        }
        return try await next(request, context)
    }

    /// Anthropic's clients send their key as `x-api-key`.
    static let xAPIKey = HTTPField.Name("x-api-key")!

    /// The key a request presents: `Authorization: Bearer KEY`, else `x-api-key: KEY`.
    static func presentedKey(authorization: String?, xAPIKey: String?) -> String? {
        bearerToken(authorization) ?? xAPIKey.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// The key of an `Authorization: Bearer KEY` header.
    static func bearerToken(_ header: String?) -> String? {
        guard let header, header.lowercased().hasPrefix("bearer ") else { return nil }
        return String(header.dropFirst(7)).trimmingSpaces()
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
