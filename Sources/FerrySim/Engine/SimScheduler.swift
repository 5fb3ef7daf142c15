/// Admits generations to a fixed number of slots (max concurrency, or 1 in serial mode); the rest wait in
/// arrival order. Cancelling a waiting task takes it out of the queue.
public actor SimScheduler {
    public let slots: Int
    private var running = 0
    private var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0
    /// The most requests that ever ran at once.
    public private(set) var peakRunning = 0

    public init(slots: Int) { self.slots = max(1, slots) }

    /// How many requests are generating.
    public var runningCount: Int { running }
    /// How many requests wait for a slot.
    public var waitingCount: Int { waiters.count }

    /// Waits for a slot. Throws `CancellationError` when cancelled while waiting.
    public func acquire() async throws {
        if running < slots {
            take()
            return
        }
        nextID += 1
        let id = nextID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append((id, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    /// Frees a slot and hands it to the longest waiter.
    public func release() {
        running -= 1
        if !waiters.isEmpty {
            let next = waiters.removeFirst()
            take()
            next.continuation.resume()
        }
    }

    private func take() {
        running += 1
        peakRunning = max(peakRunning, running)
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    /// Clears the peak (for tests that measure one phase).
    public func resetPeak() { peakRunning = running }
}
