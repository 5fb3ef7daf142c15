import ArgumentParser
import FerryCore
import FerryRouter
import Foundation
import Logging

/// `ferry ask "question"`: one answer, streamed to standard output.
struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask one question (or pipe it on standard input) and stream the answer.",
        discussion: "Backends come from --config or the environment, as for `ferry serve`. Exit code 1 when no answer came."
    )

    @Argument(help: "The question; read from standard input when left out.")
    var question: [String] = []

    @OptionGroup var options: ConfigOptions

    @Option(help: "The route (model name) to ask (default: the only route, or `default`).")
    var model: String?

    @Option(help: "A system prompt.")
    var system: String?

    @Option(help: "Sampling temperature (0 to 2).")
    var temperature: Double?

    @Option(help: "The most tokens to generate.")
    var maxTokens: Int?

    @Flag(help: "Print the whole response (text, tool calls, usage, backend, timings) as JSON instead of streaming.")
    var json = false

    func validate() throws {
        if let temperature, !(0...2).contains(temperature) { throw ValidationError("--temperature must be between 0 and 2") }
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .warning)
        var text = question.joined(separator: " ")
        if text.isEmpty {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard !text.isEmpty else { throw ValidationError("nothing to ask: give a question, or pipe one on standard input") }
        let setup = try await ConfiguredRouter.load(file: options.config)
        try await setup.using { setup in
            var messages: [ChatMessage] = []
            if let system { messages.append(.system(system)) }
            messages.append(.user(text))
            let routes = setup.router.routes
            var request = ChatRequest(model: model ?? (routes.count == 1 ? routes[0].name : "default"), messages: messages, includeUsage: true)
            request.sampling.temperature = temperature
            request.sampling.maxTokens = maxTokens
            let started = ContinuousClock.now
            do {
                let routed = try await setup.router.routedStreamChat(request)
                var assembler = ChatStreamAssembler()
                var firstToken: Duration?
                for try await event in routed.value {
                    if case .textDelta(let piece) = event {
                        firstToken = firstToken ?? (ContinuousClock.now - started)
                        if !json { FileHandle.standardOutput.write(Data(piece.utf8)) }
                    }
                    try assembler.consume(event)
                }
                let response = assembler.response()
                if json {
                    let report = AskReport(
                        response: response, backend: routed.backend, attempts: routed.attempts,
                        timeToFirstTokenMs: firstToken.map { $0.seconds * 1000 }, totalMs: (ContinuousClock.now - started).seconds * 1000
                    )
                    try ConsoleLogging.printJSON(report)
                } else {
                    for call in response.message.toolCalls { ConsoleLogging.say("\n[tool call] \(call.name) \(call.arguments)") }
                    ConsoleLogging.say("")
                }
            } catch let error as FerryError {
                FileHandle.standardError.write(Data("ferry ask: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}

/// `ferry ask --json` output.
struct AskReport: Encodable {
    var response: ChatResponse
    var backend: String
    var attempts: Int
    var timeToFirstTokenMs: Double?
    var totalMs: Double
}
