import FerryConfig
import FerryCore
import FerryProviders
import FerryWire
import Foundation

/// One run of the doctor's checks on one URL of a backend; each check appends a step, and a failing check skips
/// the ones that depend on it.
struct Checkup {
    let doctor: Doctor
    let backend: FerryConfiguration.Backend
    var diagnosis: BackendDiagnosis
    private let clock = ContinuousClock()

    init(doctor: Doctor, backend: FerryConfiguration.Backend, diagnosis: BackendDiagnosis) {
        self.doctor = doctor
        self.backend = backend
        self.diagnosis = diagnosis
    }

    private var kind: String {
        switch backend.provider {
        case .vllm: "vLLM"
        case .llamacpp: "llama.cpp"
        case .ollama: "Ollama"
        case .tgi: "TGI"
        case .openai: "OpenAI"
        case .openrouter: "OpenRouter"
        case .gemini: "Gemini"
        case .anthropic: "Anthropic"
        case .generic: "OpenAI-compatible"
        }
    }

    private var versionSuffixes: [String] {
        switch backend.provider {
        case .ollama: OllamaProvider.versionSuffixes
        case .gemini: GeminiProvider.versionSuffixes
        case .anthropic: AnthropicProvider.versionSuffixes
        default: ["/v1"]
        }
    }

    private mutating func add(_ step: DiagnosisStep) { diagnosis.steps.append(step) }

    private mutating func skipRest(after name: DiagnosisStep.Name, because reason: String) {
        let all = DiagnosisStep.Name.allCases
        guard let index = all.firstIndex(of: name) else { return }
        for later in all[(index + 1)...] { add(DiagnosisStep(later, .skip, reason)) }
    }

    mutating func run(url: String?) async {
        var url = url
        if let text = url, let name = DNSName(text) {
            let addresses = (try? await name.resolve()) ?? []
            guard let first = addresses.first else {
                add(DiagnosisStep(.url, .fail, "\(text): `\(name.host)` resolves to no address", problem: .nameNotResolved, fix: "check the service name and that the replicas are up"))
                return skipRest(after: .url, because: "the name does not resolve")
            }
            url = "http://\(first.contains(":") ? "[\(first)]" : first):\(name.port)"
        }
        guard let text = url ?? backend.provider.defaultURL else {
            add(DiagnosisStep(.url, .fail, "no URL is configured", problem: .invalidURL, fix: "set backends.\(backend.name).url, e.g. http://127.0.0.1:8000"))
            return skipRest(after: .url, because: "no URL")
        }
        let endpoint: BackendEndpoint
        do {
            endpoint = try BackendEndpoint(text, versionSuffixes: versionSuffixes)
        } catch {
            add(DiagnosisStep(.url, .fail, error.message, problem: .invalidURL, fix: error.hint))
            return skipRest(after: .url, because: "the URL is not valid")
        }
        checkURL(text, endpoint: endpoint)

        let started = clock.now
        let addresses = await NetworkCheck.resolve(endpoint.host)
        guard !addresses.isEmpty else {
            add(DiagnosisStep(
                .resolve, .fail, "`\(endpoint.host)` does not resolve", problem: .nameNotResolved,
                fix: "check the spelling; inside a container `localhost` is the container itself: use the service name (docker compose), host.docker.internal, or the host's address",
                elapsed: clock.now - started
            ))
            return skipRest(after: .resolve, because: "the name does not resolve")
        }
        add(DiagnosisStep(.resolve, .pass, "\(endpoint.host) → \(addresses.joined(separator: ", "))", elapsed: clock.now - started))

        let provider: any LanguageModel
        do {
            provider = try RouterFactory.makeProvider(backend, url: endpoint.root, name: backend.name, http: doctor.http)
        } catch {
            add(DiagnosisStep(.connect, .fail, error.message, problem: .invalidURL, fix: error.hint))
            return skipRest(after: .connect, because: "no provider")
        }
        guard await checkConnect(endpoint, provider: provider) else { return }
        guard let served = await checkHealth(endpoint, provider: provider) else { return }
        guard let model = checkModels(served) else { return }
        guard let firstToken = await checkCompletion(provider, model: model) else { return }
        await checkFirstToken(firstToken, provider: provider, model: model)
    }

    // MARK: The checks

