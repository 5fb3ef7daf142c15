import FerryCache
import FerryConfig
import FerryRAG
import FerryCore
import FerryLaunch
import FerryRouter
import Foundation
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    /// The repository's `ferry.example.yaml`.
    static let examplePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("ferry.example.yaml").path

    private func file(_ name: String) throws -> String {
        try #require(Bundle.module.path(forResource: name, ofType: nil, inDirectory: "Files"))
    }

    @Test("ferry.example.yaml loads: every documented key is valid")
    func exampleFile() async throws {
        let path = Self.examplePath
        let configuration = try await ConfigurationLoader.load(file: path, environment: [:])
        #expect(configuration.backends.map(\.name) == ["vllm", "ollama", "vllm-pool", "openai", "claude", "local-llama"])
        #expect(configuration.backends[4].provider == .anthropic && configuration.backends[4].defaults.maxTokens == 4096)
        let launched = try #require(configuration.backends[5].launch)
        #expect(configuration.backends[5].provider == .llamacpp && launched.startOnFirstRequest && launched.idleStop == .seconds(1800))
        #expect(configuration.responses.store == .memory && configuration.responses.ttl == .seconds(30 * 86_400) && configuration.responses.maxBytes == 64 << 20)
        #expect(configuration.backends[2].urls.count == 2)
        #expect(configuration.backends[0].defaults.temperature == 0.2)
        let route = try #require(configuration.routes.first)
        #expect(route.name == "default" && route.backends == ["vllm", "ollama"] && route.strategy == .fallback)
        #expect(route.aliases == ["qwen", "Qwen/Qwen2.5-1.5B-Instruct"])
        #expect(route.timeouts.firstEvent == .seconds(60) && route.retry.baseDelay == .milliseconds(100))
        #expect(configuration.port == 8080 && configuration.circuitBreaker.threshold == 3)
        #expect(configuration.maxConnectionsPerHost == 1024)
        #expect(configuration.clientIdleTimeout == .seconds(75) && configuration.clientBodyTimeout == .seconds(30) && configuration.clientBodyMinRate == 1000)
        #expect(configuration.maxConnections == 10_000 && configuration.reloadInterval == .seconds(5))
    }

    @Test("rag.answer and a RAG route are read from the file; a bad mode, an unknown route or collection are refused")
    func answerSettings() async throws {
        let path = Self.examplePath
        let configuration = try await ConfigurationLoader.load(file: path, environment: [:])
        let manuals = try #require(configuration.routes.first { $0.name == "manuals" })
        #expect(manuals.rag == RAGRoute(collection: "manuals", mode: .adaptive))
        #expect(configuration.routes.first { $0.name == "default" }?.rag == nil)
        let answering = configuration.rag.answering
        #expect(answering.topK == 5 && answering.sourceTokens == 1200 && answering.minRelevance == 0.82 && answering.minCrossLingualRelevance == 0.75)
        #expect(configuration.rag.answerMode == .simple && configuration.rag.rerankRoute == nil && configuration.rag.answerRoute == nil)

        let tuned = try await ConfigurationLoader.load(file: path, environment: ["RAG_ANSWER_MODE": "adaptive", "RAG_ANSWER_ROUTE": "cloud", "RAG_ANSWER_RERANK_ROUTE": "pool", "ROUTES_MANUALS_RAG_TOP_K": "3"])
        #expect(tuned.rag.answerMode == .adaptive && tuned.rag.answerRoute == "cloud" && tuned.rag.rerankRoute == "pool")
        #expect(tuned.routes.first { $0.name == "manuals" }?.rag?.topK == 3)
        for (key, value, words) in [("RAG_ANSWER_MODE", "clever", "rag.answer.mode"), ("RAG_ANSWER_ROUTE", "ghost", "a route name"), ("ROUTES_MANUALS_RAG_COLLECTION", "no spaces", "a collection name")] {
            do {
                _ = try await ConfigurationLoader.load(file: path, environment: [key: value])
                Issue.record("\(key)=\(value) must be refused")
            } catch {
                #expect(error.description.contains(words), "\(error.description)")
            }
        }
    }

    @Test("passthrough and the responses store are read from the file or the environment; unknown values are refused")
    func passthroughAndResponses() async throws {
        let path = Self.examplePath
        let plain = try await ConfigurationLoader.load(file: path, environment: [:])
        #expect(plain.backends.allSatisfy { $0.passthrough.isEmpty }, "off by default")
        let on = try await ConfigurationLoader.load(file: path, environment: [
            "BACKENDS_VLLM_PASSTHROUGH": "messages", "RESPONSES_STORE": "sqlite", "FERRY_DATA_DIR": "/tmp/ferry-config-test",
        ])
        #expect(on.backends[0].passthrough == [.messages] && on.responses.store == .sqlite)
        #expect(on.responses.sqlitePath == "/tmp/ferry-config-test/responses.sqlite")
        for (key, value, named) in [("BACKENDS_VLLM_PASSTHROUGH", "chat", "passthrough"), ("RESPONSES_STORE", "redis", "responses.store"), ("RESPONSES_STORE", "postgres", "responses.postgres.url")] {
            do {
                _ = try await ConfigurationLoader.load(file: path, environment: [key: value])
                Issue.record("\(key)=\(value) must be refused")
            } catch {
                #expect(error.description.contains(named), "\(error)")
            }
        }
    }

    @Test("store: postgres://… puts everything replicas share in that database, unless a section names its own")
    func sharedStore() async throws {
        let path = Self.examplePath
        let url = "postgres://ferry:secret@db:5432/ferry"
        let shared = try await ConfigurationLoader.load(file: path, environment: ["STORE": url])
        #expect(shared.rag.postgresURL == url)
        #expect(shared.responses.store == .postgres && shared.responses.postgresURL == url)
        #expect(shared.keys.store == .postgres && shared.keys.postgresURL == url)
        let cache = try #require(shared.cache)
        #expect(cache.store == .postgres && cache.postgresURL == url && !cache.settings.policy.enabled, "kept there, off until enabled")
        let mixed = try await ConfigurationLoader.load(file: path, environment: ["STORE": url, "CACHE_STORE": "memory", "RESPONSES_STORE": "memory", "CACHE_ENABLED": "true"])
        #expect(mixed.cache?.store == .memory && mixed.cache?.settings.policy.enabled == true && mixed.responses.store == .memory && mixed.keys.store == .postgres)
        let plain = try await ConfigurationLoader.load(file: path, environment: [:])
        #expect(plain.keys.store == .sqlite && plain.responses.store == .memory && plain.cache == nil)
        do {
            _ = try await ConfigurationLoader.load(file: path, environment: ["STORE": "mysql://db/ferry"])
            Issue.record("a store that is not PostgreSQL must be refused")
        } catch {
            #expect(error.description.contains("`store`") || error.description.contains("store"), "\(error)")
        }
    }

    @Test("the cache is off until a store is named; routes override its policy; a postgres store needs a URL")
    func cacheSettings() async throws {
        let path = Self.examplePath
        #expect(try await ConfigurationLoader.load(file: path, environment: [:]).cache == nil)
        let on = try await ConfigurationLoader.load(file: path, environment: ["CACHE_STORE": "sqlite", "CACHE_TTL": "10m", "FERRY_DATA_DIR": "/tmp/ferry-config-test"])
        let cache = try #require(on.cache)
        #expect(cache.store == .sqlite && cache.maxBytes == 256 << 20 && cache.sqlitePath == "/tmp/ferry-config-test/cache.sqlite")
        #expect(cache.settings.policy.ttl == .seconds(600) && !cache.settings.policy.cacheAll)
        #expect(cache.settings.policy(for: "cloud").enabled == false && cache.settings.policy(for: "default").enabled)
        #expect(cache.settings.policy(for: "cloud").ttl == .seconds(600), "an override keeps what it does not set")
        #expect(try await ConfigurationLoader.load(file: path, environment: ["CACHE_STORE": "none"]).cache == nil)
        do {
            _ = try await ConfigurationLoader.load(file: path, environment: ["CACHE_STORE": "postgres"])
            Issue.record("a postgres cache without a URL must be refused")
        } catch {
            #expect(error.description.contains("cache.postgres.url"))
        }
        let shared = try await ConfigurationLoader.load(file: path, environment: ["CACHE_STORE": "postgres", "RAG_POSTGRES_URL": "postgres://ferry@db/ferry"])
        #expect(shared.cache?.postgresURL == "postgres://ferry@db/ferry", "the document store's database by default")
    }

    @Test("an environment variable overrides the file, and provenance says so")
    func environmentOverridesFile() async throws {
        let path = Self.examplePath
        let configuration = try await ConfigurationLoader.load(file: path, environment: ["ROUTES_DEFAULT_STRATEGY": "round-robin", "BACKENDS_OPENAI_API_KEY": "sk-secret"], overrides: ["server.port": "9000"])
        #expect(configuration.routes[0].strategy == .roundRobin)
        #expect(configuration.port == 9000)
        #expect(configuration.backends[3].apiKey == "sk-secret")
        let strategy = try #require(configuration.provenance.first { $0.key == "routes.default.strategy" })
        #expect(strategy.source == "environment variable ROUTES_DEFAULT_STRATEGY")
        #expect(configuration.provenance.first { $0.key == "server.port" }?.source == "the command line")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let urlLine = try #require(lines.firstIndex { $0.contains("url: http://127.0.0.1:8000/v1") }) + 1
        #expect(configuration.provenance.first { $0.key == "backends.vllm.url" }?.source.hasSuffix("line \(urlLine)") == true)
        #expect(!configuration.provenance.contains { $0.value.contains("sk-secret") }, "secrets are redacted")
    }

    @Test("gateway.inline_chat: on by default, off from the file or GATEWAY_INLINE_CHAT, anything else refused")
    func inlineChatSwitch() async throws {
        let path = Self.examplePath
        #expect(try await ConfigurationLoader.load(environment: ["LLM_PROVIDER": "ollama"]).inlineChat)
        #expect(try await ConfigurationLoader.load(file: path, environment: [:]).inlineChat)
        let off = try await ConfigurationLoader.load(file: path, environment: ["GATEWAY_INLINE_CHAT": "false"])
        #expect(!off.inlineChat)
        #expect(off.provenance.first { $0.key == "gateway.inline_chat" }?.source == "environment variable GATEWAY_INLINE_CHAT")
        do {
            _ = try await ConfigurationLoader.load(file: path, environment: ["GATEWAY_INLINE_CHAT": "sometimes"])
            Issue.record("an invalid value must be refused")
        } catch {
            #expect(error.description.contains("gateway.inline_chat") && error.description.contains("true or false"))
        }
    }

    @Test("gateway.web: on by default and in the example, off from GATEWAY_WEB")
    func webSwitch() async throws {
        let path = Self.examplePath
        #expect(try await ConfigurationLoader.load(environment: ["LLM_PROVIDER": "ollama"]).web)
        #expect(try await ConfigurationLoader.load(file: path, environment: [:]).web)
        let off = try await ConfigurationLoader.load(file: path, environment: ["GATEWAY_WEB": "false"])
        #expect(!off.web)
        #expect(off.provenance.first { $0.key == "gateway.web" }?.source == "environment variable GATEWAY_WEB")
    }

    @Test("USE_VLLM=true: vLLM first, Ollama as fallback, one route answering to each model name")
    func useVLLM() async throws {
        let configuration = try await ConfigurationLoader.load(environment: [
            "USE_VLLM": "true", "VLLM_HOST": "gpu-box", "VLLM_MODEL": "Qwen/Qwen2.5-1.5B-Instruct", "VLLM_TEMPERATURE": "0.3",
            "VLLM_MAX_TOKENS": "256", "VLLM_TIMEOUT": "120", "OLLAMA_HOST": "0.0.0.0:11434", "OLLAMA_MODEL": "qwen2.5:1.5b",
        ])
        #expect(configuration.backends.map(\.name) == ["vllm", "ollama"])
        #expect(configuration.backends[0].url == "http://gpu-box:8000")
        #expect(configuration.backends[1].url == "http://127.0.0.1:11434")
        #expect(configuration.backends[0].defaults == SamplingParameters(temperature: 0.3, maxTokens: 256))
        let route = try #require(configuration.routes.first)
        #expect(route.name == "default" && route.backends == ["vllm", "ollama"])
        #expect(route.aliases == ["Qwen/Qwen2.5-1.5B-Instruct", "qwen2.5:1.5b"])
        #expect(route.timeouts.total == .seconds(120))
    }

    @Test("LLM_PROVIDER picks one backend", arguments: [
        (["LLM_PROVIDER": "ollama", "OLLAMA_BASE_URL": "http://ollama:11434"], "ollama", FerryConfiguration.ProviderKind.ollama, "http://ollama:11434"),
        (["LLM_PROVIDER": "vllm", "VLLM_BASE_URL": "http://127.0.0.1:8000/v1"], "vllm", .vllm, "http://127.0.0.1:8000/v1"),
        (["LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk"], "openai", .openai, "https://api.openai.com/v1"),
        (["LLM_PROVIDER": "openrouter", "OPENROUTER_API_KEY": "k"], "openrouter", .openrouter, "https://openrouter.ai/api/v1"),
        (["LLM_PROVIDER": "huggingface", "HF_BASE_URL": "http://tgi:8080"], "huggingface", .tgi, "http://tgi:8080"),
        (["LLM_PROVIDER": "local", "VLLM_BASE_URL": "http://127.0.0.1:8000"], "vllm", .vllm, "http://127.0.0.1:8000"),
    ])
    func provider(environment: [String: String], name: String, kind: FerryConfiguration.ProviderKind, url: String) async throws {
        let configuration = try await ConfigurationLoader.load(environment: environment)
        #expect(configuration.backends.map(\.name) == [name])
        #expect(configuration.backends[0].provider == kind)
        #expect(configuration.backends[0].url == url)
    }

    @Test("Gemini takes its key from GEMINI_API_KEY and never shows it")
    func gemini() async throws {
        let configuration = try await ConfigurationLoader.load(environment: ["LLM_PROVIDER": "gemini", "GEMINI_API_KEY": "AIza-secret", "GEMINI_MODEL": "gemini-2.0-flash"])
        #expect(configuration.backends[0].apiKey == "AIza-secret")
        #expect(!configuration.provenance.contains { $0.value.contains("AIza") })
    }

    @Test("errors name the key, where the value came from, and what is accepted", arguments: [
        (["LLM_PROVIDER": "vlm"], "environment variable LLM_PROVIDER", "vllm, ollama, openai"),
        (["LLM_PROVIDER": "vllm", "VLLM_BASE_URL": "gpu-box:8000"], "environment variable VLLM_BASE_URL", "http://"),
        (["LLM_PROVIDER": "vllm", "VLLM_TIMEOUT": "-1"], "environment variable VLLM_TIMEOUT", "positive duration"),
        (["USE_VLLM": "maybe"], "environment variable USE_VLLM", "true or false"),
    ])
    func environmentErrors(environment: [String: String], source: String, accepted: String) async {
        do {
            _ = try await ConfigurationLoader.load(environment: environment)
            Issue.record("expected a configuration error for \(environment)")
        } catch {
            #expect(error.code == .configuration)
            if !source.isEmpty { #expect(error.description.contains(source), "\(error)") }
            #expect(error.description.contains(accepted), "\(error)")
        }
    }

    @Test("nothing configured, or LLM_PROVIDER=local without a URL: Ferry's embedded engine behind route `default`", arguments: [
        [String: String](), ["LLM_PROVIDER": "local", "XDG_CACHE_HOME": "/tmp/ferry-cache-test"],
    ])
    func embeddedEngineByDefault(environment: [String: String]) async throws {
        let configuration = try await ConfigurationLoader.load(environment: environment)
        let backend = try #require(configuration.backends.first)
        #expect(configuration.backends.count == 1)
        #expect(backend.name == "local" && backend.provider == .llamacpp && backend.model == "smollm2" && backend.urls.isEmpty)
        #expect(backend.defaults.maxTokens == 256 && backend.defaults.temperature == 0)
        let launch = try #require(backend.launch)
        #expect(launch.command.hasSuffix("ferry/engine/venv/bin/python"))
        #expect(launch.arguments.first?.hasSuffix("ferry/engine/ferry_engine.py") == true)
        #expect(Array(launch.arguments.dropFirst()).starts(with: ["--port", "{port}", "--alias", "smollm2", "--slots", "4"]))
        #expect(configuration.routes.map(\.name) == ["default"])
        #expect(configuration.routes[0].aliases == ["smollm2"])
    }

    @Test("a launch section: a preset or a command, with port, readiness, restarts and idle stop")
    func launchSection() async throws {
        let path = NSTemporaryDirectory() + "ferry-launch-\(UUID().uuidString).yaml"
        try """
        backends:
          sim:
            model: demo
            launch:
              preset: sim
              dialect: ollama
              extra_args: ["--ttft", "0"]
              port: 18123
              ready_timeout: 5s
              restart: {max: 2, backoff: 200ms, max_backoff: 1s}
              idle_stop: 10m
              start_on_first_request: true
          custom:
            provider: llamacpp
            launch:
              command: /opt/llama/llama-server
              args: ["-m", "/models/m.gguf", "--port", "{port}"]
              env: {LLAMA_ARG_THREADS: "2"}
        routes:
          default:
            backends: [sim, custom]
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let configuration = try await ConfigurationLoader.load(file: path, environment: ["FERRY_EXECUTABLE": "/usr/bin/ferry"])
        let sim = try #require(configuration.backends.first { $0.name == "sim" })
        #expect(sim.provider == .ollama)
        let launch = try #require(sim.launch)
        #expect(launch.commandLine(port: 18123) == "/usr/bin/ferry sim --dialect ollama --host 127.0.0.1 --port 18123 --model demo --ttft 0")
        #expect(launch.port == .fixed(18123) && launch.readyTimeout == .seconds(5) && launch.idleStop == .seconds(600) && launch.startOnFirstRequest)
        #expect(launch.restart == RestartPolicy(maxRestarts: 2, backoff: .milliseconds(200), maxBackoff: .seconds(1)))
        let custom = try #require(configuration.backends.first { $0.name == "custom" }?.launch)
        #expect(custom.command == "/opt/llama/llama-server" && custom.arguments == ["-m", "/models/m.gguf", "--port", "{port}"])
        #expect(custom.environment == ["LLAMA_ARG_THREADS": "2"] && custom.port == .any)
    }

    @Test("file errors name the key and its line", arguments: [
        ("missing-backend.yaml", "`olama`", "use one of the defined backends: vllm"),
        ("bad-provider.yaml", "line 3", "generic, llamacpp, ollama"),
        ("bad-timeout.yaml", "line 9", "positive duration"),
    ])
    func fileErrors(name: String, where place: String, accepted: String) async throws {
        let path = try file(name)
        do {
            _ = try await ConfigurationLoader.load(file: path, environment: [:])
            Issue.record("expected a configuration error for \(name)")
        } catch {
            #expect(error.code == .configuration)
            #expect(error.description.contains(place), "\(error)")
            #expect(error.description.contains(accepted), "\(error)")
        }
    }

    @Test("a JSON file works like YAML")
    func jsonFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-\(UUID().uuidString).json").path
        try #"{"backends": {"local": {"provider": "llamacpp", "url": "http://127.0.0.1:8080", "max_tokens": 64}}, "routes": {"chat": {"backends": ["local"], "strategy": "latency"}}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        let configuration = try await ConfigurationLoader.load(file: path, environment: [:])
        #expect(configuration.backends.first?.provider == .llamacpp)
        #expect(configuration.backends.first?.defaults.maxTokens == 64)
        #expect(configuration.routes.first?.strategy == .latency)
    }

    @Test("a missing file says so")
    func missingFile() async {
        await #expect(throws: FerryError.self) { _ = try await ConfigurationLoader.load(file: "/nonexistent/ferry.yaml", environment: [:]) }
    }
}
