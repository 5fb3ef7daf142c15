import ArgumentParser
import FerryConfig
import FerryCore
import FerryProviders
import FerryRouter

/// The configuration, shared HTTP client and router every command that talks to backends starts from.
struct ConfiguredRouter {
    let configuration: FerryConfiguration
    let http: ProviderHTTPClient
    let router: Router

    /// Loads `--config` (or the environment) with `overrides`; configuration errors become usage errors that say
    /// what to fix.
    /// `backend`, when given, replaces the configured backends (`ferry chat --backend`).
    static func load(file: String?, overrides: [String: String] = [:], backend: FerryConfiguration.Backend? = nil) async throws -> ConfiguredRouter {
        let configuration: FerryConfiguration
        do {
            configuration = try await ConfigurationLoader.load(file: file, overrides: overrides, backend: backend)
        } catch {
            throw ValidationError(error.description)
        }
        var settings = ProviderHTTPClient.Configuration()
        settings.connectTimeout = configuration.connectTimeout
        let http = ProviderHTTPClient(configuration: settings)
        do {
            return ConfiguredRouter(configuration: configuration, http: http, router: try await RouterFactory.makeRouter(configuration, http: http))
        } catch {
            try? await http.shutdown()
            throw ValidationError(error.description)
        }
    }

    func shutdown() async {
        try? await http.shutdown()
    }
}
