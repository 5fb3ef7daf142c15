/// Why a file was not ingested — binary, empty, too large, wrongly encoded, a format tool missing — in words the
/// ingest summary shows next to the file, with what to do about it.
public struct UnreadableDocument: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
