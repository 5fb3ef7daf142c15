import Synchronization

/// What `prefix-affinity` remembers between requests: the backend each conversation last went to (so its next turn
/// meets the cache that holds its history) and the backends that have served each shared prefix (so a new
/// conversation goes where its system prompt is cached). Bounded: beyond `capacity` conversations, or prefixes,
/// the least recently used half is forgotten.
///
/// ```swift
/// let memory = PrefixAffinityMemory()
/// let seen = memory.recall(key)                 // PrefixAffinity(remembered: "vllm-2", holders: ["vllm-2"])
/// memory.remember(key, backend: "vllm-2")
/// ```
public final class PrefixAffinityMemory: Sendable {
    public let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var conversations: [UInt64: Remembered<String>] = [:]
        var prefixes: [UInt64: Remembered<Set<String>>] = [:]
        var tick: UInt64 = 0
    }

    public init(capacity: Int = 65_536) {
        self.capacity = capacity
    }

    /// What is known of `key`: the conversation's last backend, and the shared prefix's holders.
    public func recall(_ key: PrefixKey) -> PrefixAffinity {
        let conversation = RoutingStrategy.hash(key.conversation), shared = RoutingStrategy.hash(key.shared)
        return state.withLock { state in
            PrefixAffinity(remembered: state.conversations[conversation]?.value, holders: state.prefixes[shared]?.value ?? [])
        }
    }

    /// `backend` now holds the conversation and its shared prefix.
    public func remember(_ key: PrefixKey, backend: String) {
        let conversation = RoutingStrategy.hash(key.conversation), shared = RoutingStrategy.hash(key.shared)
        state.withLock { state in
            state.tick += 1
            state.conversations[conversation] = Remembered(value: backend, used: state.tick)
            var holders = state.prefixes[shared]?.value ?? []
            holders.insert(backend)
            state.prefixes[shared] = Remembered(value: holders, used: state.tick)
            if state.conversations.count > capacity { Self.forgetOlderHalf(&state.conversations) }
            if state.prefixes.count > capacity { Self.forgetOlderHalf(&state.prefixes) }
        }
    }

    private struct Remembered<Value> {
        var value: Value
        var used: UInt64
    }

    private static func forgetOlderHalf<Value>(_ entries: inout [UInt64: Remembered<Value>]) {
        let ticks = entries.values.map(\.used).sorted()
        let cut = ticks[ticks.count / 2]
        entries = entries.filter { $0.value.used >= cut }
    }
}

/// What prefix affinity knows of a request's key when it orders backends.
public struct PrefixAffinity: Sendable, Hashable {
    /// The backend the conversation went to last; nil for a new one (or one forgotten).
    public var remembered: String?
    /// The backends that have served the conversation's shared prefix.
    public var holders: Set<String>

    public init(remembered: String? = nil, holders: Set<String> = []) {
        self.remembered = remembered
        self.holders = holders
    }

    public static let unknown = PrefixAffinity()
}
