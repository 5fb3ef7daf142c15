import FerryCore
@testable import FerryCache
import Foundation
import MetricsTestKit
import PostgresNIO
import Testing

@Suite("Cache keys and policies")
struct CacheKeyTests {
    static let request = ChatRequest(model: "qwen", messages: [.system("Be brief."), .user("What is the capital of France?")], sampling: SamplingParameters(temperature: 0))

    @Test("the stream flag, usage reporting and the end user do not change the key; the route, the tenant and what shapes the answer do")
    func keys() throws {
        let base = try CacheKey.chat(Self.request, route: "default", tenant: nil)
        var streamed = Self.request
        streamed.includeUsage = true
        streamed.user = "someone"
        streamed.model = "alias-of-default"
        #expect(try CacheKey.chat(streamed, route: "default", tenant: nil) == base)
        #expect(try CacheKey.chat(Self.request, route: "other", tenant: nil) != base)
        #expect(try CacheKey.chat(Self.request, route: "default", tenant: CacheKey.tenant(apiKey: "k1")) != base)
        var warmer = Self.request
        warmer.sampling.temperature = 0.7
        #expect(try CacheKey.chat(warmer, route: "default", tenant: nil) != base)
        var stopped = Self.request
        stopped.sampling.stop = ["."]
        #expect(try CacheKey.chat(stopped, route: "default", tenant: nil) != base)
        var tooled = Self.request
        tooled.tools = [ToolDefinition(name: "get_weather", description: "Weather", parameters: .object([:]))]
        #expect(try CacheKey.chat(tooled, route: "default", tenant: nil) != base)
        #expect(base.digest.count == 64 && CacheKey.tenant(apiKey: "k1") != CacheKey.tenant(apiKey: "k2"))
    }

    @Test("every field that shapes an answer changes the key, each in its own way")
    func everyField() throws {
        let weather = ToolDefinition(name: "get_weather", description: "Weather", parameters: .object(["type": .string("object")]))
        var base = Self.request
        base.messages.append(.assistant("", toolCalls: [ToolCall(id: "c1", name: "get_weather", arguments: "{}")]))
        base.messages.append(.tool(callID: "c1", name: "get_weather", content: "sunny"))
        let changes: [(String, (inout ChatRequest) -> Void)] = [
            ("text", { $0.messages[1] = .user("What is the capital of Egypt?") }),
            ("role", { $0.messages[0].role = .user }),
            ("a split text", { $0.messages[1].content = [.text("What is the capital "), .text("of France?")] }),
            ("an image", { $0.messages[1].content.append(.image(ImageSource(url: "https://example.com/a.png"))) }),
            ("an image's detail", { $0.messages[1].content.append(.image(ImageSource(url: "https://example.com/a.png", detail: "low"))) }),
            ("a tool call's arguments", { $0.messages[2].toolCalls[0].arguments = "{\"city\":\"Oslo\"}" }),
            ("a tool call's id", { $0.messages[2].toolCalls[0].id = "c2" }),
            ("a tool result's call id", { $0.messages[3].toolCallID = "c2" }),
            ("a name", { $0.messages[3].name = "other" }),
            ("tools", { $0.tools = [weather] }),
            ("tool choice", { $0.toolChoice = .required }),
            ("a named tool choice", { $0.toolChoice = .function("get_weather") }),
            ("temperature", { $0.sampling.temperature = 0.7 }),
            ("top_p", { $0.sampling.topP = 0.9 }),
            ("top_k", { $0.sampling.topK = 40 }),
            ("max_tokens", { $0.sampling.maxTokens = 16 }),
            ("stop", { $0.sampling.stop = ["."] }),
            ("two stops", { $0.sampling.stop = [".", "!"] }),
            ("seed", { $0.sampling.seed = 7 }),
            ("presence penalty", { $0.sampling.presencePenalty = 0.5 }),
            ("frequency penalty", { $0.sampling.frequencyPenalty = 0.5 }),
            ("JSON mode", { $0.responseFormat = .jsonObject }),
            ("a schema", { $0.responseFormat = .jsonSchema(name: "answer", schema: .object(["type": .string("object")]), strict: true) }),
        ]
        var digests = [try CacheKey.chat(base, route: "default", tenant: nil).digest: "the base"]
        for (name, change) in changes {
            var changed = base
            change(&changed)
            let digest = try CacheKey.chat(changed, route: "default", tenant: nil).digest
            #expect(digests[digest] == nil, "\(name) gives the key of \(digests[digest] ?? "")")
            digests[digest] = name
        }
        // A dictionary's order (random in each process) never changes the key.
        let schema: JSONValue = .object(Dictionary(uniqueKeysWithValues: (0..<32).map { ("field\($0)", JSONValue.string("\($0)")) }))
        var one = base, other = base
        one.tools = [ToolDefinition(name: "f", description: "", parameters: schema)]
        other.tools = [ToolDefinition(name: "f", description: "", parameters: .object(Dictionary(uniqueKeysWithValues: (0..<32).reversed().map { ("field\($0)", JSONValue.string("\($0)")) })))]
        #expect(try CacheKey.chat(one, route: "default", tenant: nil) == CacheKey.chat(other, route: "default", tenant: nil))
    }

