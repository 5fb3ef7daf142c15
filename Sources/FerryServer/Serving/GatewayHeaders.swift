import FerryCore
import HTTPTypes

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
