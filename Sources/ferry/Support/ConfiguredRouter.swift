import ArgumentParser
import Foundation
import FerryLaunch
import FerryConfig
import FerryCore
import FerryProviders
import FerryRouter

/// The configuration, shared HTTP client and router every command that talks to backends starts from.
struct ConfiguredRouter: ShutsDown {
    let configuration: FerryConfiguration
    let http: ProviderHTTPClient
    let router: Router
    /// The launched backends' processes, supervised for as long as the command needs the router.
    let supervisors: [Task<Void, Never>]

    /// Loads `--config` (or the environment) with `overrides`; configuration errors become usage errors that say
    /// what to fix.
    /// `backend`, when given, replaces the configured backends (`ferry chat --backend`).
    /// `superviseProcesses: false` leaves the launched backends' processes to the caller (`ferry serve` runs them in
    /// its service group).
    static func load(file: String?, overrides: [String: String] = [:], backend: FerryConfiguration.Backend? = nil, superviseProcesses: Bool = true) async throws -> ConfiguredRouter {
        let configuration: FerryConfiguration
        do {
            configuration = try await ConfigurationLoader.load(file: file, overrides: overrides, backend: backend)
        } catch {
            throw ValidationError(error.description)
        }
        return try await make(configuration, superviseProcesses: superviseProcesses)
    }

    /// The same from a configuration already loaded (`ferry doctor` loads it first to see what it launches).
    static func make(_ configuration: FerryConfiguration, superviseProcesses: Bool = true) async throws -> ConfiguredRouter {
        try await prepareEngine(for: configuration)
        var settings = ProviderHTTPClient.Configuration()
        settings.connectTimeout = configuration.connectTimeout
        settings.maxConnectionsPerHost = configuration.maxConnectionsPerHost
        settings.idleTimeout = configuration.idleTimeout
        let http = ProviderHTTPClient(configuration: settings)
        do {
            let router = try await RouterFactory.makeRouter(configuration, http: http)
            let supervisors = (superviseProcesses ? RouterFactory.managedProcesses(of: router) : []).map { process in Task<Void, Never> { try? await process.run() } }
            return ConfiguredRouter(configuration: configuration, http: http, router: router, supervisors: supervisors)
        } catch {
            try? await http.shutdown()
            throw ValidationError(error.description)
        }
    }

    /// Installs Ferry's embedded engine on first use (progress on standard error), when a backend runs it.
    static func prepareEngine(for configuration: FerryConfiguration) async throws {
        let engine = EmbeddedEngine()
        guard configuration.backends.contains(where: { $0.launch.map(engine.runs) ?? false }) else { return }
        let clock = ContinuousClock()
        let started = clock.now
        let installing = !engine.isInstalled
        do {
            try await engine.prepare { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        } catch {
            throw ValidationError(error.description)
        }
        if installing { FileHandle.standardError.write(Data("(installed in \(String(format: "%.1f", (clock.now - started).seconds)) s)\n".utf8)) }
    }


    func shutdown() async {
        for supervisor in supervisors { supervisor.cancel() }
        for supervisor in supervisors { await supervisor.value }
        try? await http.shutdown()
    }
}
