import Foundation

/// What `ferry usage` and `GET /admin/usage` ask for: one key or all, since when, and how rows are grouped (by key
/// always; then by route, model or day).
///
/// ```swift
/// let rows = try await store.usage(UsageQuery(key: "search-team", since: Date() - 86_400, by: .day))
/// ```
public struct UsageQuery: Sendable, Hashable {
    public enum Grouping: String, Sendable, Hashable, CaseIterable {
        case route, model, day
    }

    public var key: String?
    public var since: Date?
    public var by: Grouping?

    public init(key: String? = nil, since: Date? = nil, by: Grouping? = nil) {
        self.key = key
        self.since = since
        self.by = by
    }

    /// The first hour counted.
    var sinceHour: Int64 { since.map { Int64(($0.timeIntervalSince1970 / 3600).rounded(.down)) } ?? 0 }
}

/// One row of usage: a key (by name) and, when grouped, its route, model or day (`YYYY-MM-DD`, UTC).
public struct UsageRow: Sendable, Hashable, Codable {
    public var key: String
    public var route: String?
    public var model: String?
    public var day: String?
    public var requests: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var errors: Int
    public var cacheHits: Int

    enum CodingKeys: String, CodingKey {
        case key, route, model, day, requests, errors
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case cacheHits = "cache_hits"
    }

    /// Rows of `records` as `query` groups them, sorted by key then group.
    public static func grouped(_ records: [UsageRecord], by grouping: UsageQuery.Grouping?) -> [UsageRow] {
        var rows: [String: UsageRow] = [:]
        for record in records {
            let group: String? = switch grouping {
            case .route: record.key.route
            case .model: record.key.model
            case .day: Self.day(hour: record.key.hour)
            case nil: nil
            }
            let id = record.key.keyName + "\u{0}" + (group ?? "")
            var row = rows[id] ?? UsageRow(
                key: record.key.keyName, route: grouping == .route ? group : nil, model: grouping == .model ? group : nil, day: grouping == .day ? group : nil,
                requests: 0, promptTokens: 0, completionTokens: 0, errors: 0, cacheHits: 0
            )
            row.requests += record.counts.requests
            row.promptTokens += record.counts.promptTokens
            row.completionTokens += record.counts.completionTokens
            row.errors += record.counts.errors
            row.cacheHits += record.counts.cacheHits
            rows[id] = row
        }
        return rows.values.sorted { ($0.key, $0.route ?? $0.model ?? $0.day ?? "") < ($1.key, $1.route ?? $1.model ?? $1.day ?? "") }
    }

    static func day(hour: Int64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(hour) * 3600)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }
}
