import FerryCore
import Foundation

/// A backend's base URL, normalised once: users write `http://host:8000` and `http://host:8000/v1` (and, by
/// mistake, `…/v1/v1`); every request path is appended to the root, so `/v1/v1/…` is never sent.
///
/// ```swift
/// let endpoint = try BackendEndpoint("http://127.0.0.1:8000/v1/")
/// endpoint.url("/v1/chat/completions")  // http://127.0.0.1:8000/v1/chat/completions
/// ```
public struct BackendEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `scheme://host[:port][/prefix]`, without a trailing API version.
    public let root: String
    /// What the user wrote.
    public let original: String

    /// Normalises `text`; `versionSuffixes` are the trailing path parts to strip (`/v1`, `/v1beta`, `/api`).
    public init(_ text: String, versionSuffixes: [String] = ["/v1"]) throws(FerryError) {
        original = text
        var value = text.trimmingWhitespace()
        guard let schemeEnd = value.range(of: "://"), ["http", "https"].contains(value[..<schemeEnd.lowerBound].lowercased()) else {
            throw FerryError(
                code: .configuration,
                message: "The base URL `\(text)` has no http:// or https:// scheme",
                hint: "write it in full, e.g. http://127.0.0.1:8000 (vLLM) or http://127.0.0.1:11434 (Ollama)"
            )
        }
        guard value[schemeEnd.upperBound...].first.map({ $0 != "/" }) ?? false else {
            throw FerryError(code: .configuration, message: "The base URL `\(text)` has no host", hint: "write it as http://HOST:PORT")
        }
        var stripped = true
        while stripped {
            stripped = false
            while value.hasSuffix("/") { value.removeLast() }
            for suffix in versionSuffixes where value.lowercased().hasSuffix(suffix) {
                value.removeLast(suffix.count)
                stripped = true
            }
        }
        root = value
    }

    /// The full URL of `path` (which starts with `/`).
    public func url(_ path: String) -> String { root + path }

    /// The root without its scheme: `host[:port][/prefix]`.
    private var afterScheme: Substring {
        root.range(of: "://").map { root[$0.upperBound...] } ?? Substring(root)
    }

    /// `host[:port]`, as written.
    public var authority: String { String(afterScheme.prefix { $0 != "/" }) }

    /// The path before every request path (`/proxy` in `http://gpu-box:8000/proxy/v1`), or empty.
    public var pathPrefix: String { String(afterScheme.drop { $0 != "/" }) }

    /// Whether the scheme is `https`.
    public var isHTTPS: Bool { root.lowercased().hasPrefix("https://") }

    /// The host, for messages.
    public var host: String {
        let authority = authority
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }.dropFirst()) }
        return String(authority.prefix { $0 != ":" })
    }

    /// The port, when the URL names one.
    public var port: Int? {
        let authority = authority
        guard let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") else { return nil }
        return Int(authority[authority.index(after: colon)...])
    }

    /// `host:port` (the port the URL names, or its scheme's default), for replica names.
    public var hostAndPort: String {
        port != nil ? authority : authority + (isHTTPS ? ":443" : ":80")
    }

    public var description: String { root }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
