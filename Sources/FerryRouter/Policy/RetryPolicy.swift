import FerryCore

/// How often and how patiently the router tries again: attempts in all (across backends), exponential backoff
/// with full jitter, and the backend's Retry-After honoured up to a cap.
///
/// ```swift
/// let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(2))
/// policy.delay(afterFailure: 2, retryAfter: nil, random: 0.5)  // 0.5 × min(2 s, 100 ms × 2²) = 200 ms
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per request, the first included.
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest Retry-After the router will wait; longer asks move on to another backend instead.
    public var maxRetryAfter: Duration

    public init(maxAttempts: Int = 3, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5), maxRetryAfter: Duration = .seconds(10)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// The wait before the next attempt after `failures` failures (1 for the first): a uniform draw in
    /// 0…min(maxDelay, base × 2^(failures−1)) — full jitter — or the backend's Retry-After when it asks for
    /// longer (capped at `maxRetryAfter`). `random` is a draw in 0..<1.
    public func delay(afterFailure failures: Int, retryAfter: Duration?, random: Double) -> Duration {
        let exponent = min(max(0, failures - 1), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        let jittered = ceiling * max(0, min(1, random))
        guard let retryAfter else { return jittered }
        return max(jittered, min(retryAfter, maxRetryAfter))
    }

    /// Whether `error` is worth another attempt (``FerryCore/FerryError/retry``): connection failures, timeouts
    /// before the first event, 408, 409, 425, 429, 5xx and broken streams on any backend; a refusal of the request
    /// (another 4xx, a 5xx saying the request is unsupported) or a wrong model on another backend only; never the
    /// request's own errors.
    public static func isRetryable(_ error: FerryError) -> Bool {
        error.isRetryable
    }
}
