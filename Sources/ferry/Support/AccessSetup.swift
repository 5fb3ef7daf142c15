import ArgumentParser
import FerryAccess
import FerryConfig
import FerryCore
import FerryRAG
import Logging
import ServiceLifecycle

/// The key store `ferry serve`, `ferry keys` and `ferry usage` share: the data folder's `access.sqlite`, or
/// PostgreSQL (`keys.store: postgres`).
enum AccessSetup {
    static func store(_ configuration: KeysConfiguration) async throws -> any AccessStore {
        do {
            switch configuration.store {
            case .sqlite:
                return try SQLiteAccessStore(path: configuration.sqlitePath)
            case .postgres:
                let url = try PostgresURL(configuration.postgresURL ?? "")
                return try await PostgresAccessStore(configuration: PostgresRAGStore.configuration(url), location: url.location)
            }
        } catch let error as FerryError {
            throw ValidationError("\(error.message); \(error.hint)")
        }
    }

    /// `ferry serve`'s keys: the configuration's and the store's, loaded now.
    static func accessControl(_ configuration: FerryConfiguration) async throws -> AccessControl {
        let access = AccessControl(staticKeys: configuration.apiKeys, store: try await store(configuration.keys), metricsLabel: configuration.keys.metricsLabel)
        try await access.reload()
        return access
    }
}

/// Keeps ``AccessControl`` current while the gateway runs (keys reloaded, usage written); on shutdown it writes
/// what is left — after the gateway's last answers, as it starts before the gateway.
struct AccessService: Service {
    let access: AccessControl

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await access.run()
        }
    }
}
