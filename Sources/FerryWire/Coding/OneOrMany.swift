/// A field that is either one value or an array of them (OpenAI's `stop`, `input`, `prompt`; Ollama's `input`).
public enum OneOrMany<Element: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    case one(Element)
    case many([Element])

    public var values: [Element] {
        switch self {
        case .one(let value): [value]
        case .many(let values): values
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Element.self) {
            self = .one(value)
        } else {
            self = .many(try container.decode([Element].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .one(let value): try container.encode(value)
        case .many(let values): try container.encode(values)
        }
    }
}
