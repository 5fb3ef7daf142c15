import ArgumentParser
import FerryAgent
import FerryConfig
import FerryCore
import FerryRAG
import FerryRouter
import FerryServer
import Foundation
import Synchronization

/// The state of a `ferry chat` session: where it talks to, the history, and the slash commands that change them.
final class ChatSession: Sendable {
    enum Target: Sendable {
        /// One backend named on the command line.
        case direct(kind: ChatCommand.BackendKind, url: String?, model: String?, apiKey: String?)
        /// The configured routes; `route` is the model asked for.
        case configured(file: String?, route: String?)
    }

    /// `--rag`: answers from a collection, the conversation kept as a session.
    struct Grounding: Sendable {
        var collection: String
        var mode: QueryMode
    }

    private struct State: Sendable {
        var target: Target
        var setup: ConfiguredRouter
        var system: String?
        var history: [ChatMessage] = []
        var quitting = false
        /// With --rag: the store and embedding model, and the session (nil until the first answer).
        var answers: AnswerSetup?
        var sessionID: String?
    }

    private let state: Mutex<State>
    private let sampling: SamplingParameters
    private let grounding: Grounding?
    /// `--mcp`: the servers whose tools the model may call (each turn is then an agent run).
    private let toolbox: MCPToolbox?
    private let debug: Bool
    private let terminal = Terminal.current
    private let interactive = isatty(STDIN_FILENO) == 1

    private init(
        target: Target, setup: ConfiguredRouter, answers: AnswerSetup?, system: String?, sampling: SamplingParameters, grounding: Grounding?, toolbox: MCPToolbox?,
        debug: Bool
    ) {
        state = Mutex(State(target: target, setup: setup, system: system, answers: answers))
        self.sampling = sampling
        self.grounding = grounding
        self.toolbox = toolbox
        self.debug = debug
    }

    static func open(
        _ target: Target, system: String?, sampling: SamplingParameters, grounding: Grounding?, mcp: [MCPServerSpec] = [], debug: Bool
    ) async throws -> ChatSession {
        let (setup, answers) = try await connect(target, grounded: grounding != nil)
        var toolbox: MCPToolbox?
        if !mcp.isEmpty {
            do {
                toolbox = try await MCPToolbox.connect(mcp)
            } catch {
                await setup.shutdown()
                throw ValidationError("\(error)")
            }
        }
        return ChatSession(target: target, setup: setup, answers: answers, system: system, sampling: sampling, grounding: grounding, toolbox: toolbox, debug: debug)
    }

    /// The routes of `target`, and with --rag the store and embedding model over them.
    static func connect(_ target: Target, grounded: Bool) async throws -> (ConfiguredRouter, AnswerSetup?) {
        let setup = try await connect(target)
        guard grounded else { return (setup, nil) }
        do {
            return (setup, try await AnswerSetup.make(routes: setup))
        } catch {
            await setup.shutdown()
            throw error
        }
    }

    static func connect(_ target: Target) async throws -> ConfiguredRouter {
        switch target {
        case .configured(let file, _):
            return try await ConfiguredRouter.load(file: file)
        case .direct(let kind, let url, let model, let apiKey):
            return try await ConfiguredRouter.load(file: nil, backend: backend(kind, url: url, model: model, apiKey: apiKey))
        }
    }

    static func backend(_ kind: ChatCommand.BackendKind, url: String?, model: String?, apiKey: String?) -> FerryConfiguration.Backend {
        // `local` without a URL: Ferry's embedded engine.
        if kind == .local, url == nil { return .embeddedEngine }
        let environment = ProcessInfo.processInfo.environment
        let (provider, defaultURL, keyName): (FerryConfiguration.ProviderKind, String?, String?) = switch kind {
        case .vllm: (.vllm, "http://127.0.0.1:8000", "VLLM_API_KEY")
        case .ollama: (.ollama, "http://127.0.0.1:11434", nil)
        case .llamacpp: (.llamacpp, "http://127.0.0.1:8080", nil)
        case .tgi: (.tgi, "http://127.0.0.1:8080", "HF_TOKEN")
        case .generic, .local: (.generic, "http://127.0.0.1:8000", nil)
        case .openai: (.openai, nil, "OPENAI_API_KEY")
        case .openrouter: (.openrouter, nil, "OPENROUTER_API_KEY")
        case .gemini: (.gemini, nil, "GEMINI_API_KEY")
        case .anthropic: (.anthropic, nil, "ANTHROPIC_API_KEY")
        }
        return FerryConfiguration.Backend(
            name: kind.rawValue, provider: provider, urls: (url ?? defaultURL ?? provider.defaultURL).map { [$0] } ?? [], model: model,
            apiKey: apiKey ?? keyName.flatMap { environment[$0] }
        )
    }

