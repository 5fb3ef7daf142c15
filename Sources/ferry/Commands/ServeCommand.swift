import ArgumentParser
import FerryAccess
import FerryConfig
import FerryCache
import FerryCore
import FerryLaunch
import FerryProviders
import FerryRAG
import FerryRouter
import FerryServer
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `ferry serve`: the gateway — the OpenAI and Ollama APIs in front of the configured backends.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway: the OpenAI and Ollama APIs in front of your backends, with fallback and retries.",
        discussion: """
            Backends come from --config (YAML or JSON, see ferry.example.yaml) or from the environment, e.g.
              USE_VLLM=true VLLM_BASE_URL=http://127.0.0.1:8000 VLLM_MODEL=Qwen/Qwen2.5-1.5B-Instruct \\
              OLLAMA_MODEL=qwen2.5:1.5b ferry serve
            Then point any OpenAI client at http://HOST:PORT/v1, or any Ollama client at http://HOST:PORT.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "The address to bind (default 127.0.0.1).")
    var host: String?

    @Option(help: "The port to bind (default 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        ConsoleLogging.bootstrap(level: logLevel)
        var overrides: [String: String] = [:]
        if let host { overrides["server.host"] = host }
        if let port { overrides["server.port"] = String(port) }
        // Metrics first, so everything created below counts into the registry /metrics renders.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let setup = try await ConfiguredRouter.load(file: options.config, overrides: overrides, superviseProcesses: false)
        let configuration = setup.configuration
        let http = setup.http
        let router = setup.router
        let logger = Logger(label: "ferry.serve")
        let documents = try await Self.documentService(configuration, router: router)
        let cache = try await CacheSetup.responseCache(configuration)
        let access = try await AccessSetup.accessControl(configuration)
        var settings = GatewaySettings(
            apiKeys: configuration.apiKeys, maxConcurrentRequests: configuration.maxConcurrentRequests,
            queueTimeout: configuration.queueTimeout, corsOrigins: configuration.corsOrigins,
            inlineChat: configuration.inlineChat, adminKey: configuration.adminKey
        )
        settings.idleTimeout = configuration.clientIdleTimeout
        settings.bodyTimeout = configuration.clientBodyTimeout
        settings.bodyMinRate = configuration.clientBodyMinRate
        settings.maxConnections = configuration.maxConnections
        settings.web = configuration.web
        FileDescriptorLimit.raise(toServe: configuration.maxConnections, logger: logger)
        let gateway = Gateway(
            router: router,
            settings: settings,
            documents: documents,
            cache: cache,
            responses: ResponseStore(store: try await CacheSetup.responseStore(configuration.responses), ttl: configuration.responses.ttl),
            access: access,
            metricsText: { registry.emitToString() },
            logger: logger
        )
        let host = configuration.host
        let app = gateway.makeApplication(host: host, port: configuration.port) { port in
            let shown = host.contains(":") ? "[\(host)]" : host
            ConsoleLogging.say("Ferry listening on http://\(shown):\(port) (OpenAI API at /v1, Responses at /v1/responses, Ollama API at /api, Anthropic Messages at /v1/messages)")
            ConsoleLogging.say("  documents: /api/documents, /api/search, /api/query (store \(configuration.rag.storeDescription))")
            if configuration.web { ConsoleLogging.say("  web page: open http://\(shown):\(port)/ in a browser (chat, documents, status)") }
            if access.required { ConsoleLogging.say("  keys: required (\(configuration.apiKeys.count) configured; made with `ferry keys` in \(configuration.keys.storeDescription))") }
            if let cache = configuration.cache { ConsoleLogging.say("  cache: \(cache.storeDescription), ttl \(cache.settings.policy.ttl), \(cache.settings.policy.cacheAll ? "every answer" : "deterministic requests (temperature 0 or a seed)")") }
            for route in router.routes {
                let rag = documents.answers.ragRoutes[route.name].map { ", answers from collection \($0.collection) (\($0.mode.rawValue))" } ?? ""
                ConsoleLogging.say("  route \(route.name)\(route.aliases.isEmpty ? "" : " (also \(route.aliases.joined(separator: ", ")))"): \(route.backends.map(\.name).joined(separator: " → ")), \(route.strategy.rawValue)\(rag)")
            }
            for process in RouterFactory.managedProcesses(of: router) {
                ConsoleLogging.say("  launching \(process.name): \(process.status.command)\(process.spec.startOnFirstRequest ? " (on the first request)" : "")")
            }
            // Off the start-up path: Hummingbird serves its routes only once this closure returns, and a backend
            // that hangs on its health endpoint would hold them back until its request timeout.
            Task {
                for (_, report) in await router.probeBackends().sorted(by: { $0.key < $1.key }) where !RouterFactory.managedProcesses(of: router).contains(where: { $0.name == report.backend }) {
                    ConsoleLogging.say("  \(report.status == .healthy ? "✓" : "✗") \(report.summary)")
                }
            }
        }
        // Managed backends' processes first: the group stops services in reverse order, so they outlive the gateway's
        // last streams.
        var services: [any Service] = RouterFactory.managedProcesses(of: router)
        services += [AccessService(access: access), app, HealthProber(router: router, interval: configuration.healthInterval, warmUp: configuration.warmUp, logger: Logger(label: "ferry.health"))]
        if let discovery = RouterFactory.replicaDiscovery(configuration, router: router, http: http) { services.append(discovery) }
        services.append(ConfigurationReloader(path: options.config, overrides: overrides, running: configuration, router: router, http: http))
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Streams in flight may finish for a while after SIGTERM.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(30)
        do {
            try await ServiceGroup(configuration: groupConfiguration).run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            try? await http.shutdown()
            throw ValidationError("port \(configuration.port) on \(host) is already in use: stop what listens there, or choose another with --port (0 picks a free one)")
        }
        try await http.shutdown()
    }

    /// The documents API over the data folder's store, with the configured embedding model (the embedded one is
    /// loaded — and installed, once — on the first request that needs it).
    static func documentService(_ configuration: FerryConfiguration, router: FerryRouter.Router) async throws -> DocumentService {
        let settings = configuration.rag
        let store = try await RAGSetup.openStore(settings)
        let embedder: @Sendable () async throws -> (any Embedder)?
        switch settings.embedding {
        case .none: embedder = { nil }
        case .embedded(let threads): embedder = { try await RAGSetup.embeddedModel(threads: threads) }
        case .route(let route, let roles):
            let model = LanguageModelEmbedder(model: router, name: route, roles: RAGSetup.roles(roles))
            embedder = { model }
        }
        return DocumentService(
            store: store, reader: DocumentReader(maxBytes: settings.maxFileMegabytes << 20),
            chunking: ChunkingOptions(maxTokens: settings.chunkTokens, overlapTokens: settings.chunkOverlap),
            allowServerPaths: settings.allowServerPaths, answers: answerSettings(configuration), embedder: embedder
        )
    }

    /// `rag.answer` and the RAG routes (by name and alias).
    static func answerSettings(_ configuration: FerryConfiguration) -> AnswerSettings {
        var answers = AnswerSettings()
        answers.options = configuration.rag.answering
        answers.route = configuration.rag.answerRoute
        answers.mode = configuration.rag.answerMode
        answers.rerankRoute = configuration.rag.rerankRoute
        for route in configuration.routes {
            guard let rag = route.rag else { continue }
            for name in [route.name] + route.aliases { answers.ragRoutes[name] = rag }
        }
        return answers
    }
}
