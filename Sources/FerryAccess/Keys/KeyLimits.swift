/// What one key may use per minute and at once; nil: no bound.
///
/// ```swift
/// let limits = KeyLimits(requestsPerMinute: 600, tokensPerMinute: 100_000, maxParallel: 8)
/// ```
public struct KeyLimits: Sendable, Hashable, Codable {
    public var requestsPerMinute: Int?
    public var tokensPerMinute: Int?
    public var maxParallel: Int?

    public init(requestsPerMinute: Int? = nil, tokensPerMinute: Int? = nil, maxParallel: Int? = nil) {
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.maxParallel = maxParallel
    }

    public var isEmpty: Bool { requestsPerMinute == nil && tokensPerMinute == nil && maxParallel == nil }

    enum CodingKeys: String, CodingKey {
        case requestsPerMinute = "rpm"
        case tokensPerMinute = "tpm"
        case maxParallel = "max_parallel"
    }
}
