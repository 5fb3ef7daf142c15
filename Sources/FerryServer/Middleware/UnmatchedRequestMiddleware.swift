import FerryCore
import HTTPTypes
import Hummingbird

/// The outermost middleware: a request no route answers (an unknown path, or a method the path does not take)
/// and any error Hummingbird itself raises become a JSON error in the caller's dialect (``GatewayDialect``) that
/// names the request and where the endpoints are described — instead of an empty body.
struct UnmatchedRequestMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            let status = error.status.code
            let notFound = status == 404
            let refusal = FerryError(
                code: (400..<500).contains(status) ? .rejected : .upstreamFailure,
                message: notFound
                    ? "Ferry has no endpoint \(request.method.rawValue) \(request.uri.path)"
                    : "The request \(request.method.rawValue) \(request.uri.path) was refused: \(error.body ?? error.status.reasonPhrase)",
                hint: notFound
                    ? "check the method and the path: the endpoints are OpenAI's under /v1, Anthropic's /v1/messages, Ollama's under /api, Ferry's /api/documents, /api/search, /api/query, /admin/* and /health, /ready, /status, /metrics (docs/openapi.yaml)"
                    : "check the request against docs/openapi.yaml",
                httpStatus: status
            )
            return GatewayDialect(path: request.uri.path).response(for: refusal, requestID: GatewayHeaders.newRequestID())
        }
    }
}
