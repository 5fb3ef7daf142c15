import FerryBench
import Testing

/// The metric arithmetic of `ferry bench` on synthetic event timings, with exact expected values.
@Suite("Bench metrics")
struct BenchMetricsTests {
    /// Three requests: TTFT 1, 2 and 3 ms; tokens every 0.5 ms after; e2el at the last token.
    static let records = [
        RequestRecord(promptIndex: 0, ttft: 1, tokenTimes: [1, 1.5, 2, 2.5], e2el: 2.5, outputTokens: 4, inputTokens: 10),
        RequestRecord(promptIndex: 1, ttft: 2, tokenTimes: [2, 2.5, 3], e2el: 3, outputTokens: 3, inputTokens: 10),
        RequestRecord(promptIndex: 2, ttft: 3, tokenTimes: [3, 4], e2el: 4, outputTokens: 2, inputTokens: 10),
        RequestRecord(promptIndex: 3, ttft: nil, tokenTimes: [], e2el: 0.8, outputTokens: 0, error: "The backend answered HTTP 503"),
    ]

    @Test("per-request TPOT and ITL")
    func perRequest() {
        #expect(Self.records[0].tpot == 0.5)  // (2.5 − 1) / 3
        #expect(Self.records[2].tpot == 1)
        #expect(Self.records[0].interTokenLatencies == [0.5, 0.5, 0.5])
        #expect(RequestRecord(promptIndex: 0, ttft: 1, tokenTimes: [1], e2el: 1, outputTokens: 1).tpot == nil)
    }

    @Test("a level's counts, throughput, latency summaries and goodput")
    func level() throws {
        let slo = ServiceLevelObjective(ttftMs: 2.5, tpotMs: nil, e2elMs: nil)
        let result = LevelResult(target: "t", level: .concurrency(2), records: Self.records, durationSeconds: 2, slo: slo)
        #expect(result.completed == 3)
        #expect(result.failed == 1)
        #expect(result.outputTokens == 9)
        #expect(result.inputTokens == 30)
        #expect(result.requestThroughput == 1.5)
        #expect(result.outputThroughput == 4.5)
        #expect(result.goodput == 1)  // two requests met TTFT ≤ 2.5 ms, in 2 s
        #expect(result.errors == ["The backend answered HTTP 503"])
        let ttft = try #require(result.ttftMs)
        #expect(ttft.count == 3)
        #expect(ttft.mean == 2)
        #expect(ttft.median == 2)
        #expect(ttft.p99 == 3)
        #expect(ttft.min == 1 && ttft.max == 3)
        #expect(abs(ttft.std - (2.0 / 3).squareRoot()) < 1e-12)
        let itl = try #require(result.itlMs)
        #expect(itl.count == 6)  // 3 + 2 + 1 gaps
        #expect(abs(itl.mean - 3.5 / 6) < 1e-12)  // (0.5 × 5 + 1) / 6
        #expect(itl.p50 == 0.5)
        #expect(itl.max == 1)
        let tpot = try #require(result.tpotMs)
        #expect(tpot.mean == 2.0 / 3)  // 0.5, 0.5, 1
        #expect(result.e2elMs?.p90 == 4)
    }

    @Test("paired differences pair by prompt and skip what failed on either side")
    func pairedDifferences() throws {
        let through = Self.records.map { record in
            var shifted = record
            shifted.ttft = record.ttft.map { $0 + 0.25 }
            shifted.tokenTimes = record.tokenTimes.map { $0 + 0.25 }
            shifted.e2el = record.e2el + (record.promptIndex == 1 ? 1.25 : 0.25)
            return shifted
        }
        let difference = PairedDifference(target: "ferry", baseline: "direct", level: .concurrency(1), records: through, baselineRecords: Self.records)
        #expect(difference.pairs == 3)
        let ttft = try #require(difference.ttftMs)
        #expect(ttft.mean == 0.25 && ttft.median == 0.25 && ttft.std == 0 && ttft.ci95 == 0)
        let e2el = try #require(difference.e2elMs)
        #expect(e2el.mean == 1.75 / 3)
        #expect(e2el.median == 0.25)
        #expect(difference.itlMs?.mean == 0)
    }

    @Test("SLO parsing and arrivals")
    func sloAndArrivals() throws {
        let slo = try ServiceLevelObjective(parsing: "ttft=500ms,tpot=50,e2el=2s")
        #expect(slo == ServiceLevelObjective(ttftMs: 500, tpotMs: 50, e2elMs: 2000))
        #expect(throws: BenchError.self) { try ServiceLevelObjective(parsing: "latency=5s") }
        let offsets = ArrivalSchedule(rate: 10, burstiness: 1).offsets(count: 20_000, seed: 7)
        #expect(offsets.first == 0)
        #expect(zip(offsets.dropFirst(), offsets).allSatisfy { $0 >= $1 })
        let meanGap = offsets.last! / Double(offsets.count - 1)
        #expect(abs(meanGap - 0.1) < 0.005)  // 1 / rate, whatever the burstiness
        let bursty = ArrivalSchedule(rate: 10, burstiness: 0.25).offsets(count: 20_000, seed: 7)
        #expect(abs(bursty.last! / Double(bursty.count - 1) - 0.1) < 0.01)
    }

    @Test("targets parse with their dialect and model")
    func targets() throws {
        #expect(try BenchTarget(parsing: "ollama=http://127.0.0.1:11434,dialect=ollama,model=llama3.2") == BenchTarget(name: "ollama", url: "http://127.0.0.1:11434", dialect: .ollama, model: "llama3.2"))
        #expect(throws: BenchError.self) { try BenchTarget(parsing: "http://127.0.0.1:8000") }
        #expect(throws: BenchError.self) { try BenchTarget(parsing: "x=http://h:1,dialect=grpc") }
    }

    @Test("synthetic prompts: fixed lengths, a shared prefix, the same prompts for the same seed")
    func prompts() throws {
        let source = PromptSource.synthetic(.init(inputTokens: 20, outputTokens: 8, rangeRatio: 0, sharedPrefixTokens: 50))
        let prompts = try source.prompts(count: 5, seed: 3)
        #expect(prompts.count == 5)
        #expect(prompts.allSatisfy { $0.maxTokens == 8 && $0.inputTokens == 70 })
        let prefix = prompts[0].text.split(separator: " ").prefix(50)
        #expect(prompts.allSatisfy { $0.text.split(separator: " ").prefix(50) == prefix })
        #expect(Set(prompts.map(\.text)).count == 5)
        #expect(try source.prompts(count: 5, seed: 3) == prompts)
    }
}
