import FerryCore
import Foundation
import Synchronization

/// One admitted request's hold on its key: what the gateway learns as it serves it (the route, the backend that
/// answered, token usage, a cache hit, a failure) and, once, its end — which frees its parallel slot, adds its
/// tokens to the key's window and counts its usage. Or it is withdrawn (the inline path handed the request to the
/// routes, which admit it again) and counts nothing.
///
/// ```swift
/// let pass = try access.admit(secret: presented).get()
/// try pass.authorize(route: "default")       // 403 when the key may not use it
/// pass.served(backend: "vllm", usage: usage)
/// pass.end(failed: false)
/// ```
public final class AccessPass: Sendable {
    public let identity: KeyIdentity
    private let control: AccessControl
    private let admittedAt: UInt64
    private let limited: Bool
    private let note = Mutex(Note())

    struct Note {
        var route = ""
        var backend = ""
        var model = ""
        var usage: Usage?
        var promptBytes = 0
        var answerBytes = 0
        var cacheHit = false
        var over = false
    }

    init(identity: KeyIdentity, control: AccessControl, admittedAt: UInt64, limited: Bool) {
        self.identity = identity
        self.control = control
        self.admittedAt = admittedAt
        self.limited = limited
    }

    /// Checks that the key may use `route` (a 403 refusal naming the routes it may use) and notes it.
    public func authorize(route: String) throws(Refusal) {
        guard identity.mayUse(route: route) else {
            control.refused(.routeNotAllowed(key: identity.name, route: route, allowed: Array(identity.routes ?? [])))
            throw .routeNotAllowed(key: identity.name, route: route, allowed: Array(identity.routes ?? []))
        }
        note.withLock { $0.route = route }
    }

    /// Notes the request's model (as the client named it) and the size of its prompt, for a token estimate when the
    /// backend reports no usage.
    public func asked(model: String, promptBytes: Int) {
        note.withLock {
            $0.model = model
            $0.promptBytes = promptBytes
        }
    }

    /// Notes who answered and the usage it reported (nil: counted from the text's size at the end).
    public func served(backend: String, usage: Usage?, answerBytes: Int = 0, cacheHit: Bool = false) {
        note.withLock {
            $0.backend = backend
            if let usage { $0.usage = usage }
            $0.answerBytes += answerBytes
            $0.cacheHit = $0.cacheHit || cacheHit
        }
    }

    /// The request is over: its usage counted, its slot freed, its tokens in the key's window. Once; later calls do
    /// nothing.
    public func end(failed: Bool) {
        let taken: Note? = note.withLock { note in
            guard !note.over else { return nil }
            note.over = true
            return note
        }
        guard let taken else { return }
        // A cache hit used no backend tokens; an answer without reported usage is estimated from its size.
        let usage = taken.usage.map { taken.cacheHit ? Usage(promptTokens: 0, completionTokens: 0) : $0 }
            ?? (taken.cacheHit ? Usage(promptTokens: 0, completionTokens: 0) : Usage(promptTokens: Self.estimate(bytes: taken.promptBytes), completionTokens: Self.estimate(bytes: taken.answerBytes)))
        control.ended(self, note: taken, usage: usage, failed: failed)
        if limited { control.limiter.finish(identity.id, tokens: usage.promptTokens + usage.completionTokens, now: AccessControl.monotonicNow()) }
    }

    /// Takes the admission back, counting nothing (the request goes to another path, which admits it again).
    public func withdraw() {
        let first = note.withLock { note in
            defer { note.over = true }
            return !note.over
        }
        if first, limited { control.limiter.withdraw(identity.id, admittedAt: admittedAt) }
    }

    /// About four bytes of text to a token: the count when a backend reports none.
    static func estimate(bytes: Int) -> Int {
        (bytes + 3) / 4
    }
}
