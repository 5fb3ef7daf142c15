import FerryCore

/// One injected fault: what goes wrong, and on which requests.
///
/// Written `KIND[:ARG][@WHEN]`:
/// - kinds: `refuse` (drop the connection with a reset, no answer), `404` (the requested model "does not exist"),
///   `429[:RETRY_AFTER]`, `500`, `503`, `hang` (accept, never answer), `slow-first[:DURATION]` (extra time to
///   first token on the first request, like vLLM's first-inference compile), `drop[:TOKENS]` (cut the connection
///   mid-stream), `malformed` (a broken chunk in the stream, or a broken body);
/// - when: always (no `@`), `@0.25` (probability, with a decimal point), `@3` (the 3rd request), `@2-4`
///   (requests 2 to 4), `@3+` (from the 3rd on). Requests are counted from 1, inference requests only.
///
/// ```swift
/// let faults = try ["503@0.3", "hang@1", "429:2s@2-3", "drop:5"].map(FaultSpec.init(parsing:))
/// ```
public struct FaultSpec: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case refuse
        case modelNotFound
        case rateLimited(retryAfter: Duration)
        case serverError
        case unavailable
        case hang
        case slowFirst(Duration)
        case dropMidStream(afterTokens: Int)
        case malformedChunk
    }

    public enum Trigger: Sendable, Hashable {
        case always
        case probability(Double)
        case requests(ClosedRange<Int>)
        case from(Int)
    }

    public var kind: Kind
    public var trigger: Trigger
    /// The text this was parsed from.
    public var description: String

    public init(kind: Kind, trigger: Trigger = .always, description: String) {
        self.kind = kind
        self.trigger = trigger
        self.description = description
    }

    /// Parses the `KIND[:ARG][@WHEN]` form; the error names the accepted forms.
    public init(parsing text: String) throws(FaultSpecError) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let head = parts.first, !head.isEmpty else { throw FaultSpecError(text: text, reason: "it is empty") }
        let kindParts = head.split(separator: ":", maxSplits: 1).map(String.init)
        let name = kindParts[0].lowercased()
        let argument = kindParts.count > 1 ? kindParts[1] : nil
        func duration(_ fallback: Duration) throws(FaultSpecError) -> Duration {
            guard let argument else { return fallback }
            guard let value = Duration(parsing: argument) else {
                throw FaultSpecError(text: text, reason: "`\(argument)` is not a duration (e.g. 500ms, 2s)")
            }
            return value
        }
        switch name {
        case "refuse": kind = .refuse
        case "404", "wrong-model", "model-not-found": kind = .modelNotFound
        case "429", "rate-limit": kind = .rateLimited(retryAfter: try duration(.seconds(1)))
        case "500": kind = .serverError
        case "503": kind = .unavailable
        case "hang": kind = .hang
        case "slow-first": kind = .slowFirst(try duration(.seconds(5)))
        case "drop":
            guard let count = argument.map({ Int($0) }) ?? 3, count >= 0 else {
                throw FaultSpecError(text: text, reason: "`drop:N` needs a whole number of tokens")
            }
            kind = .dropMidStream(afterTokens: count)
        case "malformed": kind = .malformedChunk
        default:
            throw FaultSpecError(text: text, reason: "`\(name)` is not a fault kind")
        }
        if parts.count == 1 {
            trigger = .always
        } else {
            let when = parts[1]
            if when.contains(".") {
                guard let p = Double(when), (0...1).contains(p) else {
                    throw FaultSpecError(text: text, reason: "`@\(when)` is not a probability between 0.0 and 1.0")
                }
                trigger = .probability(p)
            } else if when.hasSuffix("+"), let n = Int(when.dropLast()), n >= 1 {
                trigger = .from(n)
            } else if let dash = when.firstIndex(of: "-"), let a = Int(when[..<dash]), let b = Int(when[when.index(after: dash)...]), a >= 1, b >= a {
                trigger = .requests(a...b)
            } else if let n = Int(when), n >= 1 {
                trigger = .requests(n...n)
            } else {
                throw FaultSpecError(text: text, reason: "`@\(when)` is not a trigger (use @0.25, @3, @2-4 or @3+)")
            }
        }
        description = text
    }

    /// Whether this fault fires on request number `request` (nil: a request that is not counted, such as a
    /// health check, which only always-on and random faults reach) given a random draw in 0..<1.
    public func fires(onRequest request: Int?, draw: Double) -> Bool {
        switch trigger {
        case .always: true
        case .probability(let p): draw < p
        case .requests(let range): request.map(range.contains) ?? false
        case .from(let first): request.map { $0 >= first } ?? false
        }
    }

    /// Whether the fault also hits endpoints that do no inference (health, model lists): only faults that make
    /// the whole server look down or broken.
    public var reachesEveryEndpoint: Bool {
        switch kind {
        case .refuse, .hang, .serverError, .unavailable: true
        default: false
        }
    }
}

/// A fault specification that could not be parsed.
public struct FaultSpecError: Error, CustomStringConvertible {
    public var text: String
    public var reason: String

    public var description: String {
        "Invalid fault `\(text)`: \(reason). Write KIND[:ARG][@WHEN] with KIND one of refuse, 404, 429[:RETRY_AFTER], 500, 503, hang, slow-first[:DURATION], drop[:TOKENS], malformed and WHEN one of @0.25 (probability), @3 (3rd request), @2-4, @3+."
    }
}
