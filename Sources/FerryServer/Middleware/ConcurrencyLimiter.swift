import Synchronization

/// Admits at most `limit` requests at once; others wait in arrival order for at most their timeout. The inline
/// path takes a slot without waiting (``tryAcquire()``) and leaves waiting to the middleware, so the order holds:
/// a slot is free only when nobody waits.
final class ConcurrencyLimiter: Sendable {
    let limit: Int
    private struct State {
        var active = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID = 0
    }
    private let state = Mutex(State())

    init(limit: Int) { self.limit = max(1, limit) }

    /// Requests being served now, and requests waiting for a slot.
    var load: (active: Int, waiting: Int) { state.withLock { ($0.active, $0.waiters.count) } }

    /// A slot if one is free now.
    func tryAcquire() -> Bool {
        state.withLock { state in
            guard state.active < limit else { return false }
            state.active += 1
            return true
        }
    }

    /// Whether a slot was granted within `timeout`.
    func acquire(timeout: Duration) async -> Bool {
        if tryAcquire() { return true }
        return await withCheckedContinuation { continuation in
            let id: Int? = state.withLock { state in
                guard state.active >= limit else {
                    state.active += 1
                    return nil
                }
                state.nextID += 1
                state.waiters.append((state.nextID, continuation))
                return state.nextID
            }
            guard let id else { return continuation.resume(returning: true) }
            // Registered before the timer starts, so an expiry always finds its waiter (or it was granted).
            Task {
                try? await Task.sleep(for: timeout)
                self.expire(id)
            }
        }
    }

    func release() {
        let next = state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.active -= 1
                return CheckedContinuation<Bool, Never>?.none
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume(returning: true)
    }

    private func expire(_ id: Int) {
        let expired = state.withLock { state in
            state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0).continuation }
        }
        expired?.resume(returning: false)
    }
}
