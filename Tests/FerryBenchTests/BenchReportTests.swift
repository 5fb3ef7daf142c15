import FerryBench
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The report's JSON layout and its SVG chart.
@Suite("Bench report")
struct BenchReportTests {
    static func report() -> BenchReport {
        var plan = BenchPlan(targets: [BenchTarget(name: "direct", url: "http://127.0.0.1:8000"), BenchTarget(name: "ferry & co", url: "http://127.0.0.1:8080")], levels: [.concurrency(1), .concurrency(4)])
        plan.baseline = "direct"
        plan.slo = ServiceLevelObjective(ttftMs: 500)
        let records = BenchMetricsTests.records
        let results = plan.levels.flatMap { level in plan.targets.map { LevelResult(target: $0.name, level: level, records: records, durationSeconds: 1, slo: plan.slo) } }
        let differences = plan.levels.map { PairedDifference(target: "ferry & co", baseline: "direct", level: $0, records: records, baselineRecords: records) }
        return BenchReport(plan: plan, targets: plan.targets, results: results, differences: differences, wallSeconds: 3)
    }

    @Test("the JSON has the documented top-level keys and snake_case metric names")
    func json() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Self.report().json()) as? [String: Any])
        #expect(Set(object.keys) == ["schema", "settings", "targets", "results", "differences", "wall_seconds"])
        #expect(object["schema"] as? String == "ferry.bench/1")
        let result = try #require((object["results"] as? [[String: Any]])?.first)
        for key in ["target", "level", "completed", "failed", "duration_seconds", "request_throughput", "output_throughput", "goodput", "ttft_ms", "tpot_ms", "itl_ms", "e2el_ms", "errors"] {
            #expect(result[key] != nil, "results[0].\(key)")
        }
        let ttft = try #require(result["ttft_ms"] as? [String: Any])
        #expect(Set(ttft.keys) == ["count", "mean", "std", "median", "p50", "p90", "p95", "p99", "min", "max"])
        #expect((result["level"] as? [String: Any])?["concurrency"] != nil)
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(settings["mode"] as? String == "concurrency")
        #expect(settings["levels"] as? [Double] == [1, 4])
    }

    @Test("the chart is well-formed SVG with one series per target in each panel")
    func chart() throws {
        let svg = Self.report().chart()
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = SeriesCollector()
        parser.delegate = collector
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(collector.root == "svg")
        #expect(collector.panels == 2)
        #expect(collector.series == ["direct", "ferry & co", "direct", "ferry & co"])
        #expect(collector.polylinePoints.allSatisfy { $0.split(separator: " ").count == 2 })
    }
}

final class SeriesCollector: NSObject, XMLParserDelegate {
    var root: String?
    var panels = 0
    var series: [String] = []
    var polylinePoints: [String] = []

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        root = root ?? element
        if element == "g", attributes["class"] == "panel" { panels += 1 }
        if element == "g", attributes["class"] == "series", let target = attributes["data-target"] { series.append(target) }
        if element == "polyline", let points = attributes["points"] { polylinePoints.append(points) }
    }
}
