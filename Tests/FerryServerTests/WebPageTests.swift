import CompressNIO
import FerryAccess
import FerryCore
import FerryRouter
@testable import FerryServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MetricsTestKit
import NIOCore
import Testing

@Suite("The web page: served at / to browsers, with entity tags, gzip and a strict CSP")
struct WebPageTests {
    private func withGateway(_ settings: GatewaySettings = GatewaySettings(), _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let gateway = Gateway(router: FerryRouter.Router(routes: []), settings: settings, logger: Logger(label: "test"), metrics: TestMetrics())
        try await Application(router: gateway.makeRouter()).test(.router, test)
    }

    private static let html: HTTPFields = [.accept: "text/html,application/xhtml+xml,*/*;q=0.8"]

    @Test("a browser gets the page at /, an Ollama client \"Ollama is running\"")
    func negotiation() async throws {
        try await withGateway { client in
            try await client.execute(uri: "/", method: .get, headers: Self.html) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.contentSecurityPolicy] == WebPage.contentSecurityPolicy)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(String(buffer: response.body).contains(#"<script type="module" src="/web/main.js"></script>"#))
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body) == "Ollama is running")
            }
            try await client.execute(uri: "/", method: .head, headers: Self.html) { response in
                #expect(response.status == .ok && response.body.readableBytes == 0)
                #expect(response.headers[.eTag] != nil)
            }
        }
    }

    @Test("files: an entity tag and 304, gzip when accepted (and its own tag), 404 in OpenAI's shape")
    func files() async throws {
        try await withGateway { client in
            let plain = try await client.execute(uri: "/web/main.js", method: .get)
            #expect(plain.status == .ok && plain.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(plain.headers[.contentEncoding] == nil && plain.headers[.vary] == "Accept-Encoding")
            let etag = try #require(plain.headers[.eTag])
            try await client.execute(uri: "/web/main.js", method: .get, headers: [.ifNoneMatch: "\"other\", \(etag)"]) { response in
                #expect(response.status == .notModified && response.body.readableBytes == 0)
            }
            var gzipped = try await client.execute(uri: "/web/chat.js", method: .get, headers: [.acceptEncoding: "br, gzip, deflate"]).body
            let whole = try await client.execute(uri: "/web/chat.js", method: .get).body
            let compressed = try await client.execute(uri: "/web/chat.js", method: .get, headers: [.acceptEncoding: "gzip"])
            #expect(compressed.headers[.contentEncoding] == "gzip" && compressed.headers[.eTag]?.hasSuffix("-gz\"") == true)
            #expect(gzipped.readableBytes < whole.readableBytes / 2)
            #expect(try gzipped.decompress(with: .gzip()) == whole)
            try await client.execute(uri: "/web/chat.js", method: .get, headers: [.acceptEncoding: "gzip;q=0, identity"]) { response in
                #expect(response.headers[.contentEncoding] == nil)
            }
            try await client.execute(uri: "/web/nothing.js", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains(#""message":"The web page has no file nothing.js"#))
            }
        }
    }

    @Test("gateway.web false: / is Ollama's for everyone and the files are not served")
    func turnedOff() async throws {
        var settings = GatewaySettings()
        settings.web = false
        try await withGateway(settings) { client in
            try await client.execute(uri: "/", method: .get, headers: Self.html) { response in
                #expect(String(buffer: response.body) == "Ollama is running")
            }
            try await client.execute(uri: "/web/main.js", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test("with API keys the page and its files are open; /status asks for a key")
    func keys() async throws {
        try await withGateway(GatewaySettings(apiKeys: ["sk-page"])) { client in
            #expect(try await client.execute(uri: "/", method: .get, headers: Self.html).status == .ok)
            #expect(try await client.execute(uri: "/web/api.js", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/status", method: .get).status == .unauthorized)
            let status = try await client.execute(uri: "/status", method: .get, headers: [.authorization: "Bearer sk-page"])
            #expect(status.status == .ok)
            let object = try JSONSerialization.jsonObject(with: Data(status.body.readableBytesView)) as? [String: Any]
            #expect(object?["uptime_seconds"] is Double && object?["in_flight"] as? Int == 0 && object?["waiting"] as? Int == 0)
        }
    }

    @Test("every file of Web/Page is served, and every file the page names exists")
    func everyFile() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/FerryServer/Web/Page").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        let page = WebPage()
        #expect(Set(names) == Set(page.assets.keys))
        let referenced = try Regex(#"(?:/web/|\./)([\w.-]+\.(?:js|css|svg))"#)
        for name in names where name.hasSuffix(".js") || name.hasSuffix(".html") {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            for match in text.matches(of: referenced) {
                let file = String(match.output[1].substring ?? "")
                #expect(page.assets[file] != nil, "\(name) names \(file)")
            }
        }
    }

    @Test("Accept-Encoding and If-None-Match as browsers and proxies write them")
    func headerParsing() {
        #expect(WebPage.acceptsGzip([.acceptEncoding: "gzip, deflate, br, zstd"]))
        #expect(WebPage.acceptsGzip([.acceptEncoding: "*"]))
        #expect(!WebPage.acceptsGzip([.acceptEncoding: "gzip;q=0"]))
        #expect(!WebPage.acceptsGzip([.acceptEncoding: "identity"]))
        #expect(!WebPage.acceptsGzip([:]))
        #expect(WebPage.matches(["W/\"abc\""], etag: "\"abc\""))
        #expect(WebPage.matches(["*"], etag: "\"abc\""))
        #expect(!WebPage.matches(["\"abd\""], etag: "\"abc\""))
    }
}
