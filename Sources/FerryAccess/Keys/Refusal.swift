import FerryCore
import Foundation

/// Why a request's key was refused: 401 (no key, an unknown, disabled or expired one), 403 (a route the key may not
/// use, naming those it may), 429 (a limit reached, with the time until the window lets it in again). Never
/// carries a secret.
public enum Refusal: Error, Sendable, Hashable {
    case missingKey
    case unknownKey
    case disabledKey(String)
    case expiredKey(String, Date)
    case routeNotAllowed(key: String, route: String, allowed: [String])
    case tooManyRequests(key: String, limit: Int, retryAfter: Duration)
    case tooManyTokens(key: String, limit: Int, retryAfter: Duration)
    case tooManyParallel(key: String, limit: Int)

    /// What the metrics call it (`ferry_key_refusals_total{reason}`).
    public var reason: String {
        switch self {
        case .missingKey: "missing"
        case .unknownKey: "unknown"
        case .disabledKey: "disabled"
        case .expiredKey: "expired"
        case .routeNotAllowed: "route"
        case .tooManyRequests: "rpm"
        case .tooManyTokens: "tpm"
        case .tooManyParallel: "parallel"
        }
    }

    public var error: FerryError {
        let send = "send `Authorization: Bearer <key>` (or `x-api-key: <key>`) with a key from `ferry keys create` or server.api_keys"
        switch self {
        case .missingKey:
            return FerryError(code: .unauthorized, message: "This gateway needs an API key, and the request has none", hint: send, httpStatus: 401)
        case .unknownKey:
            return FerryError(code: .unauthorized, message: "The API key is not accepted by this gateway", hint: "check the key (a rotated key's old secret stops working); " + send, httpStatus: 401)
        case .disabledKey(let name):
            return FerryError(code: .unauthorized, message: "The API key \"\(name)\" is disabled", hint: "ask the gateway's operator to enable it (`ferry keys enable \(name)`) or use another key", httpStatus: 401)
        case .expiredKey(let name, let date):
            return FerryError(code: .unauthorized, message: "The API key \"\(name)\" expired at \(ISO8601DateFormatter().string(from: date))", hint: "ask the gateway's operator for a new key", httpStatus: 401)
        case .routeNotAllowed(let name, let route, let allowed):
            return FerryError(
                code: .unauthorized, message: "The API key \"\(name)\" may not use the route \"\(route)\"",
                hint: "use one of the routes it may use: \(allowed.sorted().joined(separator: ", "))", httpStatus: 403
            )
        case .tooManyRequests(let name, let limit, let retryAfter):
            return FerryError(
                code: .rateLimited, message: "The API key \"\(name)\" has made its \(limit) requests of the last minute",
                hint: "retry after the time in Retry-After, or ask for a higher limit (--rpm)", httpStatus: 429, retryAfter: retryAfter
            )
        case .tooManyTokens(let name, let limit, let retryAfter):
            return FerryError(
                code: .rateLimited, message: "The API key \"\(name)\" has used its \(limit) tokens of the last minute",
                hint: "retry after the time in Retry-After, or ask for a higher limit (--tpm)", httpStatus: 429, retryAfter: retryAfter
            )
        case .tooManyParallel(let name, let limit):
            return FerryError(
                code: .rateLimited, message: "The API key \"\(name)\" has \(limit) requests in progress, its limit",
                hint: "wait for one to finish, or ask for a higher limit (--max-parallel)", httpStatus: 429, retryAfter: .seconds(1)
            )
        }
    }
}
