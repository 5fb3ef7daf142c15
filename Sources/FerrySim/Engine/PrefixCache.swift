import Synchronization

/// A simulated prefix cache in the style of vLLM's automatic prefix caching: prompts are cut into blocks of
/// `blockSize` tokens, each block keyed by a hash of everything before it; a prompt's cached tokens are its
/// leading blocks already seen. Bounded: when full, it starts over.
public final class PrefixCache: Sendable {
    public let blockSize: Int
    public let capacity: Int
    private let blocks = Mutex<Set<UInt64>>([])

    public init(blockSize: Int = 16, capacity: Int = 100_000) {
        self.blockSize = blockSize
        self.capacity = capacity
    }

    /// Looks up `tokens`, then remembers them; returns how many leading tokens were cached.
    public func lookupAndInsert(_ tokens: [String]) -> Int {
        let keys = Self.blockKeys(tokens, blockSize: blockSize)
        return blocks.withLock { seen in
            var hits = 0
            for key in keys {
                guard seen.contains(key) else { break }
                hits += 1
            }
            if seen.count + keys.count > capacity { seen.removeAll(keepingCapacity: true) }
            seen.formUnion(keys)
            return hits * blockSize
        }
    }

    /// Forgets everything.
    public func reset() { blocks.withLock { $0.removeAll() } }

    static func blockKeys(_ tokens: [String], blockSize: Int) -> [UInt64] {
        var hash = StableHash()
        var keys: [UInt64] = []
        for (index, token) in tokens.enumerated() {
            hash.combine(token)
            if (index + 1) % blockSize == 0 { keys.append(hash.value) }
        }
        return keys
    }
}
