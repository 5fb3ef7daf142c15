import FerryCore
import FerryProviders
import FerryRouter
import Logging
import ServiceLifecycle

/// Re-resolves `dns://` backends at an interval and updates the router's replicas: new addresses join, gone ones
/// leave, the ones that stay keep their circuit and statistics. When a name stops resolving, the last known
/// replicas stay. A ``Service`` for the application's `ServiceGroup`.
public struct ReplicaDiscovery: Service {
    public let backends: [FerryConfiguration.Backend]
    public let router: Router
    public let http: ProviderHTTPClient
    public let interval: Duration
    public let logger: Logger

    public init(backends: [FerryConfiguration.Backend], router: Router, http: ProviderHTTPClient, interval: Duration, logger: Logger = Logger(label: "ferry.dns")) {
        self.backends = backends
        self.router = router
        self.http = http
        self.interval = interval
        self.logger = logger
    }

    /// Resolves every name once and updates the router.
    public func refresh() async {
        for backend in backends {
            do {
                let replicas = try await RouterFactory.replicas(of: backend, http: http)
                let before = Set(router.routes.flatMap(\.backends).filter { $0.group == backend.name }.map(\.name))
                router.replaceReplicas(of: backend.name, with: replicas)
                let after = Set(replicas.map(\.name))
                if before != after {
                    logger.info("replicas changed", metadata: ["backend": "\(backend.name)", "replicas": "\(after.sorted().joined(separator: ", "))"])
                }
            } catch {
                logger.warning("resolution failed; keeping the last known replicas", metadata: ["backend": "\(backend.name)", "error": "\(error)"])
            }
        }
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                await refresh()
            }
        }
    }
}
