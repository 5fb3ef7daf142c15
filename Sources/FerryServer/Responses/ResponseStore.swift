import FerryCache
import FerryCore
import FerryWire
import Foundation
import Logging

/// The Responses API's stored responses (`store: true`, the default): each response with the conversation that led
/// to it, so that `previous_response_id` goes on from there and `GET`/`DELETE /v1/responses/{id}` find it. Kept in
/// a ``FerryCache/CacheStore`` of its own — in memory by default, bounded by bytes, least recently used out first;
/// SQLite (`responses.sqlite` in the data folder) to survive restarts; PostgreSQL (table `ferry_responses`) for
/// instances that share conversations — for `ttl` (30 days, as OpenAI keeps them).
///
/// ```swift
/// let store = ResponseStore(store: MemoryCacheStore(maxBytes: 64 << 20))
/// await store.keep(StoredResponse(response: response, messages: messages))
/// ```
public final class ResponseStore: Sendable {
    public let store: any CacheStore
    public let ttl: Duration
    let logger: Logger
    static let route = "responses"

    public init(store: any CacheStore, ttl: Duration = .seconds(30 * 86_400), logger: Logger = Logger(label: "ferry.responses")) {
        self.store = store
        self.ttl = ttl
        self.logger = logger
    }

    /// Keeps a finished response; a store failure is logged (the answer has gone out already).
    func keep(_ stored: StoredResponse) async {
        do {
            let key = CacheKey(digest: stored.response.id, route: Self.route)
            try await store.store(CacheEntry(key: key, payload: .document(try JSONEncoder().encode(stored)), backend: "", ttl: ttl))
        } catch {
            logger.warning("a response could not be stored; previous_response_id will not find it", metadata: ["response": "\(stored.response.id)", "error": "\(error)"])
        }
    }

    /// The stored response `id`; nil when there is none (never stored, expired, deleted or evicted).
    func find(_ id: String) async throws -> StoredResponse? {
        guard let entry = try await store.entry(for: CacheKey(digest: id, route: Self.route)), case .document(let data) = entry.payload else { return nil }
        return try JSONDecoder().decode(StoredResponse.self, from: data)
    }

    func remove(_ id: String) async throws -> Bool {
        try await store.remove(CacheKey(digest: id, route: Self.route))
    }
}

/// A stored response and the conversation up to and including its answer, in the core form (without the
/// instructions, which are not carried over).
struct StoredResponse: Codable {
    var response: ResponsesResponse
    var messages: [ChatMessage]
}