    /// A base URL that repeats its API version works through Ferry (which strips it) but not from other clients.
    private mutating func checkURL(_ text: String, endpoint: BackendEndpoint) {
        let path = text.dropFirst(endpoint.root.count).lowercased()
        for suffix in versionSuffixes where path.components(separatedBy: suffix).count > 2 {
            add(DiagnosisStep(
                .url, .warn, "`\(text)` has \(suffix) twice: Ferry strips it, but the openai SDK, curl and LangChain send \(suffix)\(suffix)/… with it and get 404",
                problem: .doubledVersionPath, fix: "write \(endpoint.root)\(suffix) (the SDKs' base_url) or \(endpoint.root)"
            ))
            return
        }
        add(DiagnosisStep(.url, .pass, endpoint.root))
    }

    private mutating func checkConnect(_ endpoint: BackendEndpoint, provider: any LanguageModel) async -> Bool {
        let port = endpoint.port ?? (endpoint.root.lowercased().hasPrefix("https") ? 443 : 80)
        let started = clock.now
        let result = await NetworkCheck.connect(host: endpoint.host, port: port, timeout: doctor.settings.connectTimeout)
        let elapsed = clock.now - started
        switch result {
        case .connected:
            add(DiagnosisStep(.connect, .pass, "TCP \(endpoint.host):\(port)", elapsed: elapsed))
            return true
        case .refused:
            if let (other, what) = await answeringPort(near: endpoint, besides: port) {
                add(DiagnosisStep(
                    .connect, .fail, "nothing listens on port \(port), but \(what) answers on port \(other)", problem: .wrongPort,
                    fix: "set the URL to \(endpoint.root.replacingOccurrences(of: ":\(port)", with: ":\(other)"))", elapsed: elapsed
                ))
            } else {
                let hint = await provider.health().error?.hint ?? "start the server, or fix the host and port"
                add(DiagnosisStep(.connect, .fail, "nothing listens on \(endpoint.host):\(port) (connection refused)", problem: .nothingListening, fix: hint, elapsed: elapsed))
            }
        case .timedOut:
            add(DiagnosisStep(
                .connect, .fail, "connecting to \(endpoint.host):\(port) timed out after \(doctor.settings.connectTimeout)", problem: .connectTimeout,
                fix: "check the host and any firewall between here and it; a server bound to 127.0.0.1 on another machine is unreachable: start it with --host 0.0.0.0",
                elapsed: elapsed
            ))
        case .failed(let text):
            add(DiagnosisStep(.connect, .fail, "connecting to \(endpoint.host):\(port) failed: \(text)", problem: .nothingListening, fix: "check the host and port", elapsed: elapsed))
        }
        skipRest(after: .connect, because: "no connection")
        return false
    }

    /// Health endpoints; returns the served models, or nil when the backend is not usable.
    private mutating func checkHealth(_ endpoint: BackendEndpoint, provider: any LanguageModel) async -> [String]? {
        let started = clock.now
        let report = await provider.health()
        let elapsed = clock.now - started
        let seen = report.probes.map { probe in
            "GET \(probe.endpoint) → \(probe.statusCode.map(String.init) ?? "no answer")\(probe.latency.map { " in \(Self.milliseconds($0))" } ?? "")"
        }.joined(separator: ", ")
        let rejected = report.error?.code == .unauthorized || report.probes.contains { [401, 403].contains($0.statusCode ?? 0) }
        if rejected {
            add(DiagnosisStep(.health, .fail, "\(seen.isEmpty ? "" : seen + "; ")the server asks for an API key and \(backend.apiKey == nil ? "none was sent" : "rejected the configured one")", problem: .apiKeyRejected, fix: apiKeyFix, elapsed: elapsed))
            skipRest(after: .health, because: "the API key was rejected")
            return nil
        }
        guard report.answeredBy != nil else {
            if let other = await otherKind(at: endpoint) {
                add(DiagnosisStep(
                    .health, .fail, "\(seen); \(endpoint.hostAndPort) serves \(other), not \(kind)", problem: .wrongPort,
                    fix: "point backends.\(backend.name).url at the \(kind) server (\(defaultPortAdvice)), or set its provider to match \(other)", elapsed: elapsed
                ))
            } else {
                add(DiagnosisStep(
                    .health, .fail, "\(seen): something listens on \(endpoint.hostAndPort), but no \(kind) endpoint answered", problem: .notAnInferenceServer,
                    fix: "check the port (\(defaultPortAdvice)) and that the server finished starting", elapsed: elapsed
                ))
            }
            skipRest(after: .health, because: "the server does not answer as \(kind)")
            return nil
        }
        add(DiagnosisStep(.health, .pass, seen, elapsed: elapsed))
        return report.servedModels
    }

