import FerryCache
import FerryCore
import FerryRouter
import FerryWire
import Hummingbird

extension Gateway {
    /// `/health` (the process is alive), `/ready` (every route has a backend whose circuit is not open),
    /// `/status` (each backend's circuit, requests in flight, last probe, and recent requests, errors and time to first
    /// token), `/metrics`
    /// (Prometheus text, when a registry is given).
    func addOperationsRoutes(to routes: Hummingbird.Router<GatewayContext>) {
        routes.get("/health") { [self] _, context in
            await serve(.openAI, context) { try json(["status": "ok"], context: context) }
        }
        routes.get("/ready") { [self] _, context in
            await serve(.openAI, context) {
                let status = router.status()
                let unready = status.routes.filter { route in !route.backends.contains { $0.circuit != "open" } }.map(\.name)
                guard unready.isEmpty else {
                    throw FerryError(
                        code: .upstreamFailure,
                        message: "Not ready: no available backend for route\(unready.count == 1 ? "" : "s") \(unready.joined(separator: ", "))",
                        hint: "see GET /status for each backend's circuit, and check the backends with `ferry doctor`",
                        httpStatus: 503
                    )
                }
                return try json(["status": "ready"], context: context)
            }
        }
        routes.get("/status") { [self] _, context in
            await serve(.openAI, context) {
                let load = limiter.load
                let status = GatewayStatus(
                    router: router.status(), cache: await cache?.snapshot(),
                    uptimeSeconds: (ContinuousClock.now - started).seconds, inFlight: load.active, waiting: load.waiting
                )
                return try json(status, context: context)
            }
        }
        if let metricsText {
            routes.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: metricsText())))
            }
        }
    }
}

/// `GET /status`: the router's status, the gateway's requests in progress and waiting, how long it has run, and the
/// cache's counts when there is a cache.
struct GatewayStatus: Encodable {
    var router: RouterStatus
    var cache: ResponseCache.Snapshot?
    var uptimeSeconds: Double
    var inFlight: Int
    var waiting: Int

    enum CodingKeys: String, CodingKey {
        case cache
        case uptimeSeconds = "uptime_seconds"
        case inFlight = "in_flight"
        case waiting
    }

    func encode(to encoder: any Encoder) throws {
        try router.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(cache, forKey: .cache)
        try container.encode((uptimeSeconds * 10).rounded() / 10, forKey: .uptimeSeconds)
        try container.encode(inFlight, forKey: .inFlight)
        try container.encode(waiting, forKey: .waiting)
    }
}
