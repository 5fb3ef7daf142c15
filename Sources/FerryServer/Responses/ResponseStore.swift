import FerryCache
import FerryCore
import FerryWire
import Foundation
import Logging

/// The Responses API's stored responses (`store: true`, the default): each response with the conversation that led
/// to it, so that `previous_response_id` goes on from there and `GET`/`DELETE /v1/responses/{id}` find it. Kept in
/// a ``FerryCache/CacheStore`` of its own — in memory by default, bounded by bytes, least recently used out first;
/// SQLite (`responses.sqlite` in the data folder) to survive restarts; PostgreSQL (table `ferry_responses`) for
/// instances that share conversations — for `ttl` (30 days, as OpenAI keeps them). A memory store also keeps and
/// finds at once (``keepsAtOnce``), so that the gateway's inline path can serve the Responses API on its event loop.
///
/// ```swift
/// let store = ResponseStore(store: MemoryCacheStore(maxBytes: 64 << 20))
/// await store.keep(StoredResponse(response: response, messages: messages))
/// ```
public final class ResponseStore: Sendable {
    public let store: any CacheStore
    public let ttl: Duration
    let logger: Logger
    private let immediate: (any ImmediateCacheStore)?
    static let route = "responses"

    public init(store: any CacheStore, ttl: Duration = .seconds(30 * 86_400), logger: Logger = Logger(label: "ferry.responses")) {
        self.store = store
        self.ttl = ttl
        self.logger = logger
        immediate = store as? any ImmediateCacheStore
    }

    /// Whether responses are kept and found without waiting (``keepNow(_:)``, ``historyNow(_:)``): a memory store.
    var keepsAtOnce: Bool { immediate != nil }

    /// Keeps a finished response; a store failure is logged (the answer has gone out already).
    func keep(_ stored: StoredResponse) async {
        do {
            try await store.store(try entry(stored))
        } catch {
            failedToKeep(stored, error)
        }
    }

    /// ``keep(_:)`` at once, in a store that ``keepsAtOnce``; does nothing in another.
    func keepNow(_ stored: StoredResponse) {
        do {
            immediate?.storeNow(try entry(stored))
        } catch {
            failedToKeep(stored, error)
        }
    }

    /// The stored response `id`; nil when there is none (never stored, expired, deleted or evicted).
    func find(_ id: String) async throws -> StoredResponse? {
        try Self.decoded(try await store.entry(for: key(id)))
    }

    /// The conversation up to and including the stored response `id`'s answer, found at once; throws ``MustWait``
    /// when the store must be waited for (``find(_:)``), a 404 when it has no such response.
    func historyNow(_ id: String) throws -> [ChatMessage] {
        guard let immediate else { throw MustWait(id: id) }
        guard let stored = try Self.decoded(immediate.entryNow(for: key(id))) else { throw Gateway.noResponse(id, field: "previous_response_id") }
        return stored.messages
    }

    /// ``historyNow(_:)``'s answer when the store is not in memory: ``find(_:)`` the response `id`.
    struct MustWait: Error {
        var id: String
    }

    func remove(_ id: String) async throws -> Bool {
        try await store.remove(key(id))
    }

    private func key(_ id: String) -> CacheKey { CacheKey(digest: id, route: Self.route) }

    private func entry(_ stored: StoredResponse) throws -> CacheEntry {
        CacheEntry(key: key(stored.response.id), payload: .document(try JSONEncoder().encode(stored)), backend: "", ttl: ttl)
    }

    private static func decoded(_ entry: CacheEntry?) throws -> StoredResponse? {
        guard let entry, case .document(let data) = entry.payload else { return nil }
        return try JSONDecoder().decode(StoredResponse.self, from: data)
    }

    private func failedToKeep(_ stored: StoredResponse, _ error: any Error) {
        logger.warning("a response could not be stored; previous_response_id will not find it", metadata: ["response": "\(stored.response.id)", "error": "\(error)"])
    }
}

/// A stored response and the conversation up to and including its answer, in the core form (without the
/// instructions, which are not carried over).
struct StoredResponse: Codable {
    var response: ResponsesResponse
    var messages: [ChatMessage]
}
