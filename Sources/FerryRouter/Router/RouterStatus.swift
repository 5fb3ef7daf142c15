import FerryCore

/// What `/status` shows: each route with its backends, their circuits, requests in flight, recent time to first
/// token and error rate, last health probe and (for servers Ferry runs) process.
public struct RouterStatus: Sendable, Codable, Hashable {
    public struct Backend: Sendable, Codable, Hashable {
        public var name: String
        /// `closed` (taking requests), `half-open` (one probe request let through) or `open` (taken out).
        public var circuit: String
        public var inFlight: Int
        /// EWMA of time to first token, in milliseconds, once measured.
        public var ttftMilliseconds: Double?
        /// The last health probe, when one has run.
        public var health: Health?
        /// Attempts, failures and times to first token over the last minutes.
        public var recent: Activity?
        /// The server process, when Ferry runs it.
        public var process: ServerProcessInfo?

        enum CodingKeys: String, CodingKey {
            case name, circuit, health, recent, process
            case inFlight = "in_flight"
            case ttftMilliseconds = "ttft_ms"
        }
    }

    /// A backend's last health probe.
    public struct Health: Sendable, Codable, Hashable {
        /// `healthy`, `degraded` or `unhealthy`.
        public var status: String
        public var detail: String
        public var secondsAgo: Double

        enum CodingKeys: String, CodingKey {
            case status, detail
            case secondsAgo = "seconds_ago"
        }
    }

    /// A backend's activity over the last `series.count × bucketSeconds` seconds: totals, and each bucket oldest
    /// first (the last is the bucket now falls in). Percentiles are nil where no first token was timed.
    public struct Activity: Sendable, Codable, Hashable {
        public struct Bucket: Sendable, Codable, Hashable {
            public var requests: Int
            public var errors: Int
            public var ttftP50Milliseconds: Double?
            public var ttftP95Milliseconds: Double?

            enum CodingKeys: String, CodingKey {
                case requests, errors
                case ttftP50Milliseconds = "ttft_p50_ms"
                case ttftP95Milliseconds = "ttft_p95_ms"
            }
        }

        public var bucketSeconds: Int
        public var requests: Int
        public var errors: Int
        /// errors / requests; nil without requests.
        public var errorRate: Double?
        public var ttftP50Milliseconds: Double?
        public var ttftP95Milliseconds: Double?
        public var series: [Bucket]

        enum CodingKeys: String, CodingKey {
            case requests, errors, series
            case bucketSeconds = "bucket_seconds"
            case errorRate = "error_rate"
            case ttftP50Milliseconds = "ttft_p50_ms"
            case ttftP95Milliseconds = "ttft_p95_ms"
        }
    }

    public struct Route: Sendable, Codable, Hashable {
        public var name: String
        public var aliases: [String]
        public var strategy: String
        public var backends: [Backend]
    }

    public var routes: [Route]
}

extension Router {
    /// The router's state now.
    public func status() -> RouterStatus {
        let now = clock.now()
        return RouterStatus(routes: routes.map { route in
            RouterStatus.Route(
                name: route.name, aliases: route.aliases, strategy: route.strategy.rawValue,
                backends: route.backends.map { backend in
                    let entry = states.snapshot(backend.name)
                    return RouterStatus.Backend(
                        name: backend.name, circuit: entry?.breaker.stateName ?? "closed", inFlight: entry?.inFlight ?? 0,
                        ttftMilliseconds: entry?.ttft.map { $0.seconds * 1000 },
                        health: entry?.health.map { RouterStatus.Health(status: $0.status.rawValue, detail: $0.detail, secondsAgo: (now - $0.at).seconds) },
                        recent: entry?.activity.summary(now: now),
                        process: (backend.model.unwrapped as? any ServerProcessReporting)?.serverProcess
                    )
                }
            )
        })
    }
}
