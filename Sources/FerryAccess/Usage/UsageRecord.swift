/// What one key did on one route, backend and model in one hour: the unit usage is counted, batched and stored in.
public struct UsageRecord: Sendable, Hashable {
    public struct Key: Sendable, Hashable {
        public var keyID: String
        public var keyName: String
        public var route: String
        public var backend: String
        public var model: String
        /// Hours since 1970 (UTC).
        public var hour: Int64

        public init(keyID: String, keyName: String, route: String, backend: String, model: String, hour: Int64) {
            self.keyID = keyID
            self.keyName = keyName
            self.route = route
            self.backend = backend
            self.model = model
            self.hour = hour
        }
    }

    public struct Counts: Sendable, Hashable {
        public var requests = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var errors = 0
        public var cacheHits = 0

        public init(requests: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0, errors: Int = 0, cacheHits: Int = 0) {
            self.requests = requests
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.errors = errors
            self.cacheHits = cacheHits
        }

        public static func += (lhs: inout Counts, rhs: Counts) {
            lhs.requests += rhs.requests
            lhs.promptTokens += rhs.promptTokens
            lhs.completionTokens += rhs.completionTokens
            lhs.errors += rhs.errors
            lhs.cacheHits += rhs.cacheHits
        }
    }

    public var key: Key
    public var counts: Counts

    public init(key: Key, counts: Counts) {
        self.key = key
        self.counts = counts
    }
}
