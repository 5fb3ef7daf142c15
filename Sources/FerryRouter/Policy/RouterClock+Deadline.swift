import FerryCore

extension RouterClock {
    /// The operation's value, or nil when `limit` passes first — the operation is then cancelled.
    public func run<Value: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value? {
        try await firstOrNil(operation, before: { try await sleep(for: limit) })
    }
}
