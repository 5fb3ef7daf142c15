/// Admits at most `limit` requests at once; others wait in arrival order for at most their timeout.
actor ConcurrencyLimiter {
    let limit: Int
    private var active = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID = 0

    init(limit: Int) { self.limit = max(1, limit) }

    /// Whether a slot was granted within `timeout`.
    func acquire(timeout: Duration) async -> Bool {
        if active < limit {
            active += 1
            return true
        }
        nextID += 1
        let id = nextID
        let timer = Task {
            try await Task.sleep(for: timeout)
            self.expire(id)
        }
        let granted = await withCheckedContinuation { continuation in waiters.append((id, continuation)) }
        timer.cancel()
        return granted
    }

    func release() {
        if waiters.isEmpty {
            active -= 1
        } else {
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }

    private func expire(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}
