import ArgumentParser
import FerryAgent
import FerryConfig
import FerryCore
import FerryRAG
import Foundation
import Logging

/// `ferry chat`: an interactive session with streamed answers.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Chat with a model from the terminal, answers streamed as they come.",
        discussion: """
            Backends come from --backend/--url/--model, or else from --config or the environment, as for `ferry serve`.
            Commands: /model [NAME], /backend [KIND [URL]], /system [TEXT], /tools, /reset, /save FILE, /help, /exit.
            With --mcp (a command line speaking MCP on stdio, or an http:// URL; repeatable), the model may call the \
            servers' tools: each turn runs until it answers, the calls and results shown as they happen.
            With --rag COLLECTION, answers come from the collection's documents with numbered sources, and the \
            conversation is a session (its id is shown; `ferry query --session ID` continues it).
            Ctrl-C stops the answer being written; at the prompt, press it twice (or Ctrl-D) to leave.
            """
    )

    enum BackendKind: String, ExpressibleByArgument, CaseIterable {
        case vllm, ollama, llamacpp, openai, openrouter, gemini, anthropic, tgi, generic, local
    }

    @OptionGroup var target: BackendOptions

    @Option(help: "A system prompt.")
    var system: String?

    @Option(help: "Sampling temperature (0 to 2).")
    var temperature: Double?

    @Option(help: "The most tokens per answer.")
    var maxTokens: Int?

    @Option(help: "Answer from this collection's documents, with sources; the conversation is kept as a session.")
    var rag: String?

    @Option(help: "With --rag: adaptive (default; follow-ups are rewritten with the conversation) or simple.")
    var mode: QueryMode = .adaptive

    @Option(name: .customLong("mcp"), help: "An MCP server whose tools the model may call: a command line (stdio) or an http:// URL. Repeatable; /tools lists them.")
    var mcp: [String] = []

    @Flag(help: "Show each attempt, the backend, time to first token, tokens/s and the raw events.")
    var debug = false

    func validate() throws {
        if let temperature, !(0...2).contains(temperature) { throw ValidationError("--temperature must be between 0 and 2") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
        if rag != nil, !mcp.isEmpty { throw ValidationError("give --rag or --mcp, not both") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: debug ? .debug : .error)
        var sampling = SamplingParameters()
        sampling.temperature = temperature
        sampling.maxTokens = maxTokens
        let grounding = rag.map { ChatSession.Grounding(collection: $0, mode: mode) }
        let servers = try MCPServerSpec.commandLines(mcp)
        let session = try await ChatSession.open(target.target, system: system, sampling: sampling, grounding: grounding, mcp: servers, debug: debug)
        try await session.run()
    }
}
