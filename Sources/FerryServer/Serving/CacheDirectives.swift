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
    /// The `Authorization` and `x-api-key` headers, read for the key they present only when API keys are configured.
    var authorization: String?
    var xAPIKey: String?

    /// The API key the request presents.
    var apiKey: String? { AccessMiddleware.presentedKey(authorization: authorization, xAPIKey: xAPIKey) }

    init(cacheControl: String?, ferryCache: String?, authorization: String?, xAPIKey: String?) {
        if let control = cacheControl?.lowercased() {
            skipsCache = control.contains("no-store")
            skipsLookup = control.contains("no-cache")
        } else {
            skipsCache = false
            skipsLookup = false
        }
        if let ferryCache, ferryCache.lowercased() == "bypass" { skipsCache = true }
        self.authorization = authorization
        self.xAPIKey = xAPIKey
    }

    init(_ fields: HTTPFields) {
        self.init(cacheControl: fields[.cacheControl], ferryCache: fields[Gateway.cacheHeader], authorization: fields[.authorization], xAPIKey: fields[AccessMiddleware.xAPIKey])
    }

    init(_ headers: HTTPHeaders) {
        self.init(cacheControl: headers.first(name: "cache-control"), ferryCache: headers.first(name: "x-ferry-cache"), authorization: headers.first(name: "authorization"), xAPIKey: headers.first(name: "x-api-key"))
    }
}
