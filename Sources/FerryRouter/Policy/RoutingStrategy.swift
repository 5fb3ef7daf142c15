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
    /// Rendezvous hash of the conversation prefix (every message but the last), so equal prefixes meet the same
    /// replica's prefix cache; spills to the least loaded replica when the chosen one is much busier.
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
    /// `prefixKey` identifies the conversation prefix (prefix affinity).
    public func order(_ backends: [BackendLoad], counter: Int, prefixKey: String, spillMargin: Int = 4) -> [Int] {
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
            var ranked = indices.sorted { lhs, rhs in
                (Self.score(prefixKey, backends[lhs].name), lhs) > (Self.score(prefixKey, backends[rhs].name), rhs)
            }
            let least = backends.map(\.inFlight).min() ?? 0
            if backends[ranked[0]].inFlight > least + spillMargin,
               let lightest = ranked.firstIndex(where: { backends[$0].inFlight == least }) {
                ranked.insert(ranked.remove(at: lightest), at: 0)
            }
            return ranked
        }
    }

    /// The order of the strategies that need nothing of the backends but their number: the configured order
    /// (fallback), or it rotated by `counter` (round-robin).
    public func order(count: Int, counter: Int) -> [Int] {
        guard self == .roundRobin, count > 1 else { return Array(0..<count) }
        let start = counter % count
        return Array(start..<count) + Array(0..<start)
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

    /// The key of a conversation's prefix: every message but the last, whole (not only the first).
    public static func prefixKey(of request: ChatRequest) -> String {
        var key = ""
        for message in request.messages.dropLast() {
            key += message.role.rawValue
            key += "\u{1F}"
            key += message.text
            for call in message.toolCalls { key += call.name + call.arguments }
            key += "\u{1E}"
        }
        if key.isEmpty, let only = request.messages.first { key = only.text }
        return key
    }
}
