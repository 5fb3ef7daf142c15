import FerryCore
import Foundation

/// A backend's recent activity: attempts, failures and times to first token in fixed time buckets over the last few
/// minutes (a ring, allocated once), from which `/status` reports the error rate and TTFT p50/p95 of the window and
/// of each bucket. Times to first token are kept as counts in logarithmic bins (four a doubling, from 1 ms to about
/// 65 s), so a percentile is within 9 % of the true one and recording one is a few integer additions.
///
/// ```swift
/// var activity = BackendActivity()
/// activity.recordAttempt(failed: false, now: .seconds(12))
/// activity.recordTTFT(.milliseconds(140), now: .seconds(12))
/// let summary = activity.summary(now: .seconds(15))   // 1 request, 0 errors, p50 ≈ 140 ms
/// ```
struct BackendActivity: Sendable {
    static let binsPerDoubling = 4.0
    static let binCount = 64

    let bucketSeconds: Int64
    let bucketCount: Int
    /// The bucket number (time / bucketSeconds) each slot holds now; -1: never used.
    private var epochs: [Int64]
    private var requests: [Int32]
    private var errors: [Int32]
    /// `bucketCount × binCount` counts.
    private var bins: [UInt32]

    init(bucketSeconds: Int = 10, buckets: Int = 30) {
        precondition(bucketSeconds > 0 && buckets > 0)
        self.bucketSeconds = Int64(bucketSeconds)
        bucketCount = buckets
        epochs = Array(repeating: -1, count: buckets)
        requests = Array(repeating: 0, count: buckets)
        errors = Array(repeating: 0, count: buckets)
        bins = Array(repeating: 0, count: buckets * Self.binCount)
    }

    /// An attempt ended; `failed`: it counts against the backend (not the client's own fault, nor a cancellation).
    mutating func recordAttempt(failed: Bool, now: Duration) {
        let slot = slot(now)
        requests[slot] &+= 1
        if failed { errors[slot] &+= 1 }
    }

    mutating func recordTTFT(_ ttft: Duration, now: Duration) {
        let slot = slot(now)
        bins[slot * Self.binCount + Self.bin(milliseconds: ttft.seconds * 1000)] &+= 1
    }

    /// The window's totals and its buckets, oldest first, the last being the bucket `now` falls in.
    func summary(now: Duration) -> RouterStatus.Activity {
        let current = epoch(now)
        var series: [RouterStatus.Activity.Bucket] = []
        series.reserveCapacity(bucketCount)
        var total = [UInt32](repeating: 0, count: Self.binCount)
        var totalRequests = 0, totalErrors = 0
        for epoch in (current - Int64(bucketCount) + 1)...current {
            let slot = Int(epoch.modulo(Int64(bucketCount)))
            guard epoch >= 0, epochs[slot] == epoch else {
                series.append(RouterStatus.Activity.Bucket(requests: 0, errors: 0))
                continue
            }
            let counts = bins[(slot * Self.binCount)..<((slot + 1) * Self.binCount)]
            for (index, count) in counts.enumerated() { total[index] += count }
            totalRequests += Int(requests[slot])
            totalErrors += Int(errors[slot])
            series.append(RouterStatus.Activity.Bucket(
                requests: Int(requests[slot]), errors: Int(errors[slot]),
                ttftP50Milliseconds: Self.percentile(0.5, of: counts), ttftP95Milliseconds: Self.percentile(0.95, of: counts)
            ))
        }
        return RouterStatus.Activity(
            bucketSeconds: Int(bucketSeconds), requests: totalRequests, errors: totalErrors,
            errorRate: totalRequests == 0 ? nil : Double(totalErrors) / Double(totalRequests),
            ttftP50Milliseconds: Self.percentile(0.5, of: total[...]), ttftP95Milliseconds: Self.percentile(0.95, of: total[...]),
            series: series
        )
    }

    /// The slot of `now`'s bucket, emptied first when it last held an older bucket.
    private mutating func slot(_ now: Duration) -> Int {
        let epoch = epoch(now)
        let slot = Int(epoch.modulo(Int64(bucketCount)))
        if epochs[slot] != epoch {
            epochs[slot] = epoch
            requests[slot] = 0
            errors[slot] = 0
            for index in (slot * Self.binCount)..<((slot + 1) * Self.binCount) { bins[index] = 0 }
        }
        return slot
    }

    private func epoch(_ now: Duration) -> Int64 { max(0, now.components.seconds) / bucketSeconds }

    /// The bin of a time: 0 below 1 ms, then four a doubling, the last one open-ended.
    static func bin(milliseconds: Double) -> Int {
        guard milliseconds > 1 else { return 0 }
        return min(binCount - 1, Int((log2(milliseconds) * binsPerDoubling).rounded(.down)) + 1)
    }

    /// A bin's representative time: the geometric middle of its bounds.
    static func milliseconds(ofBin bin: Int) -> Double {
        guard bin > 0 else { return 1 }
        return pow(2, (Double(bin) - 0.5) / binsPerDoubling)
    }

    /// The `fraction` percentile of the counted times, in milliseconds; nil when there are none.
    static func percentile(_ fraction: Double, of counts: ArraySlice<UInt32>) -> Double? {
        let total = counts.reduce(0) { $0 + Int($1) }
        guard total > 0 else { return nil }
        let rank = max(1, Int((fraction * Double(total)).rounded(.up)))
        var seen = 0
        for (offset, count) in counts.enumerated() {
            seen += Int(count)
            if seen >= rank { return (milliseconds(ofBin: offset) * 10).rounded() / 10 }
        }
        return nil
    }
}

extension Int64 {
    /// The remainder that is never negative.
    fileprivate func modulo(_ divisor: Int64) -> Int64 {
        let remainder = self % divisor
        return remainder < 0 ? remainder + divisor : remainder
    }
}
