/// How a managed process that dies is started again: exponential backoff, up to a number of restarts in a row.
public struct RestartPolicy: Sendable, Hashable {
    /// Restarts in a row (without reaching ready in between) before Ferry gives up.
    public var maxRestarts: Int
    public var backoff: Duration
    public var maxBackoff: Duration

    public init(maxRestarts: Int = 5, backoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(30)) {
        self.maxRestarts = maxRestarts
        self.backoff = backoff
        self.maxBackoff = maxBackoff
    }

    /// The wait before restart number `restart` (1-based): backoff, 2 × backoff, 4 × … up to the cap.
    public func delay(beforeRestart restart: Int) -> Duration {
        var delay = backoff
        for _ in 1..<max(1, restart) where delay < maxBackoff { delay *= 2 }
        return min(delay, maxBackoff)
    }
}
