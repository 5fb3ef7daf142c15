import Foundation

/// What to ingest: a file or a folder (walked recursively), standard input, or bytes uploaded to the gateway.
public enum IngestSource: Sendable, Hashable {
    case path(String)
    /// Standard input, stored under `name` (`-` by default).
    case standardInput(name: String)
    case upload(name: String, data: Data)
}
