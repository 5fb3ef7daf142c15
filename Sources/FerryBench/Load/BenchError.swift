/// A benchmark that cannot run as asked: the message says what and how to fix it.
public struct BenchError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
