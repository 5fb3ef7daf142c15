import Foundation

extension Duration {
    /// Parses a duration written as `200ms`, `1.5s`, `2m`, `1h`, `30d`, `750us`, `0`, or a plain number of seconds —
    /// the one syntax of the configuration, the command line and FerrySim's faults.
    ///
    /// ```swift
    /// Duration(parsing: "250ms")  // .milliseconds(250)
    /// Duration(parsing: "30")     // .seconds(30)
    /// ```
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 1e-3), ("us", 1e-6), ("µs", 1e-6), ("ns", 1e-9), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400), ("", 1)]
        for (suffix, scale) in units where trimmed.hasSuffix(suffix) {
            guard let value = Double(trimmed.dropLast(suffix.count)), value >= 0, value.isFinite else { return nil }
            self = .nanoseconds(Int64((value * scale * 1e9).rounded()))
            return
        }
        return nil
    }
}
