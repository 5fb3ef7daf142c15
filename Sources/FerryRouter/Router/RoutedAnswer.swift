import FerryCore

/// An answer together with how the router got it: for the gateway's `x-ferry-backend`, `x-ferry-attempts` and
/// `x-ferry-overhead-ms` headers.
public struct RoutedAnswer<Value: Sendable>: Sendable {
    public var value: Value
    /// The backend that answered.
    public var backend: String
    /// Attempts made, the successful one included.
    public var attempts: Int
    /// Time spent waiting for backends (every attempt, up to the answer or a stream's first event) and between
    /// attempts (backoff): what is not Ferry's own work.
    public var waited: Duration
    /// The errors of the attempts that failed before the one that answered, in order, each naming its backend.
    public var failedAttempts: [FerryError] = []
}
