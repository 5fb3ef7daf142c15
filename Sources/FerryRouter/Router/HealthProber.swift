import FerryCore
import Logging
import ServiceLifecycle

/// Probes a router's backends in the background at an interval — taking failing backends out and putting
/// recovered ones back — after an optional warm-up request to each. A ``Service``: run it in the application's
/// `ServiceGroup`; it stops on graceful shutdown.
///
/// ```swift
/// let prober = HealthProber(router: router, interval: .seconds(10), warmUp: true, logger: logger)
/// let group = ServiceGroup(services: [server, prober], gracefulShutdownSignals: [.sigterm], logger: logger)
/// ```
public struct HealthProber: Service {
    public let router: Router
    public let interval: Duration
    public let warmUp: Bool
    public let logger: Logger

    public init(router: Router, interval: Duration = .seconds(10), warmUp: Bool = false, logger: Logger = Logger(label: "ferry.health")) {
        self.router = router
        self.interval = interval
        self.warmUp = warmUp
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            if warmUp {
                for (backend, error) in await router.warmUp().sorted(by: { $0.key < $1.key }) {
                    if let error {
                        logger.warning("warm-up failed", metadata: ["backend": "\(backend)", "error": "\(error)"])
                    } else {
                        logger.info("warmed up", metadata: ["backend": "\(backend)"])
                    }
                }
            }
            var previous: [String: HealthReport.Status] = [:]
            while !Task.isCancelled {
                for (backend, report) in await router.probeBackends().sorted(by: { $0.key < $1.key }) {
                    if previous[backend] != report.status {
                        let level: Logger.Level = report.status == .healthy ? .info : .warning
                        logger.log(level: level, "backend \(report.status.rawValue)", metadata: ["backend": "\(backend)", "detail": "\(report.summary)"])
                    }
                    previous[backend] = report.status
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
