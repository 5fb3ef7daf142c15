import FerryCore
import Foundation

/// A stored answer.
public struct CacheEntry: Sendable, Hashable, Codable {
    /// What was answered, in Ferry's neutral form (replayed in whichever dialect asks next).
    public enum Payload: Sendable, Hashable, Codable {
        case chat(ChatResponse)
        case completion(CompletionResponse)
        case embedding(EmbeddingResponse)
        /// Another API's answer as its own JSON (`/api/query`).
        case document(Data)
    }

    public var digest: String
    public var route: String
    public var payload: Payload
    /// The backend that answered.
    public var backend: String
    public var storedAt: Date
    public var expiresAt: Date

    public init(key: CacheKey, payload: Payload, backend: String, storedAt: Date = Date(), ttl: Duration) {
        digest = key.digest
        route = key.route
        self.payload = payload
        self.backend = backend
        self.storedAt = storedAt
        expiresAt = storedAt.addingTimeInterval(ttl.seconds)
    }

    /// Whole seconds since it was stored (the `Age` header).
    public func age(at now: Date = Date()) -> Int {
        max(0, Int(now.timeIntervalSince(storedAt)))
    }

    public func isExpired(at now: Date = Date()) -> Bool {
        expiresAt <= now
    }

    /// Its stored form, and the size a store counts.
    func encoded() throws -> Data {
        try JSONEncoder().encode(self)
    }

    static func decoded(_ data: Data) throws -> CacheEntry {
        try JSONDecoder().decode(CacheEntry.self, from: data)
    }
}
