import ArgumentParser
import FerryAgent
import FerryConfig
import FerryCore
import FerryProviders
import Foundation
import Logging

/// `ferry agent`: a task done with tools from MCP servers, over any backend.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Do a task with tools from MCP servers, over any backend: the model calls tools until it can answer.",
        discussion: """
            Tools come from --mcp (a command speaking MCP on stdio, or an http:// URL of a Streamable HTTP server; \
            repeatable), or else from the configuration's mcp.servers. Backends as for `ferry chat`: --backend/--url/--model, \
            or --config / the environment. With --react (or a backend marked `tools: prompted`) tools go in the prompt \
            and the model's JSON actions are read back — for models without native tool calling.
            Without a task, an interactive session: each line is a task, the conversation goes on; /exit leaves.
            Examples:
              ferry agent --backend local --mcp "python3 tools.py" "What is 12 times 7?"
              ferry agent --config ferry.yaml --react --max-steps 6 --json "Convert 42 km to miles"
            """
    )

    @Argument(help: "The task (omit for an interactive session).")
    var task: String?

    @OptionGroup var target: BackendOptions

    @Option(name: .customLong("mcp"), help: "An MCP server: a command line (stdio) or an http:// URL. Repeatable.")
    var mcp: [String] = []

    @Flag(help: "Put the tools in the prompt and read JSON actions back (for models without native tool calling).")
    var react = false

    @Option(help: "Model turns at most.")
    var maxSteps = 8

    @Option(help: "The first turn's tool choice: auto (default), required (start with a tool — for small models that would answer from memory), or a tool's name.")
    var toolChoice: String = "auto"

    @Option(help: "A system prompt.")
    var system: String?

    @Option(help: "Sampling temperature (0 to 2; 0 for repeatable runs).")
    var temperature: Double?

    @Option(help: "The most tokens the model may write in one turn (a small model held to a format can otherwise run on to the end of its context).")
    var maxTokens = 1024

    @Flag(help: "Every request, tool call and result on standard error.")
    var debug = false

    @Flag(help: "Print the transcript as JSON (every step) instead of the answer.")
    var json = false

    func validate() throws {
        if maxSteps < 1 { throw ValidationError("--max-steps must be at least 1") }
        if let temperature, !(0...2).contains(temperature) { throw ValidationError("--temperature must be between 0 and 2") }
        if maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: debug ? .debug : .error)
        var servers = try MCPServerSpec.commandLines(mcp)
        let setup = try await ChatSession.connect(target.target)
        if servers.isEmpty { servers = setup.configuration.mcpServers }
        let toolbox: MCPToolbox
        do {
            toolbox = try await MCPToolbox.connect(servers)
        } catch {
            await setup.shutdown()
            FileHandle.standardError.write(Data("ferry agent: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let tools = await toolbox.tools
        if tools.isEmpty {
            FileHandle.standardError.write(Data("ferry agent: no tools (give --mcp, or mcp.servers in the configuration): the model answers alone\n".utf8))
        }
        let answering: any LanguageModel = react ? PromptedToolModel(wrapping: setup.router, constrained: false) : setup.router
        let choice: ToolChoice? = switch toolChoice {
        case "auto": nil
        case "required": .required
        case "none": ToolChoice.none
        default: .function(toolChoice)
        }
        if case .function(let name)? = choice, !tools.contains(where: { $0.definition.name == name }) {
            FileHandle.standardError.write(Data("ferry agent: --tool-choice \(name) names no tool; the tools are \(tools.map(\.definition.name).joined(separator: ", "))\n".utf8))
            await toolbox.close()
            await setup.shutdown()
            throw ExitCode(2)
        }
        var sampling = SamplingParameters()
        sampling.temperature = temperature
        sampling.maxTokens = maxTokens
        let agent = Agent(model: answering, modelName: target.route, tools: tools, limits: AgentLimits(maxSteps: maxSteps), sampling: sampling, firstToolChoice: choice)
        var conversation: [ChatMessage] = system.map { [.system($0)] } ?? []
        var failure: (any Error)?
        if let task {
            conversation.append(.user(task))
            do { _ = try await perform(agent, conversation) } catch { failure = error }
        } else {
            failure = await interact(agent, conversation)
        }
        await toolbox.close()
        await setup.shutdown()
        if let failure {
            FileHandle.standardError.write(Data("ferry agent: \(failure)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// Runs one task: the events shown as they come (or the transcript as JSON at the end); the answer.
    private func perform(_ agent: Agent, _ conversation: [ChatMessage]) async throws -> (String, [AgentEvent]) {
        var events: [AgentEvent] = []
        var answer = ""
        do {
            for try await event in agent.run(conversation) {
                events.append(event)
                if debug { FileHandle.standardError.write(Data(AgentTranscript.debugLine(event).utf8)) }
                switch event {
                case .toolCall(let call) where !json && !debug:
                    FileHandle.standardError.write(Data("→ \(call.name) \(call.arguments)\n".utf8))
                case .answer(let text):
                    answer = text
                default: break
                }
            }
        } catch {
            if json { print(AgentTranscript.json(events, answer: nil, error: "\(error)")) }
            throw error
        }
        print(json ? AgentTranscript.json(events, answer: answer, error: nil) : answer)
        return (answer, events)
    }

    /// Tasks read line by line; the conversation goes on from each answer.
    private func interact(_ agent: Agent, _ start: [ChatMessage]) async -> (any Error)? {
        var conversation = start
        while true {
            FileHandle.standardError.write(Data("task> ".utf8))
            guard let line = readLine() else { return nil }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text == "/exit" || text == "/quit" { return nil }
            conversation.append(.user(text))
            do {
                let (answer, _) = try await perform(agent, conversation)
                conversation.append(.assistant(answer))
            } catch {
                FileHandle.standardError.write(Data("ferry agent: \(error)\n".utf8))
                conversation.removeLast()
            }
        }
    }
}
