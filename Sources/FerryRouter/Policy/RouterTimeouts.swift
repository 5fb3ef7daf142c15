/// The router's deadlines, each configurable. Connect time is the HTTP client's (`ProviderHTTPClient`).
public struct RouterTimeouts: Sendable, Hashable {
    /// From sending to the first event: long by default, because vLLM's first inference can take 30+ seconds.
    public var firstEvent: Duration
    /// Between two events of a stream.
    public var idle: Duration
    /// For the whole request, every attempt and wait included.
    public var total: Duration

    public init(firstEvent: Duration = .seconds(60), idle: Duration = .seconds(30), total: Duration = .seconds(600)) {
        self.firstEvent = firstEvent
        self.idle = idle
        self.total = total
    }
}
