import FerryCore
import Foundation

/// A key to make, as `ferry keys create` and `POST /admin/keys` take it (`{"name", "routes", "rpm", "tpm",
/// "max_parallel", "expires"}`), checked: bad fields are refused naming the field.
///
/// ```swift
/// let (key, secret) = try NewKey(name: "search-team", rpm: 600, expires: "30d").make()
/// ```
public struct NewKey: Sendable, Hashable, Decodable {
    public var name: String
    public var routes: [String]?
    public var rpm: Int?
    public var tpm: Int?
    public var maxParallel: Int?
    /// A duration from now (`30d`, `12h`) or a date (`2027-01-31`, ISO 8601).
    public var expires: String?

    public init(name: String, routes: [String]? = nil, rpm: Int? = nil, tpm: Int? = nil, maxParallel: Int? = nil, expires: String? = nil) {
        self.name = name
        self.routes = routes
        self.rpm = rpm
        self.tpm = tpm
        self.maxParallel = maxParallel
        self.expires = expires
    }

    enum CodingKeys: String, CodingKey {
        case name, routes, rpm, tpm, expires
        case maxParallel = "max_parallel"
    }

    /// The key and its secret (to show once), or what is wrong.
    public func make(now: Date = Date()) throws(FerryError) -> (APIKey, secret: String) {
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.@".contains($0) }) else {
            throw FerryError.invalidRequest("must be 1 to 64 letters, digits or - _ . @, got \"\(name)\"", field: "name")
        }
        for (field, value) in [("rpm", rpm), ("tpm", tpm), ("max_parallel", maxParallel)] {
            if let value, value < 1 { throw FerryError.invalidRequest("must be at least 1, got \(value)", field: field) }
        }
        let expiresAt = try expires.map { text throws(FerryError) in try Self.date(text, past: false, field: "expires", now: now) }
        return APIKey.make(name: name, routes: routes ?? [], limits: KeyLimits(requestsPerMinute: rpm, tokensPerMinute: tpm, maxParallel: maxParallel), expiresAt: expiresAt, now: now)
    }

    /// A time given as a duration from `now` (`30d`, `12h`; back from now when `past`) or a date (`YYYY-MM-DD`, UTC,
    /// or ISO 8601).
    public static func date(_ text: String, past: Bool, field: String, now: Date = Date()) throws(FerryError) -> Date {
        if text.last?.isLetter == true, let duration = Duration(parsing: text) {
            let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
            return now.addingTimeInterval(past ? -seconds : seconds)
        }
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if let date = day.date(from: text) ?? ISO8601DateFormatter().date(from: text) { return date }
        throw FerryError.invalidRequest("takes a duration (30d, 12h) or a date (2027-01-31), got \"\(text)\"", field: field)
    }
}

/// A key made or rotated, with its secret — the only time it is shown.
public struct KeySecretJSON: Sendable, Encodable {
    public var id: String
    public var name: String
    public var secret: String

    public init(_ key: APIKey, secret: String) {
        id = key.id
        name = key.name
        self.secret = secret
    }
}

/// A key as listed: everything but its secret and its hash.
public struct KeySummaryJSON: Sendable, Encodable {
    public var id: String
    public var name: String
    public var routes: [String]
    public var limits: KeyLimits
    public var expiresAt: Date?
    public var disabled: Bool
    public var createdAt: Date

    public init(_ key: APIKey) {
        id = key.id
        name = key.name
        routes = key.routes
        limits = key.limits
        expiresAt = key.expiresAt
        disabled = key.disabled
        createdAt = key.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, routes, limits, disabled
        case expiresAt = "expires_at"
        case createdAt = "created_at"
    }
}
