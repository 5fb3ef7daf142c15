import FerryCore

/// The latencies a request must meet to count towards goodput, e.g. `ttft=500ms,tpot=50ms,e2el=10s`.
public struct ServiceLevelObjective: Sendable, Hashable, Codable {
    public var ttftMs: Double?
    public var tpotMs: Double?
    public var e2elMs: Double?

    public init(ttftMs: Double? = nil, tpotMs: Double? = nil, e2elMs: Double? = nil) {
        self.ttftMs = ttftMs
        self.tpotMs = tpotMs
        self.e2elMs = e2elMs
    }

    /// Parses `ttft=500ms,tpot=50ms,e2el=10s` (any subset; plain numbers are milliseconds).
    public init(parsing text: String) throws(BenchError) {
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, let ms = Self.milliseconds(pair[1]) else {
                throw BenchError("`\(part)` in `--slo \(text)` is not NAME=DURATION, e.g. ttft=500ms,tpot=50ms,e2el=10s")
            }
            switch pair[0].lowercased() {
            case "ttft": ttftMs = ms
            case "tpot": tpotMs = ms
            case "e2el": e2elMs = ms
            default: throw BenchError("`\(pair[0])` in `--slo` is not ttft, tpot or e2el")
            }
        }
    }

    /// Whether a successful request met every objective (a request without a TPOT meets the TPOT objective).
    public func isMet(by record: RequestRecord) -> Bool {
        guard record.succeeded else { return false }
        if let ttftMs, (record.ttft ?? .infinity) > ttftMs { return false }
        if let tpotMs, let tpot = record.tpot, tpot > tpotMs { return false }
        if let e2elMs, record.e2el > e2elMs { return false }
        return true
    }

    static func milliseconds(_ text: String) -> Double? {
        if let plain = Double(text) { return plain }
        return Duration(parsing: text).map { $0.seconds * 1000 }
    }
}
