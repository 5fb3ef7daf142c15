import FerryCache
import FerryAgent
import FerryCore
import FerryLaunch
import FerryRAG
import FerryRouter
import Foundation

/// Builds a ``FerryConfiguration`` from, highest first: command-line overrides, environment variables, a YAML or
/// JSON file, defaults.
///
/// The file declares `backends:` and `routes:` (see `ferry.example.yaml`); any of its keys can be overridden by an
/// environment variable (`routes.default.strategy` ↔ `ROUTES_DEFAULT_STRATEGY`). Without routes in a file, the
/// environment names users already have build one route named `default`: `LLM_PROVIDER`, `USE_VLLM`,
/// `VLLM_BASE_URL`/`VLLM_HOST`, `VLLM_MODEL`, `VLLM_TEMPERATURE`, `VLLM_MAX_TOKENS`, `VLLM_TIMEOUT`,
/// `OLLAMA_BASE_URL`/`OLLAMA_HOST`, `OLLAMA_MODEL`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENROUTER_API_KEY`,
/// `GEMINI_API_KEY`. Every error names the key, where its value came from, and the accepted values.
public enum ConfigurationLoader {
    public static func load(
        file path: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: [String: String] = [:],
        backend commandLine: FerryConfiguration.Backend? = nil
    ) async throws(FerryError) -> FerryConfiguration {
        let file = try path.map { path throws(FerryError) in try ConfigurationFile(path: path) }
        let values = ConfigurationValues(file: file, environment: environment, overrides: overrides)
        var provenance: [(String, String, String)] = []
        func note(_ key: String, _ value: String?) {
            guard let value else { return }
            provenance.append((key, key.hasSuffix("api_key") ? "••••" : value, values.source(of: key)))
        }

        var backends: [FerryConfiguration.Backend] = []
        var routes: [FerryConfiguration.RouteSpec] = []
        // A backend given on the command line (`ferry chat --backend vllm --url …`) replaces the file's and the
        // environment's, behind one route named `default`; every other setting is read as usual.
        if let commandLine {
            for url in commandLine.urls { try checkURL(url, key: "--url", values: values) }
            backends = [commandLine]
            routes = [try route(name: "default", key: "routes.default", backends: [commandLine.name], aliases: commandLine.model.map { [$0] } ?? [], values: values)]
            provenance.append(("backends.\(commandLine.name).provider", commandLine.provider.rawValue, "the command line"))
            if let url = commandLine.url { provenance.append(("backends.\(commandLine.name).url", url, "the command line")) }
            if let model = commandLine.model { provenance.append(("backends.\(commandLine.name).model", model, "the command line")) }
        }
        for name in commandLine == nil ? file?.names(under: "backends") ?? [] : [] {
            try validateName(name, kind: "backend", file: file)
            let key = "backends.\(name)"
            let presetProvider = values.string("\(key).launch.preset").flatMap { FerryConfiguration.ProviderKind(launchPreset: $0, dialect: values.string("\(key).launch.dialect")) }
            guard let provider = try values.choice("\(key).provider", providerKinds) ?? presetProvider else {
                throw FerryError(code: .configuration, message: "Backend `\(name)` has no `provider` (\(file?.place(of: key) ?? "file"))", hint: "set \(key).provider to one of \(providerKinds.keys.sorted().joined(separator: ", "))")
            }
            let urls = values.list("\(key).url")
            var backend = FerryConfiguration.Backend(
                name: name, provider: provider, urls: urls, model: values.string("\(key).model"),
                apiKey: values.string("\(key).api_key"), defaults: SamplingParameters()
            )
            for api in values.list("\(key).passthrough") {
                guard let known = NativeRequest.API(rawValue: api.lowercased()) else {
                    throw values.invalid("\(key).passthrough", api, accepted: "messages (Anthropic's /v1/messages: vLLM, Ollama, llama.cpp), responses (/v1/responses: vLLM, Ollama)")
                }
                backend.passthrough.insert(known)
            }
            if let mode = values.string("\(key).tools") {
                guard let known = FerryConfiguration.ToolCalling(rawValue: mode.lowercased()) else {
                    throw values.invalid("\(key).tools", mode, accepted: "native (the backend's own tool calling), prompted (tools in the prompt, for models whose template has none)")
                }
                backend.toolCalling = known
            }
            backend.defaults.temperature = try values.double("\(key).temperature", in: 0...2)
            backend.defaults.maxTokens = try values.int("\(key).max_tokens", in: 1...1_000_000)
            for url in urls { try checkURL(url, key: "\(key).url", values: values, allowDNS: true) }
            backend.launch = try LaunchConfiguration.spec(backend: name, model: backend.model, key: "\(key).launch", values: values, file: file)
            if backend.launch != nil, !urls.isEmpty {
                throw FerryError(code: .configuration, message: "Backend `\(name)` has both `url` and `launch` (\(file?.place(of: "\(key).url") ?? "file"))", hint: "remove `url`: Ferry runs the server of a launched backend and chooses its port (set launch.port for a fixed one)")
            }
            for field in ["provider", "url", "model", "api_key", "temperature", "max_tokens", "tools"] { note("\(key).\(field)", values.string("\(key).\(field)")) }
            note("\(key).passthrough", values.strings("\(key).passthrough")?.joined(separator: ", ") ?? values.string("\(key).passthrough"))
            backends.append(backend)
        }
        for name in commandLine == nil ? file?.names(under: "routes") ?? [] : [] {
            try validateName(name, kind: "route", file: file)
            let key = "routes.\(name)"
            let members = values.strings("\(key).backends") ?? []
            guard !members.isEmpty else {
                throw FerryError(code: .configuration, message: "Route `\(name)` lists no backends (\(file?.place(of: key) ?? "file"))", hint: "set \(key).backends to a list of backend names, e.g. [vllm, ollama]")
            }
            for member in members where !backends.contains(where: { $0.name == member }) {
                throw FerryError(
                    code: .configuration,
                    message: "Route `\(name)` names backend `\(member)`, which is not defined (\(values.source(of: "\(key).backends")))",
                    hint: backends.isEmpty ? "define it under `backends:`" : "use one of the defined backends: \(backends.map(\.name).joined(separator: ", "))"
                )
            }
            var spec = try route(name: name, key: key, backends: members, aliases: values.strings("\(key).aliases") ?? [], values: values)
            spec.rag = try ragRoute(key: key, values: values)
            spec.cache = try cachePolicy(key: "\(key).cache", values: values, base: nil)
            routes.append(spec)
            for field in ["backends", "strategy", "aliases", "rag.collection", "rag.mode"] { note("\(key).\(field)", values.strings("\(key).\(field)")?.joined(separator: ", ") ?? values.string("\(key).\(field)")) }
        }
        if routes.isEmpty {
            let legacy = try LegacyEnvironment.route(values: values, existing: backends)
            backends.append(contentsOf: legacy.backends)
            if let spec = legacy.route { routes.append(spec) }
            provenance.append(contentsOf: legacy.provenance)
        }
        if routes.isEmpty {
            // Nothing configured: Ferry's embedded engine (installed on first use) answers.
            let engine = LaunchConfiguration.embeddedEngineBackend()
            backends.append(engine)
            routes.append(try route(name: "default", key: "routes.default", backends: [engine.name], aliases: [EmbeddedEngine.modelName], values: values))
            provenance.append(("backends.local", "Ferry's embedded engine (\(EmbeddedEngine.modelName))", "the default: no backend is configured"))
        }
        let host = values.string("server.host") ?? "127.0.0.1"
        let port = try values.int("server.port", in: 0...65535) ?? 8080
        note("server.host", host)
        note("server.port", String(port))
        let threshold = try values.int("circuit.threshold", in: 1...1000) ?? 3
        let cooldown = try values.duration("circuit.cooldown") ?? .seconds(10)
        let apiKeys = values.list("server.api_keys")
        if !apiKeys.isEmpty { provenance.append(("server.api_keys", "•••• (\(apiKeys.count))", values.source(of: "server.api_keys"))) }
        let corsOrigins = values.list("server.cors_origins")
        if corsOrigins.count > 1, !corsOrigins.contains("*") {
            throw values.invalid("server.cors_origins", corsOrigins.joined(separator: ", "), accepted: "one origin (e.g. https://app.example.com) or *")
        }
        let inlineChat = try values.bool("gateway.inline_chat") ?? true
        note("gateway.inline_chat", String(inlineChat))
        let web = try values.bool("gateway.web") ?? true
        note("gateway.web", String(web))
        let rag = try ragSettings(values: values, environment: environment, routes: routes)
        note("rag.embedding.route", values.string("rag.embedding.route"))
        if rag.postgresURL != nil { provenance.append(("rag.postgres.url", rag.storeDescription, values.source(of: "rag.postgres.url"))) }
        let cache = try cacheConfiguration(values: values, rag: rag, routes: routes)
        if let cache { provenance.append(("cache.store", cache.storeDescription, values.source(of: "cache.store"))) }
        let adminKey = values.string("server.admin_key").flatMap { $0.isEmpty ? nil : $0 }
        if adminKey != nil { provenance.append(("server.admin_key", "••••", values.source(of: "server.admin_key"))) }
        var responses = ResponsesConfiguration(sqlitePath: rag.dataDirectory.appendingPathComponent("responses.sqlite").path)
        let responseStores = Dictionary(uniqueKeysWithValues: ResponsesConfiguration.Store.allCases.map { ($0.rawValue, $0) })
        let sharedStore = try Self.sharedStore(values)
        if let store = try values.choice("responses.store", responseStores) ?? (sharedStore == nil ? nil : .postgres) { responses.store = store }
        note("responses.store", values.string("responses.store"))
        if let ttl = try values.duration("responses.ttl") { responses.ttl = ttl }
        if let megabytes = try values.int("responses.max_mb", in: 1...1_048_576) { responses.maxBytes = megabytes << 20 }
        if responses.store == .postgres {
            guard let url = values.string("responses.postgres.url") ?? values.string("cache.postgres.url") ?? rag.postgresURL, url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw values.invalid("responses.postgres.url", values.string("responses.postgres.url") ?? "", accepted: "postgres://USER:PASSWORD@HOST:5432/DATABASE (responses.store is postgres; cache.postgres.url or rag.postgres.url is used when set)")
            }
            responses.postgresURL = url
        }
        var configuration = FerryConfiguration(
            backends: backends, routes: routes, host: host, port: port,
            apiKeys: apiKeys,
            maxConcurrentRequests: try values.int("server.max_concurrent_requests", in: 1...1_000_000) ?? 512,
            queueTimeout: try values.duration("server.queue_timeout") ?? .seconds(10),
            corsOrigins: corsOrigins,
            inlineChat: inlineChat,
            healthInterval: try values.duration("health.interval") ?? .seconds(10),
            warmUp: try values.bool("health.warm_up") ?? false,
            circuitBreaker: CircuitBreaker(threshold: threshold, cooldown: cooldown),
            connectTimeout: try values.duration("http.connect_timeout") ?? .seconds(5),
            maxConnectionsPerHost: try values.int("http.max_connections_per_host", in: 1...100_000) ?? 1024,
            dnsRefreshInterval: try values.duration("dns.refresh_interval") ?? .seconds(30),
            rag: rag,
            cache: cache,
            adminKey: adminKey,
            provenance: provenance.map { (key: $0.0, value: $0.1, source: $0.2) }
        )
        configuration.responses = responses
        configuration.keys = try Self.keysConfiguration(values: values, rag: rag)
        configuration.mcpServers = try Self.mcpServers(file: file, values: values)
        configuration.idleTimeout = try values.duration("http.idle_timeout") ?? .seconds(60)
        configuration.fileValues = file?.comparableValues ?? [:]
        configuration.reloadInterval = try values.duration("server.reload_interval") ?? configuration.reloadInterval
        configuration.clientIdleTimeout = try durationOrOff("server.idle_timeout", values: values, default: configuration.clientIdleTimeout)
        configuration.clientBodyTimeout = try durationOrOff("server.body_timeout", values: values, default: configuration.clientBodyTimeout)
        configuration.clientBodyMinRate = try values.int("server.body_min_rate", in: 1...1_000_000_000) ?? configuration.clientBodyMinRate
        configuration.web = web
        configuration.maxConnections =
            values.string("server.max_connections") == "off" ? nil : try values.int("server.max_connections", in: 1...1_000_000) ?? configuration.maxConnections
        note("keys.store", values.string("keys.store").map { _ in configuration.keys.storeDescription })
        return configuration
    }

    /// `mcp.servers`, in the shape other MCP hosts use: `command`, `args`, `env`, or `url`, `headers`.
    static func mcpServers(file: ConfigurationFile?, values: ConfigurationValues) throws(FerryError) -> [MCPServerSpec] {
        guard let file else { return [] }
        return try file.names(under: "mcp.servers").map { name throws(FerryError) in
            let key = "mcp.servers.\(name)"
            func map(_ under: String) -> [String: String] {
                Dictionary(uniqueKeysWithValues: file.names(under: "\(key).\(under)").compactMap { entry in values.string("\(key).\(under).\(entry)").map { (entry, $0) } })
            }
            if let command = values.string("\(key).command") {
                return MCPServerSpec(name: name, transport: .command(command, arguments: values.list("\(key).args"), environment: map("env")))
            }
            if let url = values.string("\(key).url") {
                try checkURL(url, key: "\(key).url", values: values, allowDNS: false)
                return MCPServerSpec(name: name, transport: .url(url, headers: map("headers")))
            }
            throw FerryError(
                code: .configuration, message: "The MCP server `\(name)` has neither `command` nor `url` (\(file.place(of: key)))",
                hint: "give `command` (with `args` and `env`) for a server on stdio, or `url` (with `headers`) for Streamable HTTP"
            )
        }
    }

    /// A duration that may be `off` (nil); `fallback` when the key is not set.
    private static func durationOrOff(_ key: String, values: ConfigurationValues, default fallback: Duration?) throws(FerryError) -> Duration? {
        if values.string(key) == "off" { return nil }
        return try values.duration(key) ?? fallback
    }

    static func ragSettings(values: ConfigurationValues, environment: [String: String], routes: [FerryConfiguration.RouteSpec]) throws(FerryError) -> RAGSettings {
        var settings = RAGSettings(dataDirectory: FerryDataDirectory.resolve(environment: environment))
        let threads = try values.int("rag.embedding.threads", in: 1...256)
        switch values.string("rag.embedding.route") {
        case nil, "": settings.embedding = .embedded(threads: threads)
        case "none": settings.embedding = .none
        case let route?:
            guard routes.contains(where: { $0.name == route || $0.aliases.contains(route) }) else {
                throw values.invalid("rag.embedding.route", route, accepted: "a route name (\(routes.map(\.name).joined(separator: ", "))), or none for lexical search only; leave it unset for the embedded model")
            }
            let roles = try values.choice("rag.embedding.roles", Dictionary(uniqueKeysWithValues: RAGSettings.Roles.allCases.map { ($0.rawValue, $0) })) ?? .none
            settings.embedding = .route(route, roles: roles)
        }
        settings.chunkTokens = try values.int("rag.chunk_tokens", in: 32...8192) ?? settings.chunkTokens
        settings.chunkOverlap = try values.int("rag.chunk_overlap", in: 0...4096) ?? settings.chunkOverlap
        settings.maxFileMegabytes = try values.int("rag.max_file_mb", in: 1...4096) ?? settings.maxFileMegabytes
        settings.allowServerPaths = try values.bool("rag.allow_server_paths") ?? false
        let shared = try sharedStore(values)
        if let url = values.string("rag.postgres.url") ?? shared, !url.isEmpty {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw values.invalid("rag.postgres.url", url, accepted: "postgres://USER:PASSWORD@HOST:5432/DATABASE")
            }
            settings.postgresURL = url
            settings.postgresVectorExtension = try values.bool("rag.postgres.vector_extension") ?? true
        }
        for (key, setting) in [("rag.answer.route", \RAGSettings.answerRoute), ("rag.answer.rerank.route", \RAGSettings.rerankRoute)] {
            guard let route = values.string(key), !route.isEmpty else { continue }
            guard routes.contains(where: { $0.name == route || $0.aliases.contains(route) }) else {
                throw values.invalid(key, route, accepted: "a route name (\(routes.map(\.name).joined(separator: ", ")))")
            }
            settings[keyPath: setting] = route
        }
        settings.answerMode = try values.choice("rag.answer.mode", modes) ?? .simple
        var answering = AnsweringOptions()
        answering.topK = try values.int("rag.answer.top_k", in: 1...50) ?? answering.topK
        answering.sourceTokens = try values.int("rag.answer.source_tokens", in: 64...1_000_000) ?? answering.sourceTokens
        answering.historyTokens = try values.int("rag.answer.history_tokens", in: 0...1_000_000) ?? answering.historyTokens
        answering.maxAnswerTokens = try values.int("rag.answer.max_tokens", in: 1...1_000_000) ?? answering.maxAnswerTokens
        answering.minRelevance = try values.double("rag.answer.min_relevance", in: -1...1) ?? answering.minRelevance
        answering.minCrossLingualRelevance = try values.double("rag.answer.min_cross_lingual_relevance", in: -1...1) ?? answering.minCrossLingualRelevance
        answering.minTermCoverage = try values.double("rag.answer.min_term_coverage", in: 0...1) ?? answering.minTermCoverage
        answering.rerankCandidates = try values.int("rag.answer.rerank.candidates", in: 1...1000) ?? answering.rerankCandidates
        answering.temperature = try values.double("rag.answer.temperature", in: 0...2) ?? answering.temperature
        settings.answering = answering
        return settings
    }

    /// `cache:`, with each route's `cache:` override; nil when no store is named.
    /// `store: postgres://…` (`STORE`): the one database of everything replicas share — documents and sessions,
    /// the cache, stored responses, keys and usage — unless a section names its own.
    static func sharedStore(_ values: ConfigurationValues) throws(FerryError) -> String? {
        guard let url = values.string("store"), !url.isEmpty else { return nil }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw values.invalid("store", url, accepted: "postgres://USER:PASSWORD@HOST:5432/DATABASE (the database every replica shares)")
        }
        return url
    }

    static func keysConfiguration(values: ConfigurationValues, rag: RAGSettings) throws(FerryError) -> KeysConfiguration {
        var keys = KeysConfiguration(sqlitePath: rag.dataDirectory.appendingPathComponent("access.sqlite").path)
        let shared = try sharedStore(values)
        keys.metricsLabel = try values.bool("keys.metrics_label") ?? false
        let url = values.string("keys.postgres.url")
        keys.store = try values.choice("keys.store", Dictionary(uniqueKeysWithValues: KeysConfiguration.Store.allCases.map { ($0.rawValue, $0) }))
            ?? (url == nil && shared == nil ? .sqlite : .postgres)
        if keys.store == .postgres {
            guard let url = url ?? values.string("cache.postgres.url") ?? rag.postgresURL, url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw values.invalid("keys.postgres.url", url ?? "", accepted: "postgres://USER:PASSWORD@HOST:5432/DATABASE (keys.store is postgres; cache.postgres.url or rag.postgres.url is used when set)")
            }
            keys.postgresURL = url
        }
        return keys
    }

    static func cacheConfiguration(values: ConfigurationValues, rag: RAGSettings, routes: [FerryConfiguration.RouteSpec]) throws(FerryError) -> CacheConfiguration? {
        var stores: [String: CacheConfiguration.Store?] = ["none": nil]
        for store in CacheConfiguration.Store.allCases { stores[store.rawValue] = store }
        // With `store:` (one PostgreSQL for every replica) and no cache.store, the cache is kept there too — off
        // until `cache.enabled` or a route's `cache.enabled` turns it on.
        let shared = try sharedStore(values)
        let implicit = values.string("cache.store") == nil && shared != nil
        guard let chosen = implicit ? .postgres : try values.choice("cache.store", stores), let store = chosen else { return nil }
        var configuration = CacheConfiguration(store: store, sqlitePath: rag.dataDirectory.appendingPathComponent("cache.sqlite").path)
        configuration.maxBytes = (try values.int("cache.max_mb", in: 1...1_048_576) ?? 256) << 20
        let policy = try cachePolicy(key: "cache", values: values, base: CachePolicy(enabled: !implicit)) ?? CachePolicy(enabled: !implicit)
        configuration.settings = CacheSettings(policy: policy, flightTimeout: try values.duration("cache.flight_timeout") ?? .seconds(120))
        for route in routes {
            if let override = try cachePolicy(key: "routes.\(route.name).cache", values: values, base: policy) { configuration.settings.routes[route.name] = override }
        }
        if store == .postgres {
            guard let url = values.string("cache.postgres.url") ?? rag.postgresURL, url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw values.invalid("cache.postgres.url", values.string("cache.postgres.url") ?? "", accepted: "postgres://USER:PASSWORD@HOST:5432/DATABASE (cache.store is postgres; rag.postgres.url is used when it is set)")
            }
            configuration.postgresURL = url
        }
        return configuration
    }

    /// A policy under `key` (`enabled`, `ttl`, `cache_all`, `semantic`) over `base`; nil when none of them is set.
    static func cachePolicy(key: String, values: ConfigurationValues, base: CachePolicy?) throws(FerryError) -> CachePolicy? {
        let enabled = try values.bool("\(key).enabled"), ttl = try values.duration("\(key).ttl"), all = try values.bool("\(key).cache_all")
        let semantic = try values.double("\(key).semantic", in: 0...1)
        guard enabled != nil || ttl != nil || all != nil || semantic != nil else { return nil }
        var policy = base ?? CachePolicy()
        policy.enabled = enabled ?? policy.enabled
        policy.ttl = ttl ?? policy.ttl
        policy.cacheAll = all ?? policy.cacheAll
        policy.semantic = semantic ?? policy.semantic
        return policy
    }

    static let modes: [String: QueryMode] = Dictionary(uniqueKeysWithValues: QueryMode.allCases.map { ($0.rawValue, $0) })

    /// A route's `rag:` section, when it has one.
    static func ragRoute(key: String, values: ConfigurationValues) throws(FerryError) -> RAGRoute? {
        let collection = values.string("\(key).rag.collection")
        let mode = try values.choice("\(key).rag.mode", modes)
        let inText = try values.bool("\(key).rag.sources_in_text")
        let topK = try values.int("\(key).rag.top_k", in: 1...50)
        guard collection != nil || mode != nil || inText != nil || topK != nil else { return nil }
        if let collection, collection.isEmpty || !collection.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            throw values.invalid("\(key).rag.collection", collection, accepted: "a collection name: letters, digits, - _ and .")
        }
        return RAGRoute(collection: collection ?? CollectionInfo.defaultName, mode: mode ?? .simple, sourcesInText: inText ?? false, topK: topK)
    }

    static let providerKinds: [String: FerryConfiguration.ProviderKind] = Dictionary(uniqueKeysWithValues: FerryConfiguration.ProviderKind.allCases.map { ($0.rawValue, $0) })

    static let strategies: [String: RoutingStrategy] = Dictionary(uniqueKeysWithValues: RoutingStrategy.allCases.map { ($0.rawValue, $0) })

    /// A route's settings under `key` (strategy, retry, timeouts).
    static func route(name: String, key: String, backends: [String], aliases: [String], values: ConfigurationValues, totalTimeout: Duration? = nil) throws(FerryError) -> FerryConfiguration.RouteSpec {
        let defaults = RouterTimeouts()
        let retryDefaults = RetryPolicy(maxAttempts: max(3, backends.count + 1))
        var loadFactor = RoutingStrategy.defaultLoadFactor
        if let text = values.string("\(key).prefix_load_factor") {
            if text == "off" {
                loadFactor = nil
            } else {
                guard let factor = Double(text), factor >= 1, factor <= 100 else {
                    throw values.invalid("\(key).prefix_load_factor", text, accepted: "a number from 1 to 100 (a backend's load bound as a multiple of the mean), or off")
                }
                loadFactor = factor
            }
        }
        var spec = FerryConfiguration.RouteSpec(
            name: name, aliases: aliases, backends: backends,
            strategy: try values.choice("\(key).strategy", strategies) ?? .fallback,
            retry: RetryPolicy(
                maxAttempts: try values.int("\(key).retry.attempts", in: 1...20) ?? retryDefaults.maxAttempts,
                baseDelay: try values.duration("\(key).retry.base_delay") ?? retryDefaults.baseDelay,
                maxDelay: try values.duration("\(key).retry.max_delay") ?? retryDefaults.maxDelay
            ),
            timeouts: RouterTimeouts(
                firstEvent: try values.duration("\(key).timeouts.first_event") ?? defaults.firstEvent,
                idle: try values.duration("\(key).timeouts.idle") ?? defaults.idle,
                total: try values.duration("\(key).timeouts.total") ?? totalTimeout ?? defaults.total
            )
        )
        spec.loadFactor = loadFactor
        return spec
    }

    static func checkURL(_ url: String?, key: String, values: ConfigurationValues, allowDNS: Bool = false) throws(FerryError) {
        guard let url else { return }
        let lowered = url.lowercased()
        if allowDNS, lowered.hasPrefix("dns://") {
            guard DNSName(url) != nil else {
                throw values.invalid(key, url, accepted: "dns://HOST:PORT, e.g. dns://vllm-headless.default.svc:8000")
            }
            return
        }
        guard lowered.hasPrefix("http://") || lowered.hasPrefix("https://"), url.count > 8 else {
            throw values.invalid(key, url, accepted: "an http:// or https:// URL, e.g. http://127.0.0.1:8000" + (allowDNS ? " (or dns://HOST:PORT for every address of a name)" : ""))
        }
    }

    private static func validateName(_ name: String, kind: String, file: ConfigurationFile?) throws(FerryError) {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw FerryError(code: .configuration, message: "The \(kind) name `\(name)` is not valid (\(file?.place(of: "\(kind)s.\(name)") ?? "file"))", hint: "use letters, digits, - and _ only")
        }
    }
}
