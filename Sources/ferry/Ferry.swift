import ArgumentParser

/// `ferry`: one interface over vLLM, Ollama, llama.cpp and cloud LLMs.
@main
struct Ferry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ferry",
        abstract: "Ferry: one interface over vLLM, Ollama, llama.cpp and cloud LLMs.",
        subcommands: [ServeCommand.self, ChatCommand.self, AskCommand.self, AgentCommand.self, IngestCommand.self, SearchCommand.self, QueryCommand.self, CollectionsCommand.self, EvaluateCommand.self, CacheCommand.self, KeysCommand.self, UsageCommand.self, ModelsCommand.self, DoctorCommand.self, BenchCommand.self, BenchRAGCommand.self, LaunchCommand.self, EngineCommand.self, ConfigCommand.self, SimCommand.self]
    )
}
