/// Tokens used in the last minute, in sixty one-second buckets: adding and summing cost the same whatever the
/// traffic. A bucket is reused when its second comes round again.
///
/// ```swift
/// var window = TokenWindow()
/// window.add(120, second: 1_000)
/// window.sum(second: 1_030)   // 120
/// window.sum(second: 1_060)   // 0: out of the window
/// ```
struct TokenWindow {
    private var seconds = [Int64](repeating: .min, count: 60)
    private var tokens = [Int](repeating: 0, count: 60)

    mutating func add(_ count: Int, second: Int64) {
        let slot = Int(second.remainderReported(dividingBy: 60))
        if seconds[slot] != second {
            seconds[slot] = second
            tokens[slot] = 0
        }
        tokens[slot] += count
    }

    /// Tokens used in the minute up to and including `second`.
    func sum(second: Int64) -> Int {
        var total = 0
        for slot in 0..<60 where seconds[slot] > second - 60 && seconds[slot] <= second { total += tokens[slot] }
        return total
    }

    /// Seconds from `second` until the window's sum drops below `limit` as its oldest buckets leave it (at least 1).
    func secondsUntilBelow(_ limit: Int, second: Int64, remote: Int = 0) -> Int64 {
        var live = (0..<60).filter { seconds[$0] > second - 60 && seconds[$0] <= second }.map { (seconds[$0], tokens[$0]) }
        live.sort { $0.0 < $1.0 }
        var total = live.reduce(remote) { $0 + $1.1 }
        for (bucket, count) in live {
            total -= count
            if total < limit { return max(1, bucket + 60 - second) }
        }
        return 60
    }
}

extension Int64 {
    /// The remainder in 0..<divisor, for negative values too.
    fileprivate func remainderReported(dividingBy divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