    @Test("the key's canonical form names every stored field of a chat request")
    func everyFieldIsNamed() {
        let message = ChatMessage.assistant("", toolCalls: [ToolCall(id: "c", name: "n", arguments: "{}")])
        let instances: [String: Any] = [
            "ChatRequest": Self.request, "ChatMessage": message, "ImageSource": ImageSource(url: "u"),
            "ToolCall": ToolCall(id: "c", name: "n", arguments: "{}"), "SamplingParameters": SamplingParameters(),
        ]
        for (type, instance) in instances {
            let stored = Set(Mirror(reflecting: instance).children.compactMap(\.label))
            #expect(stored == CacheKey.chatFields[type], "\(type) has \(stored.sorted()); a new field must be written by CacheKey.canonical (or left out there on purpose) and named in CacheKey.chatFields")
        }
    }

    @Test("only deterministic requests are admitted unless the route caches everything; only complete answers are kept")
    func policies() {
        let policy = CachePolicy()
        #expect(policy.admits(SamplingParameters(temperature: 0)) && policy.admits(SamplingParameters(seed: 7)))
        #expect(!policy.admits(SamplingParameters()) && !policy.admits(SamplingParameters(temperature: 0.8)))
        #expect(CachePolicy(cacheAll: true).admits(SamplingParameters(temperature: 0.8)) && !CachePolicy(enabled: false).admits(SamplingParameters(temperature: 0)))
        #expect(CachePolicy.keeps(.stop) && CachePolicy.keeps(.length) && CachePolicy.keeps(.toolCalls))
        #expect(!CachePolicy.keeps(nil) && !CachePolicy.keeps(.contentFilter) && !CachePolicy.keeps(.other("error")))
        let settings = CacheSettings(policy: policy, routes: ["faq": CachePolicy(ttl: .seconds(60), cacheAll: true)])
        #expect(settings.policy(for: "faq").cacheAll && !settings.policy(for: "default").cacheAll)
    }
}

/// An answer of `size` characters under `text`'s key.
func entry(_ text: String, route: String = "default", size: Int = 100, ttl: Duration = .seconds(60), storedAt: Date = Date()) throws -> (CacheKey, CacheEntry) {
    let key = try CacheKey.other("test", text, route: route, tenant: nil)
    let answer = ChatResponse(id: "id-\(text)", model: "m", created: 0, message: .assistant(String(repeating: "x", count: size)), finishReason: .stop, usage: nil)
    return (key, CacheEntry(key: key, payload: .chat(answer), backend: "sim", storedAt: storedAt, ttl: ttl))
}

/// The stores the shared tests run on: memory and SQLite always, PostgreSQL with FERRY_TEST_POSTGRES_URL.
enum CacheStoreKind: String, CaseIterable, Sendable {
    case memory, sqlite, postgres

