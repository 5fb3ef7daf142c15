import NIOCore

/// One key's load, as its limits judge it: the instants of its admissions in the last minute (kept exactly, oldest
/// first — at most `rpm` of them), its tokens of the last minute (``TokenWindow``), its requests in progress, and
/// what the other replicas sharing the store last reported of the same key.
struct KeyLoad {
    static let window: UInt64 = 60_000_000_000

    private(set) var admissions = CircularBuffer<UInt64>()
    private(set) var tokens = TokenWindow()
    private(set) var inFlight = 0
    /// Since the last report to the other replicas; and the requests in progress it told them.
    private(set) var unreported = (requests: 0, tokens: 0)
    private var reportedInFlight = 0
    var remote = RemoteLoad()

    enum Verdict: Equatable {
        case admitted
        case requests(retryAfterSeconds: Int64)
        case tokens(retryAfterSeconds: Int64)
        case parallel
    }

    /// Admits a request at `now` (nanoseconds of a monotonic clock) under `limits`, counting it, or says which limit
    /// it meets and when the window lets it in. Parallel first (the cheapest to wait for), then requests, then tokens.
    mutating func admit(_ limits: KeyLimits, now: UInt64) -> Verdict {
        let second = Int64(now / 1_000_000_000)
        if let max = limits.maxParallel, inFlight + remote.inFlight >= max { return .parallel }
        if let rpm = limits.requestsPerMinute {
            while let oldest = admissions.first, oldest + Self.window <= now { admissions.removeFirst() }
            if admissions.count + remote.requests >= rpm {
                let wait = admissions.first.map { Int64(($0 + Self.window - now + 999_999_999) / 1_000_000_000) } ?? 1
                return .requests(retryAfterSeconds: max(1, wait))
            }
        }
        if let tpm = limits.tokensPerMinute, tokens.sum(second: second) + remote.tokens >= tpm {
            return .tokens(retryAfterSeconds: tokens.secondsUntilBelow(tpm, second: second, remote: remote.tokens))
        }
        if limits.requestsPerMinute != nil { admissions.append(now) }
        inFlight += 1
        unreported.requests += 1
        return .admitted
    }

    /// Takes back the admission made at `admittedAt` (its request was handed to another path, which admits it
    /// again).
    mutating func withdraw(admittedAt: UInt64) {
        inFlight -= 1
        unreported.requests -= 1
        if let index = admissions.lastIndex(of: admittedAt) { admissions.remove(at: index) }
    }

    /// A request admitted earlier ended, having used `count` tokens.
    mutating func finish(tokens count: Int, now: UInt64) {
        inFlight -= 1
        guard count > 0 else { return }
        tokens.add(count, second: Int64(now / 1_000_000_000))
        unreported.tokens += count
    }

    /// What to tell the other replicas — nil when nothing changed since the last report — and nothing left
    /// unreported.
    mutating func report() -> LoadReport? {
        guard unreported != (0, 0) || inFlight != reportedInFlight || inFlight > 0 else { return nil }
        defer {
            unreported = (0, 0)
            reportedInFlight = inFlight
        }
        return LoadReport(requests: unreported.requests, tokens: unreported.tokens, inFlight: inFlight)
    }

    /// Whether the entry can go: nothing in progress, nothing in the window, nothing to report.
    func isIdle(now: UInt64) -> Bool {
        inFlight == 0 && reportedInFlight == 0 && unreported == (0, 0) && (admissions.last.map { $0 + Self.window <= now } ?? true)
            && tokens.sum(second: Int64(now / 1_000_000_000)) == 0 && remote == RemoteLoad()
    }
}

/// What one replica reports of a key each second: requests admitted and tokens used since its last report, and its
/// requests in progress.
public struct LoadReport: Sendable, Hashable {
    public var requests: Int
    public var tokens: Int
    public var inFlight: Int

    public init(requests: Int, tokens: Int, inFlight: Int) {
        self.requests = requests
        self.tokens = tokens
        self.inFlight = inFlight
    }
}

/// The other replicas' load of a key: their requests and tokens of the last minute and their requests in progress,
/// as the shared store summed them.
public struct RemoteLoad: Sendable, Hashable {
    public var requests = 0
    public var tokens = 0
    public var inFlight = 0

    public init(requests: Int = 0, tokens: Int = 0, inFlight: Int = 0) {
        self.requests = requests
        self.tokens = tokens
        self.inFlight = inFlight
    }
}
