import FerryCore
import Foundation
import NIOCore

/// The JSON coders every dialect uses, configured once. Types of the hot path (``FastJSONDecodable``,
/// ``FastJSONEncodable``) are read and written by hand first; everything else, and whatever the hand-written
/// coders decline, goes through Foundation.
public enum WireJSON {
    /// Decodes `type` from JSON bytes; failures become a ``FerryError`` that names the type and the reason.
    public static func decode<Value: Decodable, Bytes: Collection>(
        _ type: Value.Type,
        from bytes: Bytes,
        location: ErrorLocation = ErrorLocation()
    ) throws -> Value where Bytes.Element == UInt8 {
        if let value = fastDecode(type, from: bytes) { return value }
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw FerryError.invalidResponse("\(Value.self): \(describe(error))", location: location)
        }
    }

    /// Decodes a client's request body; malformed JSON and wrong types become a ``FerryError/Code/badRequest``
    /// that says which field and why.
    public static func decodeRequest<Value: Decodable, Bytes: Collection>(_ type: Value.Type, from bytes: Bytes) throws(FerryError) -> Value
    where Bytes.Element == UInt8 {
        if let value = fastDecode(type, from: bytes) { return value }
        return try decodeRequestWithFoundation(type, from: bytes)
    }

    /// ``decodeRequest(_:from:)`` for a type with a hand-written reader, without its dynamic casts: the public
    /// entry points of the hot path's request types call it (``OpenAIChatRequest/init(requestBody:)``), so it is
    /// made for each of them here, in this module.
    static func decodeFastRequest<Value: FastJSONDecodable & Decodable>(_ type: Value.Type, from bytes: ByteBufferView) throws(FerryError) -> Value {
        if let value = JSONScanner.read(bytes, Value.read) { return value }
        return try decodeRequestWithFoundation(type, from: bytes)
    }

    /// ``encode(_:into:)`` for a type with a hand-written writer, without its dynamic cast (as ``decodeFastRequest(_:from:)``).
    static func encodeFast<Value: FastJSONEncodable & Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws {
        if buffer.writeFastJSON(value) { return }
        buffer.writeBytes(try encode(value))
    }

    private static func decodeRequestWithFoundation<Value: Decodable, Bytes: Collection>(_ type: Value.Type, from bytes: Bytes) throws(FerryError) -> Value
    where Bytes.Element == UInt8 {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw FerryError.invalidRequest("the body could not be read: \(describe(error))")
        } catch {
            throw FerryError.invalidRequest("the body could not be read: \(error)")
        }
    }

    /// Encodes `value` as compact JSON bytes.
    public static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Writes `value` as compact JSON at the buffer's writer index.
    public static func encode<Value: Encodable>(_ value: Value, into buffer: inout ByteBuffer) throws {
        if let fast = value as? any FastJSONEncodable, buffer.writeFastJSON(fast) { return }
        buffer.writeBytes(try encode(value))
    }

    /// The hand-written reader's answer, when `type` has one and it read the whole input.
    private static func fastDecode<Value, Bytes: Collection>(_ type: Value.Type, from bytes: Bytes) -> Value? where Bytes.Element == UInt8 {
        guard let fast = type as? any FastJSONDecodable.Type else { return nil }
        return JSONScanner.read(bytes) { try fast.read(&$0) } as? Value
    }

    /// A person-readable account of a decoding error: which field, and what was wrong with it.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? key.stringValue }
            let joined = keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
            return joined.isEmpty ? "the body" : "`\(joined)`"
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)) has the wrong type (expected \(typeName(type)))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) is null (expected \(typeName(type)))"
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "missing field `\(key.stringValue)`" + (parent == "the body" ? "" : " in \(parent)")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON" }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : (String(describing: type).hasPrefix("Dictionary") ? "an object" : "\(type)")
        }
    }
}