    static var available: [CacheStoreKind] {
        ProcessInfo.processInfo.environment["FERRY_TEST_POSTGRES_URL"].map { $0.isEmpty ? [.memory, .sqlite] : allCases } ?? [.memory, .sqlite]
    }

    func make(maxBytes: Int) async throws -> any CacheStore {
        switch self {
        case .memory:
            return MemoryCacheStore(maxBytes: maxBytes)
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-cache-\(UUID().uuidString)")
            return try SQLiteCacheStore(path: folder.appendingPathComponent("cache.sqlite").path, maxBytes: maxBytes)
        case .postgres:
            let url = try PostgresURL(ProcessInfo.processInfo.environment["FERRY_TEST_POSTGRES_URL"]!)
            let tls: PostgresClient.Configuration.TLS = url.tls == .disable ? .disable : .prefer(.makeClientConfiguration())
            let store = try await PostgresCacheStore(configuration: PostgresClient.Configuration(host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: tls), location: url.location, maxBytes: maxBytes)
            _ = try await store.removeAll(route: nil)
            return store
        }
    }
}

@Suite("Cache stores", .serialized)
struct CacheStoreTests {
    @Test("an answer is found by its key until it expires; a route's entries, or one by its key, can be removed", arguments: CacheStoreKind.available)
    func findExpireRemove(_ kind: CacheStoreKind) async throws {
        let store = try await kind.make(maxBytes: 1 << 20)
        let (key, stored) = try entry("a")
        try await store.store(stored)
        #expect(try await store.entry(for: key) == stored)
        let (otherKey, other) = try entry("b", route: "faq")
        try await store.store(other)
        let (oldKey, old) = try entry("c", ttl: .seconds(1), storedAt: Date().addingTimeInterval(-5))
        try await store.store(old)
        #expect(try await store.entry(for: oldKey) == nil, "an expired answer is not found")
        #expect(try await store.removeAll(route: "faq") == 1)
        let removed = try await store.entry(for: otherKey), kept = try await store.entry(for: key)
        #expect(removed == nil && kept != nil)
        #expect(try await store.statistics().entries == 1)
        let first = try await store.remove(key), second = try await store.remove(key)
        #expect(first && !second, "one entry removed by its key, once")
        #expect(try await store.entry(for: key) == nil)
        (store as? PostgresCacheStore)?.shutdown()
    }

    @Test("the size bound evicts the least recently used (memory) or the oldest (SQLite, PostgreSQL)", arguments: CacheStoreKind.available)
    func bounded(_ kind: CacheStoreKind) async throws {
        let size = kind == .memory ? MemoryCacheStore.size(of: try entry("0", size: 1000).1) : try entry("0", size: 1000).1.encoded().count
        let store = try await kind.make(maxBytes: size * 3 + size / 2)
        var keys: [CacheKey] = []
        for index in 0..<3 {
            let (key, stored) = try entry("\(index)", size: 1000, storedAt: Date().addingTimeInterval(Double(index)))
            keys.append(key)
            try await store.store(stored)
        }
        if kind == .memory { _ = try await store.entry(for: keys[0]) }   // now the most recently used
        let (lastKey, last) = try entry("3", size: 1000, storedAt: Date().addingTimeInterval(3))
        try await store.store(last)
        if let sqlite = store as? SQLiteCacheStore { try await sqlite.sweep() }
        if let postgres = store as? PostgresCacheStore { try await postgres.sweep() }
        let evicted = kind == .memory ? keys[1] : keys[0]
        #expect(try await store.entry(for: evicted) == nil, "the \(kind == .memory ? "least recently used" : "oldest") is evicted")
        #expect(try await store.entry(for: lastKey) != nil)
        let statistics = try await store.statistics()
        #expect(statistics.entries == 3 && statistics.evictions == 1 && statistics.bytes <= size * 3 + size / 2)
        (store as? PostgresCacheStore)?.shutdown()
    }
}

