import FerryCore
import Foundation

/// JSON parsed for comparison with its kinds kept apart: `1` is an integer, `1.0` and `1e0` are numbers, `true` is
/// a boolean — unlike `JSONSerialization`'s `NSNumber`s, which compare `1 == 1.0 == true`. Object key order is
/// not significant; everything else is.
enum StrictJSON {
    struct Invalid: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ bytes: some Collection<UInt8>) throws -> JSONValue {
        var parser = Parser(bytes: Array(bytes))
        let value = try parser.value()
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw Invalid(description: "trailing bytes at \(parser.index)") }
        return value
    }

    static func parse(_ text: String) throws -> JSONValue { try parse(Array(text.utf8)) }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value() throws -> JSONValue {
            skipSpace()
            guard index < bytes.count else { throw Invalid(description: "unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [String: JSONValue] = [:]
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    guard members.updateValue(try value(), forKey: key) == nil else { throw Invalid(description: "duplicate key \(key)") }
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONValue] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
                while true {
                    items.append(try value())
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default:
                let start = index
                while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                if let integer = Int64(text) { return .integer(integer) }
                guard let number = Double(text) else { throw Invalid(description: "not a number: \(text)") }
                return .number(number)
            }
        }

        mutating func string() throws -> String {
            let start = index
            try expect("\"")
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
            try expect("\"")
            // Escapes are Foundation's to read: the text of a string is not what is compared here.
            return try JSONDecoder().decode(String.self, from: Data(bytes[start..<index]))
        }

        mutating func expect(_ character: Character) throws {
            guard index < bytes.count, bytes[index] == character.asciiValue else { throw Invalid(description: "expected \(character) at \(index)") }
            index += 1
        }

        mutating func literal(_ word: String) throws {
            guard bytes[index...].starts(with: word.utf8) else { throw Invalid(description: "expected \(word) at \(index)") }
            index += word.utf8.count
        }
    }
}
