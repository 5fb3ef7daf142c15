import ArgumentParser
import FerryAccess
import FerryConfig
import FerryCore
import Foundation

/// `ferry keys`: keys made at run time — created (the secret shown once), listed, disabled, enabled, rotated,
/// deleted — in the store `ferry serve` reads (it picks changes up within a second).
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make and manage API keys: per-key routes and limits; only a salted hash is kept.",
        discussion: """
            Keys live in the data folder's access.sqlite (FERRY_DATA_DIR, else $XDG_DATA_HOME/ferry), or in PostgreSQL \
            with keys.store: postgres. As soon as one key exists, every request to ferry serve needs one. The same \
            operations are served at /admin/keys behind server.admin_key.
            """,
        subcommands: [Create.self, List.self, Disable.self, Enable.self, Rotate.self, Delete.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a key and print its secret (shown once).")
        @OptionGroup var options: ConfigOptions
        @Option(help: "The key's name (unique; what ferry usage calls it).") var name: String
        @Option(help: "The routes it may use, comma-separated (default: every route).") var routes: String?
        @Option(help: "Requests per minute.") var rpm: Int?
        @Option(help: "Tokens (prompt and completion) per minute.") var tpm: Int?
        @Option(help: "Requests in progress at once.") var maxParallel: Int?
        @Option(help: "When it stops working: a duration from now (30d, 12h) or a date (2027-01-31).") var expires: String?
        @Flag(help: "Print {\"id\", \"name\", \"secret\"} as JSON.") var json = false

        func run() async throws {
            let asked = NewKey(name: name, routes: routes?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }, rpm: rpm, tpm: tpm, maxParallel: maxParallel, expires: expires)
            let (key, secret): (APIKey, String)
            do {
                (key, secret) = try asked.make()
            } catch {
                throw ValidationError(error.message)
            }
            let store = try await KeysCommand.store(options)
            do {
                try await store.insert(key)
            } catch let error as AccessStoreError {
                throw ValidationError(error.error.description)
            }
            if json {
                print(try KeysCommand.jsonText(KeySecretJSON(key, secret: secret)))
            } else {
                print("Created key \(key.name) (\(key.id)). Its secret, shown only now:\n\n  \(secret)\n")
                print("Send it as Authorization: Bearer <secret> (or x-api-key).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys (never their secrets).")
        @OptionGroup var options: ConfigOptions
        @Flag(help: "Print one JSON object per key.") var json = false

        func run() async throws {
            let keys = try await KeysCommand.store(options).keys()
            if json {
                print(try KeysCommand.jsonText(keys.map(KeySummaryJSON.init)))
                return
            }
            guard !keys.isEmpty else { return print("No keys. Make one with: ferry keys create --name NAME") }
            for key in keys {
                let state = key.disabled ? "disabled" : key.isExpired() ? "expired" : "active"
                let limits = [key.limits.requestsPerMinute.map { "\($0) rpm" }, key.limits.tokensPerMinute.map { "\($0) tpm" }, key.limits.maxParallel.map { "\($0) parallel" }].compactMap { $0 }
                print("\(key.name)  \(key.id)  \(state)  routes: \(key.routes.isEmpty ? "all" : key.routes.joined(separator: ","))  limits: \(limits.isEmpty ? "none" : limits.joined(separator: ", "))\(key.expiresAt.map { "  expires \(ISO8601DateFormatter().string(from: $0))" } ?? "")")
            }
        }
    }

    struct Disable: KeySwitch {
        static let configuration = CommandConfiguration(abstract: "Stop a key from working (it can be enabled again).")
        static let disables = true
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The key's name or id.") var key: String
    }

    struct Enable: KeySwitch {
        static let configuration = CommandConfiguration(abstract: "Let a disabled key work again.")
        static let disables = false
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The key's name or id.") var key: String
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a key a new secret (shown once); the old one stops working.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The key's name or id.") var key: String
        @Flag(help: "Print {\"id\", \"name\", \"secret\"} as JSON.") var json = false

        func run() async throws {
            let store = try await KeysCommand.store(options)
            guard let found = try await store.key(named: key) else { throw ValidationError("there is no key \(key): see ferry keys list") }
            let (rotated, secret) = found.rotated()
            try await store.update(rotated)
            if json {
                print(try KeysCommand.jsonText(KeySecretJSON(rotated, secret: secret)))
            } else {
                print("Rotated \(rotated.name) (\(rotated.id)). Its new secret, shown only now:\n\n  \(secret)\n")
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a key (its usage stays).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The key's name or id.") var key: String

        func run() async throws {
            let store = try await KeysCommand.store(options)
            guard let found = try await store.key(named: key), try await store.delete(id: found.id) else { throw ValidationError("there is no key \(key): see ferry keys list") }
            print("Deleted \(found.name).")
        }
    }

    /// `disable` and `enable`: one key's switch turned.
    protocol KeySwitch: AsyncParsableCommand {
        static var disables: Bool { get }
        var options: ConfigOptions { get }
        var key: String { get }
    }

    static func store(_ options: ConfigOptions) async throws -> any AccessStore {
        let configuration: FerryConfiguration
        do {
            configuration = try await ConfigurationLoader.load(file: options.config)
        } catch {
            throw ValidationError(error.description)
        }
        return try await AccessSetup.store(configuration.keys)
    }

    static func change(_ name: String, _ options: ConfigOptions, _ body: (inout APIKey) -> Void) async throws {
        let store = try await store(options)
        guard var key = try await store.key(named: name) else { throw ValidationError("there is no key \(name): see ferry keys list") }
        body(&key)
        try await store.update(key)
    }

    static func jsonText(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

extension KeysCommand.KeySwitch {
    func run() async throws {
        try await KeysCommand.change(key, options) { $0.disabled = Self.disables }
        print("\(Self.disables ? "Disabled" : "Enabled") \(key).")
    }
}
