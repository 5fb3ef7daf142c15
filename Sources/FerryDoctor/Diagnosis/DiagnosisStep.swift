import FerryCore

/// One check `ferry doctor` ran on a backend, with what it found and, when something is wrong, the fix.
public struct DiagnosisStep: Sendable, Hashable, Codable {
    public enum Name: String, Sendable, Hashable, Codable, CaseIterable {
        /// A backend Ferry launches: its process started and answered its health probe (then the other checks run
        /// on the port it got).
        case process
        case url, resolve, connect, health, models, completion, firstToken = "first-token"
    }

    public enum Status: String, Sendable, Hashable, Codable {
        /// The check passed.
        case pass
        /// Works, but something should be fixed.
        case warn
        /// The backend is not usable until this is fixed.
        case fail
        /// Not run, because an earlier check failed.
        case skip
    }

    public var name: Name
    public var status: Status
    /// What was seen, e.g. `GET /health → 200 in 3 ms`.
    public var detail: String
    public var problem: Problem?
    /// The exact fix, when something is wrong.
    public var fix: String?
    /// How long the check took, in milliseconds.
    public var elapsedMs: Double?

    public init(_ name: Name, _ status: Status, _ detail: String, problem: Problem? = nil, fix: String? = nil, elapsed: Duration? = nil) {
        self.name = name
        self.status = status
        self.detail = detail
        self.problem = problem
        self.fix = fix
        elapsedMs = elapsed.map { ($0.seconds * 1000 * 100).rounded() / 100 }
    }
}
