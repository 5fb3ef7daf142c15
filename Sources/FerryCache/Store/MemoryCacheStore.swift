import FerryCore
import Foundation
import Synchronization

/// Cached answers in this process's memory, bounded by bytes: the least recently used go first. Lookups are a
/// dictionary probe under a lock, with no encoding: the entry is kept as it is.
///
/// ```swift
/// let store = MemoryCacheStore(maxBytes: 256 << 20)
/// ```
public final class MemoryCacheStore: ImmediateCacheStore {
    public var kind: String { "memory" }
    public let maxBytes: Int

    /// A doubly linked list threaded through the dictionary, most recently used at the head.
    private struct Node {
        var entry: CacheEntry
        var size: Int
        var newer: String?
        var older: String?
    }

    private struct State {
        var nodes: [String: Node] = [:]
        var newest: String?
        var oldest: String?
        var bytes = 0
        var evictions = 0

        mutating func unlink(_ key: String) {
            guard let node = nodes[key] else { return }
            if let newer = node.newer { nodes[newer]?.older = node.older } else { newest = node.older }
            if let older = node.older { nodes[older]?.newer = node.newer } else { oldest = node.newer }
        }

        mutating func pushNewest(_ key: String) {
            nodes[key]?.newer = nil
            nodes[key]?.older = newest
            if let newest { nodes[newest]?.newer = key }
            newest = key
            if oldest == nil { oldest = key }
        }

        mutating func remove(_ key: String) {
            guard let node = nodes[key] else { return }
            unlink(key)
            nodes[key] = nil
            bytes -= node.size
        }
    }

    private let state = Mutex(State())

    public init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    public func entry(for key: CacheKey) async throws -> CacheEntry? {
        entryNow(for: key)
    }

    public func entryNow(for key: CacheKey) -> CacheEntry? {
        state.withLock { state in
            guard let node = state.nodes[key.digest] else { return nil }
            if node.entry.isExpired() {
                state.remove(key.digest)
                state.evictions += 1
                return nil
            }
            state.unlink(key.digest)
            state.pushNewest(key.digest)
            return node.entry
        }
    }

    public func store(_ entry: CacheEntry) async throws {
        storeNow(entry)
    }

    public func storeNow(_ entry: CacheEntry) {
        let size = Self.size(of: entry)
        guard size <= maxBytes else { return }
        state.withLock { state in
            state.remove(entry.digest)
            state.nodes[entry.digest] = Node(entry: entry, size: size)
            state.pushNewest(entry.digest)
            state.bytes += size
            while state.bytes > maxBytes, let oldest = state.oldest {
                state.remove(oldest)
                state.evictions += 1
            }
        }
    }

    public func remove(_ key: CacheKey) async throws -> Bool {
        state.withLock { state in
            guard state.nodes[key.digest] != nil else { return false }
            state.remove(key.digest)
            return true
        }
    }

    public func removeAll(route: String?) async throws -> Int {
        state.withLock { state in
            let doomed = state.nodes.filter { route == nil || $0.value.entry.route == route }.map(\.key)
            for key in doomed { state.remove(key) }
            return doomed.count
        }
    }

    public func statistics() async throws -> CacheStatistics {
        state.withLock { CacheStatistics(entries: $0.nodes.count, bytes: $0.bytes, evictions: $0.evictions) }
    }

    /// An entry's size as counted against the bound: its text and vectors, plus a fixed overhead.
    static func size(of entry: CacheEntry) -> Int {
        let overhead = 256 + entry.digest.utf8.count + entry.route.utf8.count + entry.backend.utf8.count
        switch entry.payload {
        case .chat(let response):
            return overhead + response.message.text.utf8.count + response.message.toolCalls.reduce(0) { $0 + $1.name.utf8.count + $1.arguments.utf8.count + 64 }
        case .completion(let response):
            return overhead + response.text.utf8.count
        case .embedding(let response):
            return overhead + response.embeddings.reduce(0) { $0 + $1.count * 4 }
        case .document(let data):
            return overhead + data.count
        }
    }
}
