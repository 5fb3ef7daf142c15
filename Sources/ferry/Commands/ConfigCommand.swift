import ArgumentParser
import FerryConfig
import FerryCore
import FerryRouter
import Foundation

/// `ferry config`: the effective configuration, secrets redacted, with where each value came from.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Show the effective configuration and where each value came from (secrets redacted).")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let configuration: FerryConfiguration
        do {
            configuration = try await ConfigurationLoader.load(file: options.config)
        } catch {
            throw ValidationError(error.description)
        }
        let backends = configuration.backends.map { backend in
            ["name": backend.name, "provider": backend.provider.rawValue, "urls": backend.urls.joined(separator: ", "), "model": backend.model ?? "(the request's)", "api_key": backend.apiKey == nil ? "(none)" : "••••"]
        }
        let routes = configuration.routes.map { route in
            ["name": route.name, "backends": route.backends.joined(separator: " → "), "aliases": route.aliases.joined(separator: ", "), "strategy": route.strategy.rawValue]
        }
        let settings = configuration.provenance.map { ["key": $0.key, "value": $0.value, "source": $0.source] }
        if json {
            try ConsoleLogging.printJSON(["backends": backends, "routes": routes, "settings": settings])
            return
        }
        ConsoleLogging.say("routes:")
        for route in routes {
            ConsoleLogging.say("  \(route["name"]!): \(route["backends"]!) (\(route["strategy"]!))\(route["aliases"]!.isEmpty ? "" : ", also answers to \(route["aliases"]!)")")
        }
        ConsoleLogging.say("backends:")
        for backend in backends {
            ConsoleLogging.say("  \(backend["name"]!): \(backend["provider"]!) at \(backend["urls"]!.isEmpty ? "(default URL)" : backend["urls"]!), model \(backend["model"]!), api key \(backend["api_key"]!)")
        }
        ConsoleLogging.say("settings (value ← source):")
        for setting in settings { ConsoleLogging.say("  \(setting["key"]!) = \(setting["value"]!) ← \(setting["source"]!)") }
    }
}
