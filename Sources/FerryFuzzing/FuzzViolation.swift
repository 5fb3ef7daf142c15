/// A property of a ``FuzzTarget`` that did not hold, with what was seen on each side.
public struct FuzzViolation: Error, CustomStringConvertible, Sendable {
    public let target: FuzzTarget
    public let message: String

    public var description: String { "\(target.rawValue): \(message)" }
}
