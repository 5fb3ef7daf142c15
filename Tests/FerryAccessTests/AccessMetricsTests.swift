@testable import FerryAccess
import FerryCore
import MetricsTestKit
import Testing

@Suite("Key metrics")
struct AccessMetricsTests {
    @Test("refusals are counted by reason; a key's name labels its requests only when asked")
    func labels() throws {
        let metrics = TestMetrics()
        let labelled = AccessControl(staticKeys: ["sk-a"], store: nil, metricsLabel: true, metrics: metrics)
        _ = labelled.admit(secret: "sk-a")
        _ = labelled.admit(secret: "sk-a")
        _ = labelled.admit(secret: "sk-wrong")
        _ = labelled.admit(secret: nil)
        #expect(try metrics.expectCounter("ferry_key_requests_total", [("key", "static-1")]).totalValue == 2)
        #expect(try metrics.expectCounter("ferry_key_refusals_total", [("reason", "unknown")]).totalValue == 1)
        #expect(try metrics.expectCounter("ferry_key_refusals_total", [("reason", "missing")]).totalValue == 1)

        let plain = TestMetrics()
        let unlabelled = AccessControl(staticKeys: ["sk-a"], store: nil, metrics: plain)
        _ = unlabelled.admit(secret: "sk-a")
        #expect((try? plain.expectCounter("ferry_key_requests_total", [("key", "static-1")])) == nil)
    }
}
