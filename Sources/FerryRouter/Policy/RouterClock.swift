import FerryCore
import NIOCore
import NIOPosix
import Synchronization

/// Time as the router sees it: injected, so backoff and cooldowns are tested without waiting.
public protocol RouterClock: Sendable {
    /// Time since an arbitrary fixed origin.
    func now() -> Duration
    func sleep(for duration: Duration) async throws
    /// The operation's value, or nil when `limit` passes first — the operation is then cancelled. A default races
    /// the operation against ``sleep(for:)``.
    func run<Value: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value?
}

/// The real clock (monotonic).
public struct SystemRouterClock: RouterClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Duration { ContinuousClock.now - origin }

    public func sleep(for duration: Duration) async throws {
        try await ContinuousClock().sleep(for: duration)
    }

    /// One task for the operation and a timer on an event loop that cancels it: every answer and every stream
    /// event runs under a deadline, and racing a sleeping task (a second task and a dispatch timer each time)
    /// cost a stream more than its JSON.
    public func run<Value: Sendable>(within limit: Duration, _ operation: @escaping @Sendable () async throws -> Value) async throws -> Value? {
        let task = Task { try await operation() }
        let expiry = Expiry()
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(limit.nanoseconds)) {
            expiry.fired.store(true, ordering: .releasing)
            task.cancel()
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            do {
                return try await task.value
            } catch {
                if expiry.fired.load(ordering: .acquiring) { return nil }
                throw error
            }
        } onCancel: {
            task.cancel()
        }
    }

    private final class Expiry: Sendable {
        let fired = Atomic<Bool>(false)
    }
}
