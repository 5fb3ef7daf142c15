/// Concurrent identical misses coalesced: the first caller for a key leads (calls the backend, then ``land(_:_:)``),
/// the others wait for what it lands — its entry, or nil when it failed or its answer could not be cached. A
/// follower whose task is cancelled (its wait timed out, its client left) stops waiting at once, with nil.
actor SingleFlight {
    enum Join {
        case lead
        case followed(CacheEntry?)
    }

    private var waiting: [String: [Int: CheckedContinuation<CacheEntry?, Never>]] = [:]
    private var nextTicket = 0

    func join(_ digest: String) async -> Join {
        guard waiting[digest] != nil else {
            waiting[digest] = [:]
            return .lead
        }
        nextTicket += 1
        let ticket = nextTicket
        let entry = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CacheEntry?, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: nil)
                } else {
                    waiting[digest, default: [:]][ticket] = continuation
                }
            }
        } onCancel: {
            Task { await self.leave(digest, ticket) }
        }
        return .followed(entry)
    }

    /// A follower that stops waiting.
    private func leave(_ digest: String, _ ticket: Int) {
        waiting[digest]?.removeValue(forKey: ticket)?.resume(returning: nil)
    }

    /// The leader is done: every follower gets `entry`.
    func land(_ digest: String, _ entry: CacheEntry?) {
        for follower in (waiting.removeValue(forKey: digest) ?? [:]).values { follower.resume(returning: entry) }
    }

    var inFlight: Int { waiting.count }

    /// How many wait on `digest`'s leader.
    func followers(of digest: String) -> Int { waiting[digest]?.count ?? 0 }
}