    // MARK: The loop

    func run() async throws {
        let lines = LineReader.standardInput()
        let interrupts = InterruptMonitor(
            onHint: { [terminal] in FileHandle.standardError.write(Data(terminal.paint("\n(Ctrl-C again or Ctrl-D to leave)\n", .dim).utf8)) },
            onQuit: { FileHandle.standardError.write(Data("\n".utf8)); exit(0) }
        )
        let signals = await interrupts.start()
        defer { signals.cancel() }
        say(terminal.paint("ferry chat — \(describeTarget()). /help for commands; Ctrl-C stops an answer; Ctrl-D leaves.", .dim))
        var iterator = lines.makeAsyncIterator()
        while !state.withLock(\.quitting) {
            if interactive { write(terminal.paint("you› ", .bold)) }
            guard let line = await iterator.next() else { break }
            interrupts.lineEntered()
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            if text.hasPrefix("/") {
                await command(text)
            } else if let grounding {
                await interrupts.answering { await self.askDocuments(text, grounding) }
            } else if let toolbox {
                await interrupts.answering { await self.askWithTools(text, toolbox) }
            } else {
                await interrupts.answering { await self.ask(text) }
            }
        }
        await toolbox?.close()
        await state.withLock(\.answers)?.rag.shutdown()
        await state.withLock(\.setup).shutdown()
    }

    /// One turn with --mcp: an agent run — each tool call and result shown as it happens, then the answer.
    func askWithTools(_ text: String, _ toolbox: MCPToolbox) async {
        let (router, route, conversation) = state.withLock { state in
            state.history.append(.user(text))
            return (state.setup.router, routeName(state), (state.system.map { [ChatMessage.system($0)] } ?? []) + state.history)
        }
        let agent = Agent(model: router, modelName: route, tools: await toolbox.tools, sampling: sampling)
        var answer: String?
        do {
            for try await event in agent.run(conversation) {
                switch event {
                case .toolCall(let call): say(terminal.paint("[tool] \(call.name) \(call.arguments)", .dim))
                case .toolResult(let result): say(terminal.paint("[\(result.failed ? "failed" : "result")] \(result.content.prefix(300))", result.failed ? .red : .dim))
                case .answer(let text): answer = text
                case .asking(let step, _) where debug: debugLine("step \(step)")
                case .usage(let usage) where debug: debugLine("\(usage.promptTokens) prompt + \(usage.completionTokens) completion tokens")
                default: break
                }
            }
        } catch is CancellationError {
            say(terminal.paint("[stopped]", .dim))
        } catch {
            say(terminal.paint("error: \(error)", .red))
        }
        if let answer { say(terminal.paint("assistant› ", .cyan) + answer) }
        state.withLock { state in
            if let answer { state.history.append(.assistant(answer)) } else { state.history.removeLast() }
        }
    }

    /// `/tools`: the MCP servers' tools.
    private func listTools() async {
        guard let toolbox else { return say("no tools: start ferry chat with --mcp \"command args\" (or an http:// URL)") }
        for tool in await toolbox.tools {
            say("\(tool.definition.name) (\(tool.connection.spec.name))\(tool.definition.description.map { ": \($0)" } ?? "")")
        }
    }

