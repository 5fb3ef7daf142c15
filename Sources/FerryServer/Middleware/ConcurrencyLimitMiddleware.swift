import FerryCore
import Hummingbird

/// Bounds the requests in progress (streams count until their last byte): beyond the limit a request waits up to
/// the queue timeout, then gets 429 with Retry-After in the caller's dialect. Operations endpoints are not
/// limited.
struct ConcurrencyLimitMiddleware: RouterMiddleware {
    typealias Context = GatewayContext

    let limiter: ConcurrencyLimiter
    let queueTimeout: Duration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/v1/") || path.hasPrefix("/api/") else { return try await next(request, context) }
        guard await limiter.acquire(timeout: queueTimeout) else {
            let error = FerryError(
                code: .rateLimited,
                message: "The gateway is at its limit of \(limiter.limit) requests in progress",
                hint: "retry after the time in Retry-After, or raise server.max_concurrent_requests",
                httpStatus: 429, retryAfter: .seconds(1)
            )
            return GatewayDialect(path: path).response(for: error, requestID: "")
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            limiter.release()
            throw error
        }
        // Hold the slot until the body has been written (streams); a whole body keeps its length (Content-Length,
        // not chunks).
        let body = response.body
        let limiter = self.limiter
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                limiter.release()
                throw error
            }
            limiter.release()
        }
        return response
    }
}
