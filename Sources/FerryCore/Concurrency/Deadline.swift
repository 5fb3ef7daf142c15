/// The operation's value, or nil when `deadline` (a wait: a sleep on some clock) ends first — the operation is then
/// cancelled. The one race of an operation against a deadline that the router's clocks and the health probes share.
///
/// ```swift
/// let models = try await firstOrNil({ try await provider.models() }, before: { try await Task.sleep(for: .seconds(10)) })
/// ```
public func firstOrNil<Value: Sendable>(
    _ operation: @escaping @Sendable () async throws -> Value, before deadline: @escaping @Sendable () async throws -> Void
) async throws -> Value? {
    try await withThrowingTaskGroup(of: Value?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await deadline()
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { return nil }
        return first
    }
}
