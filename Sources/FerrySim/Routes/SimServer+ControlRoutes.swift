import FerryCore
import FerryWire
import Hummingbird

extension SimServer {
    /// `/_sim/*`: read and change faults at run time, read and reset counters. Never affected by faults.
    ///
    /// - `GET /_sim/faults` → `{"faults": ["503@0.5"]}`
    /// - `PUT /_sim/faults` with `{"faults": [...]}` → replaces them and restarts the request count
    /// - `DELETE /_sim/faults` → no faults
    /// - `GET /_sim/stats` → counters; `POST /_sim/reset` → counters, prefix cache and request count start over
    /// - `PUT /_sim/replies` with `{"replies": ["…"]}` → the next chats answer these texts, in order
    /// - `GET /_sim/requests` → the last chat requests' messages; `DELETE /_sim/requests` forgets them
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
        router.put("/_sim/replies") { request, context -> Response in
            let body = try await decode(ReplyList.self, from: request, context: context)
            engine.script.replace(replies: body.replies)
            return try json(ReplyList(replies: engine.script.pendingReplies))
        }
        router.get("/_sim/requests") { _, _ -> Response in
            try json(RequestList(requests: engine.script.recentRequests.map { request in
                RequestList.Item(model: request.model, messages: request.messages.map { .init(role: $0.role.rawValue, content: $0.text) })
            }))
        }
        router.delete("/_sim/requests") { _, _ -> Response in
            engine.script.clearRequests()
            return Response(status: .noContent)
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

/// `PUT /_sim/replies` body and answer.
struct ReplyList: Codable, Sendable {
    var replies: [String]
}

/// `GET /_sim/requests` body.
struct RequestList: Codable, Sendable {
    struct Message: Codable, Sendable {
        var role: String
        var content: String
    }

    struct Item: Codable, Sendable {
        var model: String
        var messages: [Message]
    }

    var requests: [Item]
}
