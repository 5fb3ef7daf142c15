import FerryCore

/// How a route orders its backends for one request. The router then tries them in that order, skipping open
/// circuits.
public enum RoutingStrategy: String, Sendable, Hashable, CaseIterable, Codable {
    /// The configured order: the first healthy backend, the next when it fails.
    case fallback
    /// Each request starts one further along.
    case roundRobin = "round-robin"
    /// Fewest requests in flight first.
    case leastOutstanding = "least-outstanding"
    /// Lowest recent time to first token (EWMA) first; backends never measured go first, to be measured.
    case latency
    /// Every turn of a conversation to the replica whose prefix cache holds its history, a new conversation to a
    /// replica that holds its system prompt — within a load bound of 1.5 × the mean requests in flight
    /// (`prefix_load_factor`), so that a hot prompt spreads instead of piling on one replica.
    case prefixAffinity = "prefix-affinity"
}

/// What the ordering needs to know of each backend.
public struct BackendLoad: Sendable, Hashable {
    public var name: String
    public var inFlight: Int
    /// EWMA of time to first token, when measured.
    public var ttft: Duration?

    public init(name: String, inFlight: Int = 0, ttft: Duration? = nil) {
        self.name = name
        self.inFlight = inFlight
        self.ttft = ttft
    }
}

extension RoutingStrategy {
    /// The order (indices into `backends`) to try for a request; `counter` numbers requests (round-robin),
    /// `prefixKey` names the shared prefix and the conversation (prefix affinity).
    public func order(
        _ backends: [BackendLoad], counter: Int, prefixKey: PrefixKey, affinity: PrefixAffinity = .unknown, loadFactor: Double? = Self.defaultLoadFactor
    ) -> [Int] {
        let indices = Array(backends.indices)
        guard backends.count > 1 else { return indices }
        switch self {
        case .fallback, .roundRobin:
            return order(count: backends.count, counter: counter)
        case .leastOutstanding:
            return indices.sorted { (backends[$0].inFlight, $0) < (backends[$1].inFlight, $1) }
        case .latency:
            return indices.sorted { lhs, rhs in
                switch (backends[lhs].ttft, backends[rhs].ttft) {
                case (nil, nil): lhs < rhs
                case (nil, _): true
                case (_, nil): false
                case (let a?, let b?): (a, lhs) < (b, rhs)
                }
            }
        case .prefixAffinity:
            return prefixAffinityOrder(backends, prefixKey: prefixKey, affinity: affinity, loadFactor: loadFactor)
        }
    }

    /// Prefix affinity's order: a conversation goes on where it went last — where its history is cached — unless
    /// that backend is beyond the load bound; a new (or moved) conversation goes to a backend within the bound that
    /// already holds its shared prefix (its system prompt), the least loaded of them, else to the least loaded
    /// backend, ties broken by the prefix's rendezvous hash. The bound: `loadFactor` × the mean requests in flight
    /// (with this one), and never less than one above the least loaded backend, so that at low load conversations
    /// stay where their caches are; nil: unbounded.
    func prefixAffinityOrder(_ backends: [BackendLoad], prefixKey: PrefixKey, affinity: PrefixAffinity, loadFactor: Double?) -> [Int] {
        let least = backends.map(\.inFlight).min() ?? 0
        let capacity: Int
        if let loadFactor {
            let total = backends.reduce(0) { $0 + $1.inFlight }
            capacity = max(Int((loadFactor * Double(total + 1) / Double(backends.count)).rounded(.up)), least + 2)
        } else {
            capacity = .max
        }
        let within = { (index: Int) in backends[index].inFlight < capacity }
        // The rest: least loaded first; holders of the prefix before others; then the prefix's rendezvous order.
        var ranked = Array(backends.indices).sorted { lhs, rhs in
            let left = (backends[lhs].inFlight, affinity.holders.contains(backends[lhs].name) ? 0 : 1)
            let right = (backends[rhs].inFlight, affinity.holders.contains(backends[rhs].name) ? 0 : 1)
            if left != right { return left < right }
            return (Self.score(prefixKey.shared, backends[lhs].name), lhs) > (Self.score(prefixKey.shared, backends[rhs].name), rhs)
        }
        let first: Int? = if let remembered = affinity.remembered, let index = backends.firstIndex(where: { $0.name == remembered }), within(index) {
            index
        } else {
            // The first of the best in `ranked`'s order (min keeps the first of equals).
            ranked.filter(within).min { lhs, rhs in
                (affinity.holders.contains(backends[lhs].name) ? 0 : 1, backends[lhs].inFlight)
                    < (affinity.holders.contains(backends[rhs].name) ? 0 : 1, backends[rhs].inFlight)
            }
        }
        if let first, let position = ranked.firstIndex(of: first) { ranked.insert(ranked.remove(at: position), at: 0) }
        return ranked
    }

    /// `prefix-affinity`'s load bound by default: 1.5 × the mean requests in flight (Benchmarks/prefix-routing).
    public static let defaultLoadFactor: Double? = 1.5

    /// The order of the strategies that need nothing of the backends but their number: the configured order
    /// (fallback), or it rotated by `counter` (round-robin).
    public func order(count: Int, counter: Int) -> [Int] {
        guard self == .roundRobin, count > 1 else { return Array(0..<count) }
        let start = counter % count
        return Array(start..<count) + Array(0..<start)
    }

    /// A 64-bit hash of a key (FNV-1a, mixed), for remembering keys without their text.
    static func hash(_ key: String) -> UInt64 {
        score(key, "")
    }

    /// The rendezvous (highest random weight) score of a backend for a key.
    static func score(_ key: String, _ backend: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01b3
        for byte in backend.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        // Final mix so that similar names spread.
        hash ^= hash >> 33
        hash = hash &* 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }
}
