import Foundation

/// Time helpers shared by the dialects.
public enum Timestamps {
    /// Seconds since 1970, now.
    public static func nowSeconds() -> Int { Int(Date().timeIntervalSince1970) }

    /// RFC 3339 in UTC with fractional seconds, as Ollama writes `created_at`.
    public static func rfc3339(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