    /// One turn: the question joins the history, the answer streams, and joins it too (even when stopped).
    func ask(_ text: String) async {
        let (router, request) = state.withLock { state in
            state.history.append(.user(text))
            var request = ChatRequest(model: routeName(state), messages: (state.system.map { [ChatMessage.system($0)] } ?? []) + state.history, includeUsage: true)
            request.sampling = sampling
            return (state.setup.router, request)
        }
        let clock = ContinuousClock()
        let started = clock.now
        var assembler = ChatStreamAssembler()
        var firstToken: Duration?
        var backend = "?"
        var failure: String?
        write(terminal.paint("assistant› ", .cyan))
        do {
            let routed = try await router.routedStreamChat(request)
            backend = routed.backend
            if debug {
                for (number, error) in routed.failedAttempts.enumerated() {
                    debugLine("attempt \(number + 1) on \(error.location.backend ?? "?") failed: \(error.message)")
                }
                debugLine("attempt \(routed.attempts) on \(routed.backend) answered")
            }
            for try await event in routed.value {
                if debug { debugLine("event \(event)") }
                if case .textDelta(let piece) = event {
                    firstToken = firstToken ?? (clock.now - started)
                    write(piece)
                }
                try assembler.consume(event)
            }
        } catch let error as FerryError where error.code == .cancelled {
        } catch let error as FerryError {
            failure = error.description
        } catch is CancellationError {
        } catch {
            failure = "\(error)"
        }
        let stopped = Task.isCancelled
        let response = assembler.response()
        for call in response.message.toolCalls { write("\n[tool call] \(call.name) \(call.arguments)") }
        write("\n")
        if stopped { say(terminal.paint("[stopped]", .dim)) }
        if let failure { say(terminal.paint("error: \(failure)", .red)) }
        state.withLock { state in
            if response.message.text.isEmpty, response.message.toolCalls.isEmpty {
                if failure != nil { state.history.removeLast() }
            } else {
                state.history.append(response.message)
            }
        }
        if debug, failure == nil {
            let total = clock.now - started
            let tokens = response.usage?.completionTokens
            let generating = total - (firstToken ?? .zero)
            var rate: Double?
            if let tokens, tokens > 1, generating > .zero { rate = Double(tokens - 1) / generating.seconds }
            var parts = ["backend \(backend)", "TTFT " + (firstToken.map { "\($0.milliseconds) ms" } ?? "—"), "total \(total.milliseconds) ms"]
            if let tokens { parts.append("\(tokens) tokens") }
            if let rate { parts.append(String(format: "%.1f tokens/s", rate)) }
            if let reason = response.finishReason { parts.append("finish \(reason.openAIValue)") }
            debugLine(parts.joined(separator: " · "))
        }
    }

    /// One turn with --rag: the answer from the collection, streamed, then its sources; the session goes on.
    func askDocuments(_ text: String, _ grounding: Grounding) async {
        let (answers, sessionID, route) = state.withLock { ($0.answers, $0.sessionID, routeName($0)) }
        guard let answers else { return }
        write(terminal.paint("assistant› ", .cyan))
        do {
            var request = AnswerRequest(question: text, mode: grounding.mode, collection: grounding.collection, context: .session(sessionID))
            request.sampling = sampling
            let summary = try await answers.answerer(route: route).answer(request) { event in
                if case .delta(let piece) = event { write(piece) }
            }
            write("\n")
            state.withLock { $0.sessionID = summary.sessionID }
            QueryCommand.printSources(summary, terminal: terminal)
            if sessionID == nil, let id = summary.sessionID {
                say(terminal.paint("session \(id) (`ferry query --session \(id) …` continues it)", .dim))
            }
            if debug {
                debugLine("session \(summary.sessionID ?? "-") · queries \(summary.queries) · backend \(summary.backend ?? "none") · " + String(format: "retrieval %.0f ms, generation %.0f ms", summary.timings.retrievalMilliseconds, summary.timings.generationMilliseconds))
            }
        } catch is CancellationError {
            write("\n")
            say(terminal.paint("[stopped]", .dim))
        } catch let error as FerryError {
            write("\n")
            say(terminal.paint(error.code == .cancelled ? "[stopped]" : "error: \(error.description)", error.code == .cancelled ? .dim : .red))
        } catch {
            write("\n")
            say(terminal.paint("error: \(error)", .red))
        }
    }

    // MARK: Slash commands

