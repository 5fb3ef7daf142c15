import ArgumentParser
import FerryConfig
import FerryCore
import FerryRAG
import Foundation
import Logging

/// `ferry query "QUESTION"`: an answer from a collection, streamed, then its numbered sources.
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Answer a question from a collection: the answer streamed, then its numbered sources.",
        discussion: """
            The answer cites its sources as [n]; they are listed after it (document, section, page). Each answer \
            belongs to a session: pass --session ID (printed after the answer) to ask a follow-up with its context. \
            --json prints {"answer", "sources", "citations", "session_id", "mode", "backend", "timings"}.
            """
    )

    @Argument(help: "The question.")
    var question: [String]

    @OptionGroup var options: ConfigOptions

    @Option(help: "The collection (default: default).")
    var collection = CollectionInfo.defaultName

    @Option(help: "simple: search the question as asked; adaptive: rewrite a follow-up with the conversation and decline when the documents do not cover it (default: rag.answer.mode).")
    var mode: QueryMode?

    @Option(help: "Continue this session (its earlier questions and answers are the context).")
    var session: String?

    @Option(name: .customLong("top-k"), help: "How many passages to give the model.")
    var topK: Int?

    @Option(help: "The route that writes the answer (default: rag.answer.route, else the only route).")
    var model: String?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        if let topK, !(1...50).contains(topK) { throw ValidationError("--top-k must be between 1 and 50") }
        if let session, !Conversation.isValidID(session) { throw ValidationError("--session takes an id as an answer prints it (letters, digits, - _ . :)") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .error)
        let text = question.joined(separator: " ")
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("give a question") }
        let setup = try await AnswerSetup.load(config: options.config)
        let request = AnswerRequest(question: text, mode: mode ?? setup.settings.answerMode, collection: collection, context: .session(session), topK: topK)
        let terminal = Terminal.current
        let summary: AnswerSummary
        do {
            summary = try await setup.using { setup in
                try await setup.answerer(route: model).answer(request) { event in
                    if !json, case .delta(let piece) = event { ConsoleLogging.write(piece) }
                }
            }
        } catch let error as FerryError {
            if !json { ConsoleLogging.say("") }
            FileHandle.standardError.write(Data("ferry query: \(error.message); \(error.hint)\n".utf8))
            throw ExitCode.failure
        }
        if json {
            try ConsoleLogging.printJSON(summary.json)
            return
        }
        ConsoleLogging.say("")
        Self.printSources(summary, terminal: terminal)
        var facts = ["session \(summary.sessionID ?? "-")", summary.mode.rawValue, "backend \(summary.backend ?? "none")"]
        facts.append(String(format: "retrieval %.0f ms, generation %.0f ms, total %.0f ms", summary.timings.retrievalMilliseconds, summary.timings.generationMilliseconds, summary.timings.totalMilliseconds))
        ConsoleLogging.say(terminal.paint(facts.joined(separator: " · "), .dim))
    }

    /// The cited sources, numbered as the answer cites them; all the sources given when it cites none.
    static func printSources(_ summary: AnswerSummary, terminal: Terminal) {
        let cited = summary.citedSources
        guard !summary.sources.isEmpty else { return }
        ConsoleLogging.say("")
        ConsoleLogging.say(terminal.paint(cited.isEmpty ? "Sources given (the answer cites none):" : "Sources:", .bold))
        for source in cited.isEmpty ? summary.sources : cited {
            ConsoleLogging.say("[\(source.n)] \(source.document)" + (source.section.map { " — \($0)" } ?? "") + (source.page.map { ", page \($0)" } ?? ""))
        }
    }
}

extension QueryMode: ExpressibleByArgument {}
