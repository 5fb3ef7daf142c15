import Foundation

extension BenchReport {
    /// An SVG chart: E2EL p50 and output-token throughput against the load level, one line per target in each
    /// panel. Each line is a `<g class="series" data-target="NAME">`.
    public func chart() -> String {
        let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
        let panels: [(title: String, value: (LevelResult) -> Double?)] = [
            ("E2EL p50 (ms)", { $0.e2elMs?.p50 }),
            ("Output tokens/s", { $0.outputThroughput }),
        ]
        let levels = levels
        let xLabel = settings.mode == "rate" ? "request rate (req/s)" : "concurrent users"
        let panelWidth = 420.0, panelHeight = 260.0, left = 64.0, top = 40.0, gap = 90.0
        let width = left + 2 * panelWidth + gap + 30
        let height = top + panelHeight + 110 + Double(targets.count) * 18
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        for (panelIndex, panel) in panels.enumerated() {
            let x0 = left + Double(panelIndex) * (panelWidth + gap)
            let values = results.compactMap(panel.value)
            let top = values.max().map { $0 > 0 ? $0 * 1.1 : 1 } ?? 1
            func x(_ index: Int) -> Double { levels.count == 1 ? x0 + panelWidth / 2 : x0 + panelWidth * Double(index) / Double(levels.count - 1) }
            func y(_ value: Double) -> Double { BenchReport.chartTop + panelHeight * (1 - value / top) }
            svg += "<g class=\"panel\" data-metric=\"\(Self.escape(panel.title))\">\n"
            svg += "<text x=\"\(x0 + panelWidth / 2)\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">\(Self.escape(panel.title))</text>\n"
            svg += "<line x1=\"\(x0)\" y1=\"\(y(0))\" x2=\"\(x0 + panelWidth)\" y2=\"\(y(0))\" stroke=\"#333\"/>\n"
            svg += "<line x1=\"\(x0)\" y1=\"\(y(0))\" x2=\"\(x0)\" y2=\"\(y(top))\" stroke=\"#333\"/>\n"
            for tick in 0...4 {
                let value = top * Double(tick) / 4
                svg += "<line x1=\"\(x0 - 4)\" y1=\"\(y(value))\" x2=\"\(x0 + panelWidth)\" y2=\"\(y(value))\" stroke=\"#ddd\"/>"
                svg += "<text x=\"\(x0 - 6)\" y=\"\(y(value) + 4)\" text-anchor=\"end\">\(Self.number(value))</text>\n"
            }
            for (index, level) in levels.enumerated() {
                svg += "<text x=\"\(x(index))\" y=\"\(y(0) + 18)\" text-anchor=\"middle\">\(Self.number(level.value))</text>\n"
            }
            svg += "<text x=\"\(x0 + panelWidth / 2)\" y=\"\(y(0) + 38)\" text-anchor=\"middle\">\(xLabel)</text>\n"
            for (targetIndex, target) in targets.enumerated() {
                let colour = palette[targetIndex % palette.count]
                let points = levels.enumerated().compactMap { index, level in result(target.name, level).flatMap(panel.value).map { (x(index), y($0)) } }
                svg += "<g class=\"series\" data-target=\"\(Self.escape(target.name))\">"
                svg += "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points.map { "\(Self.coordinate($0.0)),\(Self.coordinate($0.1))" }.joined(separator: " "))\"/>"
                for point in points { svg += "<circle cx=\"\(Self.coordinate(point.0))\" cy=\"\(Self.coordinate(point.1))\" r=\"3\" fill=\"\(colour)\"/>" }
                svg += "</g>\n"
            }
            svg += "</g>\n"
        }
        for (targetIndex, target) in targets.enumerated() {
            let y = top + panelHeight + 70 + Double(targetIndex) * 18
            svg += "<rect x=\"\(left)\" y=\"\(y - 10)\" width=\"14\" height=\"4\" fill=\"\(palette[targetIndex % palette.count])\"/>"
            svg += "<text x=\"\(left + 20)\" y=\"\(y - 4)\">\(Self.escape(target.name)) (\(Self.escape(target.url)))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    static let chartTop = 40.0

    static func coordinate(_ value: Double) -> String { value.formatted(maxFractionDigits: 1) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
