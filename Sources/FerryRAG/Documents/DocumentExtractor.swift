import Foundation

/// Turns a file's bytes into an ``ExtractedDocument``; throws ``UnreadableDocument`` for what it cannot read.
public protocol DocumentExtractor: Sendable {
    func extract(_ data: Data, name: String) async throws -> ExtractedDocument
}
