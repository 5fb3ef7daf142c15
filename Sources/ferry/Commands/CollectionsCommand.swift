import ArgumentParser
import FerryConfig
import FerryRAG
import Foundation
import Logging

/// `ferry collections [list|delete NAME]`.
struct CollectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collections",
        abstract: "List the document store's collections, or delete one.",
        subcommands: [List.self, Delete.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Collections with their documents, passages and embedding model.")
        @OptionGroup var options: ConfigOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            ConsoleLogging.bootstrap(level: .warning)
            let setup = try await RAGSetup.load(config: options.config, needEmbedder: false)
            let collections = try await setup.store.collections()
            if json {
                try ConsoleLogging.printJSON(collections.map(\.json))
                return
            }
            if collections.isEmpty {
                ConsoleLogging.say("No collections in \(setup.settings.storeDescription) yet: `ferry ingest PATH` makes one.")
                return
            }
            for collection in collections {
                let model = collection.embeddingModel.map { "\($0), \(collection.dimensions.map(String.init) ?? "?") dimensions" } ?? "no vectors (lexical only)"
                ConsoleLogging.say("\(collection.name): \(collection.documents) documents, \(collection.chunks) passages — \(model)")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a collection with its documents and passages.")
        @Argument(help: "The collection.") var name: String
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            ConsoleLogging.bootstrap(level: .warning)
            let setup = try await RAGSetup.load(config: options.config, needEmbedder: false)
            guard try await setup.store.deleteCollection(name) else {
                let known = try await setup.store.collections().map(\.name)
                throw ValidationError("there is no collection `\(name)`" + (known.isEmpty ? "" : "; there are: \(known.joined(separator: ", "))"))
            }
            ConsoleLogging.say("Deleted the collection \(name).")
        }
    }
}
