extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }

    /// Whole nanoseconds, saturating at `Int64.max` (for NIO's `TimeAmount`, timers and Ollama's durations).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : product &+ attoseconds / 1_000_000_000
    }

    /// Seconds as a floating-point number.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// Whole microseconds, rounded down; 0 for a negative duration (what ``millisecondsText`` shows).
    public var wholeMicroseconds: Int64 {
        let parts = components
        return max(0, parts.seconds * 1_000_000 + parts.attoseconds / 1_000_000_000_000)
    }

    /// Milliseconds with three decimals, "0.412", rounded down to the microsecond (negative durations read 0.000);
    /// integer arithmetic only, for the headers of every proxied answer.
    public var millisecondsText: String {
        let micros = wholeMicroseconds
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
