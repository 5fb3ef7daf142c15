import FerryRouter
import Synchronization

/// First attempts the inline path made and handed to the routes: the inline path files one under a token it puts
/// in the request's `x-ferry-prior-attempt` header, the route takes it out, and the router goes on from it. A token
/// nobody took (the request was refused before its route ran) is dropped by the connection that filed it.
final class PriorAttempts: Sendable {
    private let entries = Mutex<(next: UInt64, byToken: [UInt64: PriorAttempt])>((1, [:]))

    func file(_ prior: PriorAttempt) -> UInt64 {
        entries.withLock { entries in
            let token = entries.next
            entries.next &+= 1
            entries.byToken[token] = prior
            return token
        }
    }

    /// The attempt filed under `token`, once.
    func take(_ token: UInt64) -> PriorAttempt? {
        entries.withLock { $0.byToken.removeValue(forKey: token) }
    }

    /// The attempt named by a request's header, once.
    func take(header: String?) -> PriorAttempt? {
        header.flatMap { UInt64($0) }.flatMap { take($0) }
    }
}
