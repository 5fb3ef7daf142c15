import FerryCache
import HTTPTypes
import NIOHTTP1

/// What a request's headers ask of the response cache: `Cache-Control: no-store` (neither look up nor keep),
/// `Cache-Control: no-cache` (skip the lookup, keep the answer), `x-ferry-cache: bypass` (as no-store), and the
/// bearer token whose tenant the entries belong to when API keys are configured. Read the same way from the
/// routes' `HTTPFields` and the inline path's NIO headers.
///
/// ```swift
/// let directives = CacheDirectives(request.headers)
/// if directives.skipsCache { /* answer from the backend, keep nothing */ }
/// ```
struct CacheDirectives {
    /// `no-store` or `x-ferry-cache: bypass`.
    var skipsCache: Bool
    /// `no-cache`: answer from the backend, then keep the answer.
    var skipsLookup: Bool
    /// The `Authorization` header, read for its bearer token only when API keys are configured.
    var authorization: String?

    /// The `Authorization` header's bearer token.
    var bearer: String? { APIKeyMiddleware.bearerToken(authorization) }

    init(cacheControl: String?, ferryCache: String?, authorization: String?) {
        if let control = cacheControl?.lowercased() {
            skipsCache = control.contains("no-store")
            skipsLookup = control.contains("no-cache")
        } else {
            skipsCache = false
            skipsLookup = false
        }
        if let ferryCache, ferryCache.lowercased() == "bypass" { skipsCache = true }
        self.authorization = authorization
    }

    init(_ fields: HTTPFields) {
        self.init(cacheControl: fields[.cacheControl], ferryCache: fields[Gateway.cacheHeader], authorization: fields[.authorization])
    }

    init(_ headers: HTTPHeaders) {
        self.init(cacheControl: headers.first(name: "cache-control"), ferryCache: headers.first(name: "x-ferry-cache"), authorization: headers.first(name: "authorization"))
    }
}
