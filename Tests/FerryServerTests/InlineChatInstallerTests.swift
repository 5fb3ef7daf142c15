import FerryRouter
@testable import FerryServer
import HummingbirdCore
import Logging
import MetricsTestKit
import NIOCore
import NIOEmbedded
import Testing

/// The inline path must not disappear silently: on the pipeline Hummingbird builds, the installer puts the handler
/// in place; on any other, it says so (an error and a count) and leaves every request to the routes.
@Suite("Inline chat installer")
struct InlineChatInstallerTests {
    private func service(_ metrics: TestMetrics) -> InlineChatService {
        let gateway = Gateway(router: Router(routes: []), logger: Logger(label: "test"), metrics: metrics)
        return InlineChatService(gateway: gateway, maxBodyBytes: 1024)
    }

    @Test("on Hummingbird's HTTP/1 pipeline the handler lands before its codec, and nothing is counted as failed")
    func installs() throws {
        let metrics = TestMetrics()
        let inline = service(metrics)
        let configuration = HTTP1Channel.Configuration(additionalChannelHandlers: [InlineChatInstaller(service: inline)])
        #expect(InlineChatInstaller.check(configuration, logger: Logger(label: "test")))
        #expect((try? metrics.expectCounter("ferry_inline_install_failures_total").totalValue) ?? 0 == 0)
    }

    @Test("on a pipeline without the codecs it leaves the pipeline alone, and the failure is counted")
    func failsLoudly() throws {
        let metrics = TestMetrics()
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        try channel.pipeline.syncOperations.addHandler(InlineChatInstaller(service: service(metrics)))
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: InlineChatHandler.self) }
        #expect(throws: (any Error).self) { try channel.pipeline.syncOperations.handler(type: InlineChatInstaller.self) }
        #expect(try metrics.expectCounter("ferry_inline_install_failures_total").totalValue == 1)
    }
}
