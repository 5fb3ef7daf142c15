import FerryAccess
import FerryCore
import Foundation
import HTTPTypes
import Hummingbird

/// Asks every request for a key once any key exists (configured in `server.api_keys`, or made with `ferry keys`):
/// `Authorization: Bearer KEY` (what the OpenAI SDKs send; Ollama clients can send the same header) or `x-api-key`
/// (Anthropic's clients). On the APIs (`/v1/…`, `/api/…`) the key's limits admit the request (``AccessControl``)
/// and its ``AccessPass`` rides in the context — the handlers check the route (403) and note what was used — until
/// the answer's last byte, when its usage is counted. Other paths (`/status`, `/metrics`, `/admin/…`) need a key
/// the gateway accepts, or the admin key; `/health`, `/ready`, `/` and the web page's files (`/web/…`, which hold no secret) stay open. Refusals go back in the
/// caller's dialect; keys are never logged or echoed.
struct AccessMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let access: AccessControl
    let adminKey: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard access.required else { return try await next(request, context) }
        let path = request.uri.path
        if path == "/health" || path == "/ready" || path == "/" || path.hasPrefix(WebPage.prefix) { return try await next(request, context) }
        let presented = Self.presentedKey(authorization: request.headers[.authorization], xAPIKey: request.headers[Self.xAPIKey])
        if let adminKey, presented == adminKey { return try await next(request, context) }
        guard path.hasPrefix("/v1/") || path.hasPrefix("/api/") else {
            if case .failure(let refusal) = access.ring.authenticate(presented) {
                return GatewayDialect(path: path).response(for: refusal.error, requestID: "")
            }
            return try await next(request, context)
        }
        let pass: AccessPass
        switch access.admit(secret: presented) {
        case .success(let admitted): pass = admitted
        case .failure(let refusal): return GatewayDialect(path: path).response(for: refusal.error, requestID: "")
        }
        var context = context
        context.pass = pass
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            pass.end(failed: true)
            throw error
        }
        if response.headers[Gateway.cacheHeader] == "hit" { pass.served(backend: response.headers[GatewayHeaders.backend] ?? "", usage: nil, cacheHit: true) }
        let failed = response.status.code >= 400
        // The pass ends with the body's last byte (a stream's too); a whole body keeps its length.
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                pass.end(failed: true)
                throw error
            }
            pass.end(failed: failed)
        }
        return response
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