    func command(_ line: String) async {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let argument = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0].lowercased() {
        case "/help", "/?":
            say("""
                /model [NAME]          show or change the model (the route, with a configuration)
                /backend [KIND [URL]]  show or change the backend: \(ChatCommand.BackendKind.allCases.map(\.rawValue).joined(separator: ", "))
                /system [TEXT]         show or set the system prompt (/system - clears it)
                /tools                 the MCP servers' tools the model may call (--mcp)
                /reset                 forget the conversation
                /save FILE             write the conversation as JSON
                /exit                  leave (also Ctrl-D)
                """)
        case "/model":
            guard !argument.isEmpty else { return say("model: \(state.withLock { routeName($0) })") }
            let target: Target = switch state.withLock(\.target) {
            case .direct(let kind, let url, _, let apiKey): .direct(kind: kind, url: url, model: argument, apiKey: apiKey)
            case .configured(let file, _): .configured(file: file, route: argument)
            }
            await switchTo(target)
        case "/backend":
            guard !argument.isEmpty else { return say(describeTarget()) }
            let words = argument.split(separator: " ").map(String.init)
            guard let kind = ChatCommand.BackendKind(rawValue: words[0].lowercased()) else {
                return say(terminal.paint("unknown backend `\(words[0])`: use one of \(ChatCommand.BackendKind.allCases.map(\.rawValue).joined(separator: ", "))", .red))
            }
            let model: String? = if case .direct(_, _, let model, _) = state.withLock(\.target) { model } else { nil }
            await switchTo(.direct(kind: kind, url: words.count > 1 ? words[1] : nil, model: words.count > 1 || kind == .ollama ? model : nil, apiKey: nil))
        case "/system":
            if argument.isEmpty { return say("system: \(state.withLock(\.system) ?? "(none)")") }
            state.withLock { $0.system = argument == "-" ? nil : argument }
            say(terminal.paint(argument == "-" ? "system prompt cleared" : "system prompt set", .dim))
        case "/tools":
            await listTools()
        case "/reset":
            state.withLock {
                $0.history.removeAll()
                $0.sessionID = nil
            }
            say(terminal.paint("conversation forgotten", .dim))
        case "/save":
            guard !argument.isEmpty else { return say(terminal.paint("usage: /save FILE", .red)) }
            save(to: argument)
        case "/exit", "/quit", "/bye":
            state.withLock { $0.quitting = true }
        default:
            say(terminal.paint("unknown command \(parts[0]); /help lists them", .red))
        }
    }

    private func switchTo(_ target: Target) async {
        do {
            let (setup, answers) = try await Self.connect(target, grounded: grounding != nil)
            let (old, oldAnswers) = state.withLock { state in
                defer {
                    state.setup = setup
                    state.target = target
                    state.answers = answers
                }
                return (state.setup, state.answers)
            }
            await oldAnswers?.rag.shutdown()
            await old.shutdown()
            say(terminal.paint("now: \(describeTarget())", .dim))
        } catch {
            say(terminal.paint("cannot switch: \(error)", .red))
        }
    }

    private func save(to path: String) {
        struct Saved: Encodable {
            var model: String
            var system: String?
            var messages: [Message]
            struct Message: Encodable {
                var role: String
                var content: String
            }
        }
        let saved = state.withLock { state in
            Saved(model: routeName(state), system: state.system, messages: state.history.map { Saved.Message(role: $0.role.rawValue, content: $0.text) })
        }
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(saved).write(to: URL(fileURLWithPath: path))
            say(terminal.paint("saved \(saved.messages.count) messages to \(path)", .dim))
        } catch {
            say(terminal.paint("cannot write \(path): \(error.localizedDescription)", .red))
        }
    }

    // MARK: Helpers

    private func routeName(_ state: State) -> String {
        switch state.target {
        case .direct: "auto"
        case .configured(_, let route): route ?? (state.setup.router.routes.count == 1 ? state.setup.router.routes[0].name : "default")
        }
    }

    private func describeTarget() -> String {
        state.withLock { state in
            switch state.target {
            case .direct(let kind, _, let model, _):
                let backend = state.setup.configuration.backends.first
                let url = backend?.url ?? (backend?.launch != nil ? "Ferry's embedded engine" : "its default URL")
                return "\(kind.rawValue) at \(url), model \(model ?? "auto (the one it serves)")"
            case .configured:
                let route = routeName(state)
                let backends = state.setup.router.routes.first { $0.name == route || $0.aliases.contains(route) }?.backends.map(\.name) ?? []
                return "route \(route)" + (backends.isEmpty ? "" : " → \(backends.joined(separator: ", "))")
            }
        }
    }

    private func say(_ line: String) { write(line + "\n") }

    private func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

    private func debugLine(_ text: String) {
        FileHandle.standardError.write(Data((terminal.paint("· " + text, .dim) + "\n").utf8))
    }
}
