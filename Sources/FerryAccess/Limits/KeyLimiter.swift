import Synchronization

/// Every limited key's ``KeyLoad`` under one lock: admitting, finishing and withdrawing are a dictionary probe and a
/// few integer operations. Keys without limits never reach it.
final class KeyLimiter: Sendable {
    private let loads = Mutex<[String: KeyLoad]>([:])

    /// Admits a request of `identity` at `now` (monotonic nanoseconds), or refuses it naming the limit.
    func admit(_ identity: KeyIdentity, now: UInt64) -> Refusal? {
        let verdict = loads.withLock { loads in loads[identity.id, default: KeyLoad()].admit(identity.limits, now: now) }
        switch verdict {
        case .admitted: return nil
        case .parallel: return .tooManyParallel(key: identity.name, limit: identity.limits.maxParallel ?? 0)
        case .requests(let seconds): return .tooManyRequests(key: identity.name, limit: identity.limits.requestsPerMinute ?? 0, retryAfter: .seconds(seconds))
        case .tokens(let seconds): return .tooManyTokens(key: identity.name, limit: identity.limits.tokensPerMinute ?? 0, retryAfter: .seconds(seconds))
        }
    }

    func finish(_ keyID: String, tokens: Int, now: UInt64) {
        loads.withLock { $0[keyID]?.finish(tokens: tokens, now: now) }
    }

    func withdraw(_ keyID: String, admittedAt: UInt64) {
        loads.withLock { $0[keyID]?.withdraw(admittedAt: admittedAt) }
    }

    /// Each key's report for the other replicas; idle keys are let go.
    func report(now: UInt64) -> [String: LoadReport] {
        loads.withLock { loads in
            var reports: [String: LoadReport] = [:]
            for id in Array(loads.keys) {
                guard var load = loads[id] else { continue }
                if let report = load.report() { reports[id] = report }
                loads[id] = load.isIdle(now: now) ? nil : load
            }
            return reports
        }
    }

    /// The other replicas' load, as the shared store summed it; keys it does not name have none.
    func absorb(_ remote: [String: RemoteLoad]) {
        loads.withLock { loads in
            for id in loads.keys where remote[id] == nil { loads[id]?.remote = RemoteLoad() }
            for (id, load) in remote { loads[id, default: KeyLoad()].remote = load }
        }
    }

    /// A key's requests in progress here (for tests and `/admin/keys`).
    func inFlight(_ keyID: String) -> Int {
        loads.withLock { $0[keyID]?.inFlight ?? 0 }
    }
}
