import Foundation

extension BenchReport {
    /// The results as aligned text tables: one row per target and level, then the differences to the baseline.
    public func table() -> String {
        var rows: [[String]] = [["target", "load", "ok", "fail", "req/s", "out tok/s", "TTFT p50", "TTFT p99", "TPOT p50", "ITL p50", "ITL p99", "E2EL p50", "E2EL p99"]]
        if settings.slo != nil { rows[0].append("goodput") }
        for level in levels {
            for target in targets {
                guard let result = result(target.name, level) else { continue }
                var row = [
                    target.name, level.description, "\(result.completed)", "\(result.failed)",
                    Self.number(result.requestThroughput), Self.number(result.outputThroughput),
                    Self.ms(result.ttftMs?.p50), Self.ms(result.ttftMs?.p99), Self.ms(result.tpotMs?.p50),
                    Self.ms(result.itlMs?.p50), Self.ms(result.itlMs?.p99), Self.ms(result.e2elMs?.p50), Self.ms(result.e2elMs?.p99),
                ]
                if settings.slo != nil { row.append(result.goodput.map(Self.number) ?? "—") }
                rows.append(row)
            }
        }
        var text = "Latencies in ms (p50/p99 from HdrHistogram); TPOT excludes the first token; ITL is the gap between chunks.\n"
        text += Self.align(rows)
        if let baseline = settings.baseline, !differences.isEmpty {
            var diffRows: [[String]] = [["target − \(baseline)", "load", "pairs", "ΔTTFT mean", "ΔTTFT median", "ΔE2EL mean", "ΔE2EL median", "ΔITL mean"]]
            for difference in differences {
                diffRows.append([
                    difference.target, difference.level.description, "\(difference.pairs)",
                    Self.delta(difference.ttftMs), Self.signed(difference.ttftMs?.median),
                    Self.delta(difference.e2elMs), Self.signed(difference.e2elMs?.median), Self.delta(difference.itlMs),
                ])
            }
            text += "\nPaired differences against \(baseline), same prompt at the same load (ms, mean ± 95 % CI):\n" + Self.align(diffRows)
        }
        return text
    }

    static func align(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column < 2 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    static func number(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : value.formatted(maxFractionDigits: value >= 10 ? 1 : 2)
    }

    static func ms(_ value: Double?) -> String {
        guard let value else { return "—" }
        return value >= 100 ? String(Int(value.rounded())) : value.formatted(maxFractionDigits: value >= 10 ? 1 : 2)
    }

    static func signed(_ value: Double?) -> String {
        guard let value else { return "—" }
        return (value >= 0 ? "+" : "−") + abs(value).formatted(maxFractionDigits: 2)
    }

    static func delta(_ summary: PairedDifference.Summary?) -> String {
        guard let summary else { return "—" }
        return signed(summary.mean) + " ± " + summary.ci95.formatted(maxFractionDigits: 2)
    }
}
