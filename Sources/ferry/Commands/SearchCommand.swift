import ArgumentParser
import FerryCore
import FerryRAG
import Foundation
import Logging

/// `ferry search "QUERY"`: ranked passages from a collection.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a collection: ranked passages with their document, section, page and score.",
        discussion: "--json prints {\"results\": [{\"document\", \"section\", \"page\", \"chunk_id\", \"score\", \"text\"}], \"timings\": {\"embed_ms\", \"search_ms\"}}."
    )

    @Argument(help: "What to look for.")
    var query: [String]

    @OptionGroup var options: ConfigOptions

    @Option(help: "The collection (default: default).")
    var collection = CollectionInfo.defaultName

    @Option(name: .customLong("top-k"), help: "How many passages.")
    var topK = 5

    @Option(help: "hybrid (default), vector or lexical.")
    var mode: SearchMode = .hybrid

    @Option(help: "Only documents whose path matches this glob, e.g. 'manuals/*.pdf'.")
    var path: String?

    @Option(name: .customLong("meta"), help: "Only documents with this KEY=VALUE metadata (repeatable).")
    var metadata: [String] = []

    @Option(help: "Maximal marginal relevance λ (0…1; lower is more diverse).")
    var mmr: Double?

    @Flag(help: "Print JSON.")
    var json = false

    func validate() throws {
        guard (1...1000).contains(topK) else { throw ValidationError("--top-k must be between 1 and 1000") }
        if let mmr, !(0...1).contains(mmr) { throw ValidationError("--mmr must be between 0 and 1") }
        try KeyValuePairs.validate(metadata, option: "--meta")
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .warning)
        let text = query.joined(separator: " ")
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("give something to search for") }
        let setup = try await RAGSetup.load(config: options.config, needEmbedder: mode != .lexical)
        let filters = SearchFilters(path: path, metadata: KeyValuePairs.dictionary(metadata))
        let response: SearchResponse
        do {
            response = try await setup.using { setup in
                try await Retriever(store: setup.store, embedder: setup.embedder).search(
                    SearchRequest(query: text, collection: collection, topK: topK, mode: mode, filters: filters, mmrLambda: mmr)
                )
            }
        } catch let error as FerryError {
            FileHandle.standardError.write(Data("ferry search: \(error.message); \(error.hint)\n".utf8))
            throw ExitCode.failure
        }
        if json {
            try ConsoleLogging.printJSON(response.json)
            return
        }
        let terminal = Terminal.current
        if let notice = response.notice { ConsoleLogging.say(terminal.paint("note: \(notice)", .yellow)) }
        if response.results.isEmpty { ConsoleLogging.say("No passage matches.") }
        for (rank, hit) in response.results.enumerated() {
            var place = hit.chunk.document
            if !hit.chunk.section.isEmpty { place += " › " + hit.chunk.section.joined(separator: " › ") }
            if let page = hit.chunk.page { place += ", page \(page)" }
            ConsoleLogging.say(terminal.paint("\(rank + 1). \(place)", .bold) + terminal.paint(String(format: "  score %.4f", hit.score), .dim))
            let excerpt = hit.chunk.text.count > 400 ? String(hit.chunk.text.prefix(400)) + "…" : hit.chunk.text
            ConsoleLogging.say("   " + excerpt.replacingOccurrences(of: "\n", with: "\n   "))
        }
        ConsoleLogging.say(terminal.paint(String(format: "%@ search: embed %.1f ms, search %.1f ms", response.mode.rawValue, response.embedMilliseconds, response.searchMilliseconds), .dim))
    }
}

extension SearchMode: ExpressibleByArgument {}