    /// The configured model against the served ones; returns the model to ask for, or nil.
    private mutating func checkModels(_ served: [String]) -> String? {
        let list = served.map { "\"\($0)\"" }.joined(separator: ", ")
        guard !served.isEmpty else {
            add(DiagnosisStep(.models, .fail, "the server serves no model", problem: backend.provider == .ollama ? .modelNotPulled : .noModelServed,
                              fix: backend.provider == .ollama ? "pull one: `ollama pull \(backend.model ?? "llama3.2")`" : "start the server with a model, e.g. `vllm serve MODEL`"))
            skipRest(after: .models, because: "no model")
            return nil
        }
        guard let configured = backend.model else {
            guard served.count == 1 else {
                add(DiagnosisStep(.models, .warn, "no model is configured and the server serves \(served.count): \(list); requests must name one", problem: .ambiguousModel,
                                  fix: "set backends.\(backend.name).model to one of \(list)"))
                return served[0]
            }
            add(DiagnosisStep(.models, .pass, "serves \(list); no model configured, so `auto` means \"\(served[0])\""))
            return served[0]
        }
        let matches = backend.provider == .ollama ? served.contains { OllamaModelName.matches($0, configured) } : served.contains(configured)
        if matches {
            add(DiagnosisStep(.models, .pass, "serves \(list), including the configured \"\(configured)\""))
            return configured
        }
        if backend.provider == .ollama {
            add(DiagnosisStep(.models, .fail, "Ollama does not have \"\(configured)\"; it has \(list)", problem: .modelNotPulled,
                              fix: "pull it: `ollama pull \(configured)`, or set backends.\(backend.name).model to one of \(list)"))
        } else {
            let restart = backend.provider == .vllm ? ", or restart vLLM with `--served-model-name \(configured)`" : ""
            add(DiagnosisStep(.models, .fail, "the configured model \"\(configured)\" is not served here; the server serves \(list) (every request would get 404)", problem: .modelMismatch,
                              fix: "set backends.\(backend.name).model to \(served.count == 1 ? list : "one of \(list)")\(restart)"))
        }
        skipRest(after: .models, because: "the model is not served")
        return nil
    }

