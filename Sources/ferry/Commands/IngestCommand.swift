import ArgumentParser
import FerryCore
import FerryRAG
import Foundation
import Logging

/// `ferry ingest PATH…`: documents into a collection of the document store.
struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Ingest files and folders (text, Markdown, HTML, PDF, DOCX, JSON, JSONL) into a collection; - reads standard input.",
        discussion: """
            Folders are walked recursively (hidden files, .git and node_modules left out). Unchanged files are skipped; \
            a changed file re-embeds only its changed passages. The store is in FERRY_DATA_DIR (default \
            $XDG_DATA_HOME/ferry); the embedding model is rag.embedding (default: Ferry's embedded multilingual-e5-small). \
            Exit code 1 when a named path does not exist (the others are ingested).
            """
    )

    @Argument(help: "Files or folders to ingest; - for standard input.")
    var paths: [String]

    @OptionGroup var options: ConfigOptions

    @Option(help: "The collection (default: default).")
    var collection = CollectionInfo.defaultName

    @Flag(help: "Remove the collection's documents under these paths whose files are gone.")
    var sync = false

    @Option(name: .customLong("include"), help: "Only files matching this glob (repeatable), e.g. '*.md'.")
    var include: [String] = []

    @Option(name: .customLong("exclude"), help: "Leave out files and folders matching this glob (repeatable), e.g. 'drafts/*'.")
    var exclude: [String] = []

    @Option(name: .customLong("meta"), help: "KEY=VALUE stored with each document, for search filters (repeatable).")
    var metadata: [String] = []

    @Option(help: "The name standard input is stored under.")
    var name = "-"

    @Option(help: "For JSON and JSONL: the fields holding the text (comma-separated dotted paths; default: every string field).")
    var jsonText: String?

    @Option(help: "For JSON and JSONL: the field naming each record.")
    var jsonTitle: String?

    @Flag(help: "Read and chunk every file again, even unchanged ones (their passages' vectors are still reused).")
    var force = false

    @Flag(help: "Print the summary as JSON.")
    var json = false

    func validate() throws {
        try KeyValuePairs.validate(metadata, option: "--meta")
        if paths.filter({ $0 == "-" }).count > 1 { throw ValidationError("- (standard input) can be given once") }
    }

    func run() async throws {
        ConsoleLogging.bootstrap(level: .warning)
        // With --sync a path that is gone is not an error: its documents are removed.
        let missing = sync ? [] : paths.filter { $0 != "-" && !FileManager.default.fileExists(atPath: $0) }
        for path in missing { FileHandle.standardError.write(Data("ferry ingest: \(path): no such file or folder\n".utf8)) }
        guard missing.count < paths.count else { throw ExitCode.failure }
        let setup = try await RAGSetup.load(config: options.config)
        let summary = try await setup.using { setup in
            var reader = setup.reader
            reader.json = JSONExtractor(textFields: jsonText?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } ?? [], titleField: jsonTitle)
            let ingestor = Ingestor(store: setup.store, embedder: setup.embedder, reader: reader)
            let sources: [IngestSource] = paths.filter { !missing.contains($0) }.map { $0 == "-" ? .standardInput(name: name) : .path($0) }
            var options = IngestOptions(collection: collection, sync: sync, include: include, exclude: exclude, chunking: setup.chunking, force: force)
            options.metadata = KeyValuePairs.dictionary(metadata)
            let terminal = Terminal.current
            do {
                let summary = try await ingestor.ingest(sources, options: options) { progress in
                    terminal.status(Self.progressLine(progress))
                }
                terminal.clearStatus()
                return summary
            } catch {
                terminal.clearStatus()
                throw error
            }
        }
        if json {
            try ConsoleLogging.printJSON(summary)
        } else {
            print(summary: summary)
        }
        // What was named and is not there was reported; the rest is ingested, and the exit says not all went.
        if !missing.isEmpty { throw ExitCode.failure }
    }

    static func progressLine(_ progress: IngestProgress) -> String {
        let width = 24
        let done = progress.files == 0 ? width : width * progress.filesDone / progress.files
        let bar = String(repeating: "█", count: done) + String(repeating: "░", count: width - done)
        var line = "\(bar) \(progress.filesDone)/\(progress.files) files, \(progress.chunks) passages"
        if progress.embedded > 0 { line += String(format: ", %.0f embeddings/s", progress.embeddingsPerSecond) }
        if let left = progress.secondsLeft { line += String(format: ", ETA %.0f s", left) }
        if let current = progress.current { line += "  " + (current.count > 40 ? "…" + current.suffix(39) : current) }
        return line
    }

    private func print(summary: IngestSummary) {
        let terminal = Terminal.current
        ConsoleLogging.say(terminal.paint("Collection \(summary.collection)", .bold) + String(format: " — %.1f s", summary.seconds))
        ConsoleLogging.say("  added \(summary.added.count), updated \(summary.updated.count), unchanged \(summary.unchanged.count), removed \(summary.removed.count), skipped \(summary.skipped.count)")
        let model = summary.embeddingModel.map { " with \($0)" } ?? ""
        ConsoleLogging.say("  \(summary.chunks) passages written; \(summary.embedded) embedded\(model), \(summary.reused) reused")
        if let notice = summary.notice { ConsoleLogging.say(terminal.paint("  note: \(notice)", .yellow)) }
        for path in summary.removed { ConsoleLogging.say("  removed \(path)") }
        for skipped in summary.skipped { ConsoleLogging.say(terminal.paint("  skipped \(skipped.path): \(skipped.reason)", .yellow)) }
    }
}
