import FerryRouter
@testable import FerryServer
import Foundation
import HummingbirdCore
import Logging
import MetricsTestKit
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Testing

/// `server.max_connections`: places are taken and given back exactly; a connection beyond the limit is answered
/// 429 in its API's shape and closed, and nothing reaches the handlers after the refusal.
@Suite("Connection gate")
struct ConnectionGateTests {
    @Test("places are taken up to the limit, refusals counted, and given back when connections close")
    func places() throws {
        let metrics = TestMetrics()
        let gate = ConnectionGate(limit: 2, metrics: metrics)
        #expect(gate.enter() && gate.enter())
        #expect(!gate.enter())
        #expect(gate.count == 2)
        gate.leave()
        #expect(gate.enter())
        #expect(try metrics.expectCounter("ferry_connection_refusals_total").totalValue == 1)
        #expect(gate.acceptLimit == 4)
    }

    @Test("the refusal speaks the dialect of the path it answers")
    func shapes() throws {
        func body(_ path: String) throws -> (HTTPResponseHead, [String: Any]) {
            let (head, buffer) = ConnectionRefusalHandler.answer(path: path, limit: 7)
            return (head, try #require(JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]))
        }
        let (head, openAI) = try body("/v1/chat/completions")
        #expect(head.status.code == 429)
        #expect(head.headers["retry-after"] == ["1"] && head.headers["connection"] == ["close"])
        let error = try #require(openAI["error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains("7 client connections (server.max_connections)") == true)
        #expect(try body("/api/chat").1["error"] is String)
        #expect(try body("/v1/messages").1["type"] as? String == "error")
    }

    @Test("on a full gate a connection gets the refusal before the inline path, which never sees its request")
    func refusesFirst() throws {
        let gateway = Gateway(router: FerryRouter.Router(routes: []), logger: Logger(label: "test"), metrics: TestMetrics())
        let inline = InlineChatService(gateway: gateway, maxBodyBytes: 1024)
        let gate = ConnectionGate(limit: 1)
        #expect(gate.enter())
        let configuration = HTTP1Channel.Configuration(additionalChannelHandlers: [ConnectionGateInstaller(gate: gate), InlineChatInstaller(service: inline)])
        let channel = EmbeddedChannel()
        let http1 = HTTP1Channel(responder: { _, _, _ in Issue.record("the routes got a refused request") }, configuration: configuration)
        _ = try http1.setup(channel: channel, logger: Logger(label: "test")).wait()
        try channel.writeInbound(ByteBuffer(string: "POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"))
        var written = ""
        while let part = try channel.readOutbound(as: ByteBuffer.self) { written += String(buffer: part) }
        #expect(written.hasPrefix("HTTP/1.1 429"))
        #expect(written.contains("server.max_connections"))
        #expect(!channel.isActive)
        #expect(gate.count == 1)
    }
}
