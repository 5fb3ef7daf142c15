import Histogram

/// Statistics of one latency, in milliseconds: mean, standard deviation, minimum and maximum exact from the
/// samples; percentiles from an HdrHistogram at microsecond resolution (three significant digits).
public struct LatencySummary: Sendable, Hashable, Codable {
    public var count: Int
    public var mean: Double
    /// Population standard deviation (as numpy's `std`, which `vllm bench serve` uses).
    public var std: Double
    public var median: Double
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    public var min: Double
    public var max: Double

    /// Nil without samples.
    public init?(milliseconds samples: [Double]) {
        guard !samples.isEmpty else { return nil }
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        histogram.autoResize = true
        for sample in samples { _ = histogram.record(UInt64(Swift.max(0, (sample * 1000).rounded()))) }
        func percentile(_ value: Double) -> Double { Double(histogram.valueAtPercentile(value)) / 1000 }
        count = samples.count
        mean = samples.reduce(0, +) / Double(samples.count)
        let mean = mean
        std = (samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples.count)).squareRoot()
        p50 = percentile(50)
        median = p50
        p90 = percentile(90)
        p95 = percentile(95)
        p99 = percentile(99)
        min = samples.min() ?? 0
        max = samples.max() ?? 0
    }
}
