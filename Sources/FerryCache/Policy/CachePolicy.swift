import FerryCore

/// Whether and how long a route's answers are cached.
///
/// ```yaml
/// cache:
///   store: memory
///   ttl: 1h
///   routes:
///     creative: {enabled: false}
///     faq: {ttl: 24h, cache_all: true, semantic: 0.95}
/// ```
public struct CachePolicy: Sendable, Hashable {
    public var enabled: Bool
    public var ttl: Duration
    /// Cache every answer, whatever its sampling; by default only deterministic requests are (temperature 0, or a
    /// seed), since anything else is expected to vary.
    public var cacheAll: Bool
    /// The semantic cache's threshold (cosine similarity of the question's embedding to a stored one's), for
    /// single-question requests only; nil: exact matches only (the default).
    public var semantic: Double?

    public init(enabled: Bool = true, ttl: Duration = .seconds(3600), cacheAll: Bool = false, semantic: Double? = nil) {
        self.enabled = enabled
        self.ttl = ttl
        self.cacheAll = cacheAll
        self.semantic = semantic
    }

    /// Whether a request with `sampling` may be answered from the cache.
    public func admits(_ sampling: SamplingParameters) -> Bool {
        enabled && (cacheAll || sampling.temperature == 0 || sampling.seed != nil)
    }

    /// Whether an answer that ended so may be kept: a complete answer (stop, length, tool calls), never an error,
    /// a filtered or an unknown ending.
    public static func keeps(_ reason: FinishReason?) -> Bool {
        switch reason {
        case .stop?, .length?, .toolCalls?: true
        default: false
        }
    }
}
