import FerryLaunch

extension FerryConfiguration.Backend {
    /// Whether tools go in the prompt (``FerryConfiguration/ToolCalling/prompted``): as configured, or by default for
    /// Ferry's embedded engine, whose model's chat template has no tools.
    public var usesPromptedTools: Bool {
        if let toolCalling { return toolCalling == .prompted }
        return launch.map { EmbeddedEngine().runs($0) } ?? false
    }

    /// Whether the prompted form may be held to its schema by the backend (`response_format: json_schema`, which
    /// llama.cpp's server — the embedded engine's — turns into a grammar).
    public var constrainsPromptedTools: Bool { provider == .llamacpp }
}
