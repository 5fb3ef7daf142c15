import Foundation

/// A key made at run time (`ferry keys create`, `POST /admin/keys`): its name, what it may use, its limits, and a
/// salted hash of its secret — never the secret, which is shown once when the key is made or rotated.
///
/// ```swift
/// let (key, secret) = APIKey.make(name: "search-team", routes: ["default"], limits: KeyLimits(requestsPerMinute: 600))
/// key.accepts(secret)   // true
/// ```
public struct APIKey: Sendable, Hashable, Codable {
    /// 12 lowercase hex digits; also the secret's middle part, so a presented secret names its key.
    public var id: String
    /// Unique among keys; what `ferry usage` and the metrics call the key.
    public var name: String
    /// The routes the key may use; empty: every route.
    public var routes: [String]
    public var limits: KeyLimits
    public var expiresAt: Date?
    public var disabled: Bool
    public var createdAt: Date
    /// Hex of the random salt and of SHA-256(salt ‖ secret).
    public var salt: String
    public var hash: String

    public init(id: String, name: String, routes: [String], limits: KeyLimits, expiresAt: Date?, disabled: Bool, createdAt: Date, salt: String, hash: String) {
        self.id = id
        self.name = name
        self.routes = routes
        self.limits = limits
        self.expiresAt = expiresAt
        self.disabled = disabled
        self.createdAt = createdAt
        self.salt = salt
        self.hash = hash
    }

    /// A new key and its secret (to show once).
    public static func make(name: String, routes: [String] = [], limits: KeyLimits = KeyLimits(), expiresAt: Date? = nil, now: Date = Date()) -> (APIKey, secret: String) {
        let id = KeySecret.newID()
        let secret = KeySecret.newSecret(id: id)
        let salt = KeySecret.newSalt()
        let key = APIKey(id: id, name: name, routes: routes, limits: limits, expiresAt: expiresAt, disabled: false, createdAt: now, salt: salt, hash: KeySecret.hash(secret, salt: salt))
        return (key, secret)
    }

    /// The key with a new secret (the old one stops working); the new secret to show once.
    public func rotated() -> (APIKey, secret: String) {
        var key = self
        let secret = KeySecret.newSecret(id: id)
        key.salt = KeySecret.newSalt()
        key.hash = KeySecret.hash(secret, salt: key.salt)
        return (key, secret)
    }

    /// Whether `secret` is this key's (compared in constant time).
    public func accepts(_ secret: String) -> Bool {
        KeySecret.matches(secret, salt: salt, hash: hash)
    }

    public func isExpired(at now: Date = Date()) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
