import AsyncHTTPClient
import Foundation
import FerryCore
import NIOCore
import NIOHTTP1

/// Times POSTs over one keep-alive client (AsyncHTTPClient), in milliseconds, the body read whole.
struct HTTPTimer {
    let client = HTTPClient(eventLoopGroupProvider: .singleton)

    func post(_ url: String, body: Data) async throws -> Double {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let start = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 << 20)
        let elapsed = (ContinuousClock.now - start).seconds * 1000
        guard response.status == .ok else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "\(url) answered \(response.status): \(String(buffer: collected))"])
        }
        return elapsed
    }

    func shutdown() async throws {
        try await client.shutdown()
    }
}
