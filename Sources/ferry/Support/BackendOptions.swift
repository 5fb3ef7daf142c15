import ArgumentParser

/// Where `ferry chat` and `ferry agent` send their requests: one backend named on the command line
/// (`--backend KIND [--url URL] [--model M] [--api-key K]`), or the configured routes (`--config`, or the
/// environment) — then `--model` names the route.
struct BackendOptions: ParsableArguments {
    @OptionGroup var configuration: ConfigOptions

    @Option(help: "Talk to one backend of this kind: \(ChatCommand.BackendKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var backend: ChatCommand.BackendKind?

    @Option(help: "The backend's base URL (default: the kind's usual local address, or the cloud API).")
    var url: String?

    @Option(help: "The model (with --backend), or the route to ask (with a configuration; default: default).")
    var model: String?

    @Option(help: "The backend's API key (default: OPENAI_API_KEY, OPENROUTER_API_KEY, GEMINI_API_KEY, ANTHROPIC_API_KEY or VLLM_API_KEY).")
    var apiKey: String?

    func validate() throws {
        if backend == nil, url != nil { throw ValidationError("--url needs --backend KIND (e.g. --backend vllm --url http://127.0.0.1:8000)") }
        if backend != nil, configuration.config != nil { throw ValidationError("give --backend or --config, not both") }
    }

    var target: ChatSession.Target {
        backend.map { .direct(kind: $0, url: url, model: model, apiKey: apiKey) } ?? .configured(file: configuration.config, route: model)
    }

    /// The route to ask: the one backend's (`default`), or `--model` among the configured ones.
    var route: String { backend == nil ? (model ?? "default") : "default" }
}
