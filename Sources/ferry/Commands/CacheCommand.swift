import ArgumentParser
import AsyncHTTPClient
import FerryCache
import FerryConfig
import FerryCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// `ferry cache stats|clear`: the response cache of a running `ferry serve` (`--url`), or the configured SQLite or
/// PostgreSQL store directly.
struct CacheCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Show or clear the response cache.",
        discussion: """
            With --url, asks a running `ferry serve` (GET /status; DELETE /admin/cache with --admin-key or \
            SERVER_ADMIN_KEY). Without it, works on the configured store (cache.store: sqlite or postgres); the memory \
            store lives inside `ferry serve`, so it needs --url.
            """,
        subcommands: [Stats.self, Clear.self],
        defaultSubcommand: Stats.self
    )

    struct Target: ParsableArguments {
        @OptionGroup var options: ConfigOptions
        @Option(help: "A running ferry serve, e.g. http://127.0.0.1:8080.") var url: String?
        @Option(help: "The server's admin key (default: SERVER_ADMIN_KEY).") var adminKey: String?

        /// The configured store, when there is one this process can open.
        func store() async throws -> any CacheStore {
            let configuration: FerryConfiguration
            do {
                configuration = try await ConfigurationLoader.load(file: options.config)
            } catch {
                throw ValidationError(error.description)
            }
            guard let cache = configuration.cache else { throw ValidationError("no cache is configured (cache.store, or CACHE_STORE=memory|sqlite|postgres)") }
            guard cache.store != .memory else { throw ValidationError("the memory cache lives inside ferry serve: give its address with --url http://HOST:PORT") }
            return try await CacheSetup.store(cache)
        }

        /// `method path` on the server; the body, or a failure that says why.
        func call(_ method: HTTPMethod, _ path: String) async throws -> Data {
            guard let url else { throw ValidationError("--url is needed") }
            var request = HTTPClientRequest(url: url.trimmingSuffix("/") + path)
            request.method = method
            if let key = adminKey ?? ProcessInfo.processInfo.environment["SERVER_ADMIN_KEY"] { request.headers.add(name: "authorization", value: "Bearer \(key)") }
            let response: HTTPClientResponse
            do {
                response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            } catch {
                throw ValidationError("cannot reach \(url): \(error)")
            }
            let body = Data((try await response.body.collect(upTo: 1 << 20)).readableBytesView)
            guard response.status == .ok else { throw ValidationError("\(url)\(path) answered \(response.status.code): \(String(decoding: body, as: UTF8.self))") }
            return body
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Entries, bytes, evictions, and (from a server) hits, misses and the hit ratio.")
        @OptionGroup var target: Target
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            ConsoleLogging.bootstrap(level: .warning)
            if target.url != nil {
                struct Status: Decodable { var cache: ResponseCache.Snapshot? }
                guard let snapshot = try JSONDecoder().decode(Status.self, from: try await target.call(.GET, "/status")).cache else {
                    throw ValidationError("\(target.url!) has no cache (cache.store is not set there)")
                }
                if json { return try ConsoleLogging.printJSON(snapshot) }
                ConsoleLogging.say(String(format: "%@ store: %d entries, %@, %d evictions; %d hits, %d misses (hit ratio %.1f %%), %d bypassed",
                    snapshot.store, snapshot.entries ?? 0, Self.bytes(snapshot.bytes ?? 0), snapshot.evictions ?? 0, snapshot.hits, snapshot.misses, snapshot.hitRatio * 100, snapshot.bypassed))
                return
            }
            let store = try await target.store()
            let statistics = try await store.statistics()
            if json { return try ConsoleLogging.printJSON(statistics) }
            ConsoleLogging.say("\(store.kind) store: \(statistics.entries) entries, \(Self.bytes(statistics.bytes))")
        }

        static func bytes(_ count: Int) -> String {
            count < 1 << 20 ? String(format: "%.1f KB", Double(count) / 1024) : String(format: "%.1f MB", Double(count) / 1_048_576)
        }
    }

    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove every cached answer, or one route's.")
        @OptionGroup var target: Target
        @Option(help: "Only this route's answers.") var route: String?

        func run() async throws {
            ConsoleLogging.bootstrap(level: .warning)
            if target.url != nil {
                struct Cleared: Decodable { var removed: Int }
                let query = route.map { "?route=" + ($0.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? $0) } ?? ""
                let cleared = try JSONDecoder().decode(Cleared.self, from: try await target.call(.DELETE, "/admin/cache" + query))
                return ConsoleLogging.say("removed \(cleared.removed) cached answers" + (route.map { " of route \($0)" } ?? ""))
            }
            let removed = try await target.store().removeAll(route: route)
            ConsoleLogging.say("removed \(removed) cached answers" + (route.map { " of route \($0)" } ?? ""))
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
