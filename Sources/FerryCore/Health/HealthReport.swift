/// The result of probing one backend.
///
/// ```swift
/// let report = await model.health()
/// if report.status != .healthy { print(report.summary) }
/// ```
public struct HealthReport: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Answering and serving models.
        case healthy
        /// Answering, but something is off (e.g. a fallback endpoint answered, or no model served).
        case degraded
        /// Not usable.
        case unhealthy
    }

    /// One endpoint tried, in order.
    public struct Probe: Sendable, Hashable, Codable {
        public var endpoint: String
        public var statusCode: Int?
        public var latency: Duration?
        public var ok: Bool
        public var detail: String?

        public init(endpoint: String, statusCode: Int? = nil, latency: Duration? = nil, ok: Bool, detail: String? = nil) {
            self.endpoint = endpoint
            self.statusCode = statusCode
            self.latency = latency
            self.ok = ok
            self.detail = detail
        }
    }

    public var backend: String
    public var url: String
    public var status: Status
    public var probes: [Probe]
    public var servedModels: [String]
    /// When unhealthy or degraded: why, and what to try.
    public var error: FerryError?

    public init(backend: String, url: String, status: Status, probes: [Probe] = [], servedModels: [String] = [], error: FerryError? = nil) {
        self.backend = backend
        self.url = url
        self.status = status
        self.probes = probes
        self.servedModels = servedModels
        self.error = error
    }

    /// The endpoint that answered successfully, if any.
    public var answeredBy: Probe? { probes.first(where: \.ok) }

    /// One line for a person: backend, status, which endpoint answered and how fast, or the error.
    public var summary: String {
        var line = "\(backend) (\(url)): \(status.rawValue)"
        if let probe = answeredBy {
            line += " via \(probe.endpoint)"
            if let latency = probe.latency { line += " in \(latency.milliseconds) ms" }
        }
        if let error { line += " — \(error)" }
        return line
    }
}