/// A store that always fails.
struct BrokenStore: CacheStore {
    var kind: String { "broken" }
    func entry(for key: CacheKey) async throws -> CacheEntry? { throw FerryError(code: .connectionFailed, message: "down", hint: "") }
    func store(_ entry: CacheEntry) async throws { throw FerryError(code: .connectionFailed, message: "down", hint: "") }
    func remove(_ key: CacheKey) async throws -> Bool { false }
    func removeAll(route: String?) async throws -> Int { 0 }
    func statistics() async throws -> CacheStatistics { throw FerryError(code: .connectionFailed, message: "down", hint: "") }
}

@Suite("Response cache")
struct ResponseCacheTests {
    @Test("a store that fails is a miss, counted and never thrown")
    func brokenStore() async throws {
        let metrics = TestMetrics()
        let cache = ResponseCache(store: BrokenStore(), metrics: metrics)
        let (key, stored) = try entry("a")
        #expect(await cache.lookup(key) == nil)
        await cache.keep(stored)
        #expect(try metrics.expectCounter("ferry_cache_store_errors_total").totalValue == 2)
        let snapshot = await cache.snapshot()
        #expect(snapshot.store == "broken" && snapshot.entries == nil)
    }

    @Test("identical misses coalesce: one leads, the others get what it lands")
    func singleFlight() async throws {
        let cache = ResponseCache(store: MemoryCacheStore(maxBytes: 1 << 20))
        let (key, stored) = try entry("a")
        guard case .lead = await cache.join(key) else { Issue.record("the first leads"); return }
        async let first = cache.join(key)
        async let second = cache.join(key)
        while await cache.flights.followers(of: key.digest) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        await cache.land(key, stored)
        for joined in await [first, second] {
            guard case .followed(let entry) = joined else { Issue.record("the others follow"); continue }
            #expect(entry == stored)
        }
        guard case .lead = await cache.join(key) else { Issue.record("after landing, the next leads again"); return }
        await cache.land(key, nil)

        let impatient = ResponseCache(store: MemoryCacheStore(maxBytes: 1 << 20), settings: CacheSettings(flightTimeout: .milliseconds(50)))
        guard case .lead = await impatient.join(key) else { Issue.record("leads"); return }
        guard case .followed(nil) = await impatient.join(key) else { Issue.record("a follower gives up after the flight timeout"); return }
        await impatient.land(key, nil)
    }
}

@Suite("Semantic cache")
struct SemanticCacheTests {
    @Test("a close vector under the same context finds the answer; another context or a far vector does not")
    func nearest() {
        let index = SemanticIndex(maxPerContext: 2)
        index.add(context: "c1", vector: [1, 0, 0], digest: "paris")
        index.add(context: "c1", vector: [0, 1, 0], digest: "cairo")
        #expect(index.nearest(context: "c1", vector: [0.99, 0.05, 0], threshold: 0.95)?.digest == "paris")
        #expect(index.nearest(context: "c1", vector: [0.7, 0.7, 0], threshold: 0.95) == nil)
        #expect(index.nearest(context: "c2", vector: [1, 0, 0], threshold: 0.95) == nil)
        index.add(context: "c1", vector: [0, 0, 1], digest: "rabat")
        #expect(index.nearest(context: "c1", vector: [1, 0, 0], threshold: 0.95) == nil, "the oldest goes beyond the bound")
    }

    @Test("only single questions have a semantic context; it leaves the question out and keeps the system prompt")
    func contexts() throws {
        let single = ChatRequest(model: "m", messages: [.system("Be brief."), .user("Capital of France?")])
        let context = try #require(try CacheKey.semanticContext(single, route: "default", tenant: nil))
        #expect(context.question == "Capital of France?")
        var paraphrased = single
        paraphrased.messages[1] = .user("what's france's capital")
        #expect(try CacheKey.semanticContext(paraphrased, route: "default", tenant: nil)?.context == context.context)
        var french = single
        french.messages[0] = .system("Answer in French.")
        #expect(try CacheKey.semanticContext(french, route: "default", tenant: nil)?.context != context.context)
        let conversation = ChatRequest(model: "m", messages: [.user("Hi"), .assistant("Hello"), .user("Capital of France?")])
        #expect(try CacheKey.semanticContext(conversation, route: "default", tenant: nil) == nil)
    }
}
