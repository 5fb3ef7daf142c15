import FerryWire
import Hummingbird

extension SimServer {
    /// `/_sim/*`: read and change faults at run time, read and reset counters. Never affected by faults.
    ///
    /// - `GET /_sim/faults` → `{"faults": ["503@0.5"]}`
    /// - `PUT /_sim/faults` with `{"faults": [...]}` → replaces them and restarts the request count
    /// - `DELETE /_sim/faults` → no faults
    /// - `GET /_sim/stats` → counters; `POST /_sim/reset` → counters, prefix cache and request count start over
    func addControlRoutes(to router: Router<SimRequestContext>) {
        router.get("/_sim/faults") { _, _ -> Response in
            try json(FaultList(faults: engine.faults.faults.map(\.description)))
        }
        router.put("/_sim/faults") { request, context -> Response in
            let body = try await decode(FaultList.self, from: request, context: context)
            do {
                let faults = try body.faults.map { spec throws(FaultSpecError) in try FaultSpec(parsing: spec) }
                engine.faults.replace(with: faults)
            } catch let error as FaultSpecError {
                throw SimHTTPError(.badRequest, error.description, dialect: configuration.dialect, param: "faults")
            }
            return try json(FaultList(faults: engine.faults.faults.map(\.description)))
        }
        router.delete("/_sim/faults") { _, _ -> Response in
            engine.faults.replace(with: [])
            return try json(FaultList(faults: []))
        }
        router.get("/_sim/stats") { _, _ -> Response in
            var stats = engine.stats.snapshot
            stats.peakRunning = max(stats.peakRunning, await engine.scheduler.peakRunning)
            return try json(SimStatsBody(stats: stats, countedRequests: engine.faults.requestCount, waiting: await engine.scheduler.waitingCount))
        }
        router.post("/_sim/reset") { _, _ -> Response in
            engine.stats.reset()
            engine.prefixCache?.reset()
            engine.faults.replace(with: engine.faults.faults)
            await engine.scheduler.resetPeak()
            return Response(status: .noContent)
        }
    }
}

/// The faults, as their `KIND[:ARG][@WHEN]` texts.
struct FaultList: Codable, Sendable {
    var faults: [String]
}

/// `GET /_sim/stats` body.
struct SimStatsBody: Codable, Sendable {
    var stats: SimStats.Snapshot
    var countedRequests: Int
    var waiting: Int
}
