import CoreMetrics
import FerryCore
import FerryProviders
import FerryRouter
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// Reloads `ferry serve`'s routes and backends from its configuration file: on SIGHUP at once, and when the file
/// changes (its size, time or inode, looked at every `server.reload_interval`). Each reload reads the whole
/// configuration again as at start (command line over environment over file), works out the
/// ``ConfigurationChange`` and applies it to the router (``RouterFactory/apply(_:to:http:)``): requests in flight
/// finish where they began, new ones take the new routes. A file that does not load — half written, a syntax error,
/// a route naming no backend — or a change a reload cannot make is logged as an error saying what and where, and the
/// running configuration stays. Counted as `ferry_config_reloads_total{result="applied"|"refused"}`. Without a file
/// (a configuration from the environment) SIGHUP is only logged: there is nothing to read again, and it must not
/// end the process.
///
/// (swift-configuration's `ReloadingFileProvider` watches a file the same way, but a file that fails to parse is
/// only noted at debug level and retried; here every failed reload is an error the operator sees.)
///
/// ```swift
/// let reloader = ConfigurationReloader(path: "ferry.yaml", overrides: [:], running: configuration, router: router, http: http)
/// services.append(reloader)   // in the ServiceGroup of `ferry serve`
/// ```
public final class ConfigurationReloader: Service, Sendable {
    public let path: String?
    private let overrides: [String: String]
    private let running: Mutex<FerryConfiguration>
    private let router: Router
    private let http: ProviderHTTPClient
    private let logger: Logger
    private let applied: Counter
    private let refused: Counter

    public init(
        path: String?, overrides: [String: String], running: FerryConfiguration, router: Router, http: ProviderHTTPClient,
        logger: Logger = Logger(label: "ferry.config"), metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.path = path
        self.overrides = overrides
        self.running = Mutex(running)
        self.router = router
        self.http = http
        self.logger = logger
        applied = Counter(label: "ferry_config_reloads_total", dimensions: [("result", "applied")], factory: metrics)
        refused = Counter(label: "ferry_config_reloads_total", dimensions: [("result", "refused")], factory: metrics)
    }

    /// What identifies a version of the file without reading it.
    private struct Stamp: Equatable {
        var size: Int
        var modified: Date
        var inode: Int

        init?(_ path: String) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            size = (attributes[.size] as? NSNumber)?.intValue ?? -1
            modified = attributes[.modificationDate] as? Date ?? .distantPast
            inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1
        }
    }

    private enum Trigger { case signal, tick }

    public func run() async throws {
        let hangUps = await UnixSignalsSequence(trapping: .sighup)
        guard let path else {
            for await _ in hangUps.cancelOnGracefulShutdown() {
                logger.warning("SIGHUP: there is no configuration file to reload (the configuration comes from the environment); restart ferry serve to change it")
            }
            return
        }
        let interval = running.withLock { $0.reloadInterval }
        let (triggers, continuation) = AsyncStream.makeStream(of: Trigger.self, bufferingPolicy: .bufferingNewest(1))
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in hangUps { continuation.yield(.signal) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield(.tick)
                }
            }
            var seen = Stamp(path)
            for await trigger in triggers.cancelOnGracefulShutdown() {
                let now = Stamp(path)
                if trigger == .tick, now == seen { continue }
                seen = now
                await reload(path)
            }
            continuation.finish()
            group.cancelAll()
        }
    }

    /// Reads the configuration again and applies what changed; the error that kept it from applying, if any.
    @discardableResult
    public func reload() async -> FerryError? {
        guard let path else { return FerryError(code: .configuration, message: "There is no configuration file to reload", hint: "start ferry serve with --config FILE") }
        return await reload(path)
    }

    private func reload(_ path: String) async -> FerryError? {
        let before = running.withLock { $0 }
        do {
            let reread = try await ConfigurationLoader.load(file: path, overrides: overrides)
            let change = try ConfigurationChange.between(before, reread)
            if change.changesRouting { try await RouterFactory.apply(change, to: router, http: http) }
            running.withLock { $0 = reread }
            applied.increment()
            if !change.restartOnly.isEmpty {
                logger.warning("Changed settings take effect on a restart", metadata: ["file": "\(path)", "settings": "\(change.restartOnly.joined(separator: ", "))"])
            }
            logger.notice("Configuration reloaded", metadata: [
                "file": "\(path)",
                "routes": "\(reread.routes.map(\.name).joined(separator: ", "))",
                "backends built": "\(change.built.map(\.name).joined(separator: ", "))",
                "backends removed": "\(change.removed.joined(separator: ", "))",
            ])
            return nil
        } catch {
            refused.increment()
            logger.error("The configuration was not reloaded; the running one stays", metadata: ["file": "\(path)", "error": "\(error)"])
            return error
        }
    }
}