    /// A one-token streamed chat; returns its time to first token.
    private mutating func checkCompletion(_ provider: any LanguageModel, model: String) async -> Duration? {
        let started = clock.now
        switch await oneToken(provider, model: model) {
        case .success(let (firstToken, text)):
            add(DiagnosisStep(.completion, .pass, "one-token chat with \"\(model)\" answered \(text.isEmpty ? "(no text)" : "\"\(text)\"") in \(Self.milliseconds(clock.now - started))", elapsed: clock.now - started))
            return firstToken
        case .failure(let error):
            let problem: Problem = switch error.code {
            case .unauthorized: .apiKeyRejected
            case .modelNotFound: backend.provider == .ollama ? .modelNotPulled : .modelMismatch
            default: .completionFailed
            }
            add(DiagnosisStep(.completion, .fail, error.message, problem: problem, fix: problem == .apiKeyRejected ? apiKeyFix : error.hint, elapsed: clock.now - started))
            skipRest(after: .completion, because: "the completion failed")
            return nil
        }
    }

    private mutating func checkFirstToken(_ first: Duration, provider: any LanguageModel, model: String) async {
        let threshold = doctor.settings.slowFirstToken
        guard first > threshold else {
            add(DiagnosisStep(.firstToken, .pass, "first token in \(Self.milliseconds(first))", elapsed: first))
            return
        }
        guard case .success(let (second, _)) = await oneToken(provider, model: model) else {
            add(DiagnosisStep(.firstToken, .warn, "first token took \(Self.milliseconds(first)), and a second request failed", problem: .slowInference, fix: "check the server's logs and load", elapsed: first))
            return
        }
        if second <= threshold {
            add(DiagnosisStep(
                .firstToken, .warn, "the first inference took \(Self.milliseconds(first)), the next \(Self.milliseconds(second)): the server warms up on its first request (model load, CUDA graph capture, compilation)",
                problem: .slowFirstInference, fix: "set `health.warm_up: true` so Ferry sends a warm-up request when it starts, or send one yourself after starting the server",
                elapsed: first
            ))
        } else {
            add(DiagnosisStep(
                .firstToken, .warn, "every first token is slow: \(Self.milliseconds(first)), then \(Self.milliseconds(second))", problem: .slowInference,
                fix: "the server is overloaded or the model too large for its hardware: lower --max-num-seqs or the context length, use a smaller or quantized model, or add a replica",
                elapsed: first
            ))
        }
    }

    // MARK: Helpers

    private func oneToken(_ provider: any LanguageModel, model: String) async -> Result<(Duration, String), FerryError> {
        var request = ChatRequest(model: model, messages: [.user("Say OK.")], includeUsage: true)
        request.sampling.maxTokens = 1
        request.sampling.temperature = 0
        let started = clock.now
        do {
            var first: Duration?
            var text = ""
            for try await event in try await provider.streamChat(request) {
                switch event {
                case .textDelta(let piece):
                    first = first ?? (clock.now - started)
                    text += piece
                case .toolCallDelta, .finish:
                    first = first ?? (clock.now - started)
                case .error(let error):
                    return .failure(error)
                case .start:
                    break
                }
            }
            return .success((first ?? (clock.now - started), text))
        } catch let error as FerryError {
            return .failure(error)
        } catch {
            return .failure(FerryError(code: .upstreamFailure, message: "\(error)", hint: "check the server's logs"))
        }
    }

    private var apiKeyFix: String {
        backend.apiKey == nil
            ? "set backends.\(backend.name).api_key (or VLLM_API_KEY / OPENAI_API_KEY) to the key the server was started with (`vllm serve … --api-key KEY`)"
            : "the configured key does not match: set backends.\(backend.name).api_key to the server's key (`--api-key` of vllm serve)"
    }

    private var defaultPortAdvice: String {
        switch backend.provider {
        case .vllm, .generic: "vLLM listens on 8000 by default"
        case .llamacpp: "llama-server listens on 8080 by default"
        case .tgi: "TGI listens on 8080 (3000 in some images) by default"
        case .ollama: "Ollama listens on 11434 by default"
        default: "check the provider's base URL"
        }
    }

    private var usualPorts: [Int] {
        switch backend.provider {
        case .vllm, .generic: [8000, 8080, 8001]
        case .llamacpp: [8080, 8000]
        case .tgi: [8080, 3000, 8000]
        case .ollama: [11434]
        default: []
        }
    }

    /// Another port of the same host where a server of the configured kind answers.
    private func answeringPort(near endpoint: BackendEndpoint, besides port: Int) async -> (Int, String)? {
        for other in doctor.settings.alternatePorts ?? usualPorts where other != port {
            guard await NetworkCheck.connect(host: endpoint.host, port: other, timeout: doctor.settings.connectTimeout) == .connected else { continue }
            let url = endpoint.root.replacingOccurrences(of: ":\(port)", with: ":\(other)")
            guard let provider = try? RouterFactory.makeProvider(backend, url: url, name: backend.name, http: doctor.http) else { continue }
            if await provider.health().status == .healthy { return (other, "a \(kind) server") }
        }
        return nil
    }

    /// The kind of server at `endpoint` when it is not the configured one (an Ollama port given as vLLM, say).
    private func otherKind(at endpoint: BackendEndpoint) async -> String? {
        var candidates: [(FerryConfiguration.ProviderKind, String)] = [(.ollama, "Ollama"), (.generic, "an OpenAI-compatible server (vLLM, llama.cpp, TGI)")]
        candidates.removeAll { $0.0 == backend.provider || ($0.0 == .generic && backend.provider != .ollama) }
        for (provider, name) in candidates {
            var probe = backend
            probe.provider = provider
            guard let model = try? RouterFactory.makeProvider(probe, url: endpoint.root, name: backend.name, http: doctor.http) else { continue }
            if await model.health().answeredBy != nil { return name }
        }
        return nil
    }

    static func milliseconds(_ duration: Duration) -> String {
        let ms = duration.seconds * 1000
        return ms >= 10_000 ? String(format: "%.1f s", ms / 1000) : ms >= 10 ? "\(Int(ms.rounded())) ms" : String(format: "%.1f ms", ms)
    }
}
