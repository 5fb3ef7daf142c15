import Foundation

/// A PostgreSQL URL taken apart: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|require]`.
///
/// ```swift
/// let url = try PostgresURL("postgres://ferry:secret@db:5432/ferry")
/// print(url.location)   // db:5432/ferry (never the password)
/// ```
public struct PostgresURL: Sendable, Hashable {
    public enum TLS: String, Sendable, Hashable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String?
    public var tls: TLS

    public init(_ text: String) throws {
        guard let parts = URLComponents(string: text), ["postgres", "postgresql"].contains(parts.scheme ?? ""), let host = parts.host, let user = parts.user else {
            throw FerryError(code: .configuration, message: "`\(Self.redacted(text))` is not a PostgreSQL URL", hint: "write postgres://USER:PASSWORD@HOST:5432/DATABASE")
        }
        self.host = host
        port = parts.port ?? 5432
        self.user = user
        password = parts.password
        database = parts.path.split(separator: "/").first.map(String.init)
        tls = TLS(rawValue: parts.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer") ?? .prefer
    }

    /// Where it connects, without the password (for messages).
    public var location: String { "\(host):\(port)/\(database ?? user)" }

    /// The URL with its password hidden.
    public static func redacted(_ url: String) -> String {
        guard var parts = URLComponents(string: url), parts.password != nil else { return url }
        parts.password = "••••"
        return parts.string ?? url
    }
}
