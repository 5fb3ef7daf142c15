import Hummingbird

/// Asks every API request for the configured key, the way `vllm serve --api-key` does: a missing or wrong key is
/// a 401 in the dialect's error shape. Health, version and `/_sim` routes stay open, as vLLM's `/health` does.
struct SimAPIKeyMiddleware: RouterMiddleware {
    typealias Context = SimRequestContext

    let key: String
    let dialect: SimDialect

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let open = path.hasPrefix("/_sim") || path == "/health" || path == "/api/version" || path == "/version"
        guard open || presented(request) == key else {
            throw SimHTTPError(.unauthorized, dialect == .gemini ? "API key not valid. Please pass a valid API key." : dialect == .anthropic ? "invalid x-api-key" : "Unauthorized", dialect: dialect)
        }
        return try await next(request, context)
    }

    private func presented(_ request: Request) -> String? {
        if let google = request.headers[.init("x-goog-api-key")!] { return google }
        if let anthropic = request.headers[.init("x-api-key")!] { return anthropic }
        guard let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") else { return nil }
        return String(authorization.dropFirst(7))
    }
}
