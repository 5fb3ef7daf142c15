import Foundation

/// Time helpers shared by the dialects.
public enum Timestamps {
    /// Seconds since 1970, now.
    public static func nowSeconds() -> Int { Int(Date().timeIntervalSince1970) }

    /// RFC 3339 in UTC with milliseconds (`2026-11-21T23:55:43.123Z`), as Ollama writes `created_at` — on every
    /// answer and every Ollama stream chunk, so by integer arithmetic (days to civil date, H. Hinnant's algorithm)
    /// rather than a new `ISO8601DateFormatter` each time.
    public static func rfc3339(_ date: Date = Date()) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = millis >= 0 ? millis / 86_400_000 : (millis - 86_399_999) / 86_400_000
        let ofDay = millis - days * 86_400_000
        let (year, month, day) = civilDate(days: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(ofDay / 3_600_000, 2) + ":" + pad(ofDay / 60000 % 60, 2) + ":"
            + pad(ofDay / 1000 % 60, 2) + "." + pad(ofDay % 1000, 3) + "Z"
    }

    /// An HTTP `Date` header's value (IMF-fixdate, `Sun, 22 Nov 2026 01:22:56 GMT`) for whole seconds since 1970.
    public static func httpDate(seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let ofDay = seconds - days * 86400
        let (year, month, day) = civilDate(days: days)
        let weekday = Int((days % 7 + 10) % 7)  // 1970-01-01 was a Thursday (3, counting from Monday)
        return weekdays[weekday] + ", " + pad(day, 2) + " " + months[Int(month) - 1] + " " + pad(year, 4) + " "
            + pad(ofDay / 3600, 2) + ":" + pad(ofDay / 60 % 60, 2) + ":" + pad(ofDay % 60, 2) + " GMT"
    }

    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Days since 1970 to the proleptic Gregorian date (H. Hinnant's algorithm).
    static func civilDate(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
