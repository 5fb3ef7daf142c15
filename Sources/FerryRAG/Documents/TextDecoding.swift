import Foundation

/// Bytes to text for the text formats: UTF-8 (a BOM dropped), or UTF-16 with its BOM; anything else is reported
/// as wrongly encoded rather than guessed.
enum TextDecoding {
    /// Whether the bytes look binary: a NUL in the first 8 KiB (UTF-16 text has its BOM).
    static func looksBinary(_ data: Data) -> Bool {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) { return false }
        return data.prefix(8192).contains(0)
    }

    static func decode(_ data: Data, name: String) throws -> String {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            guard let text = String(data: data, encoding: .utf16) else {
                throw UnreadableDocument("not valid UTF-16 although it starts with a UTF-16 byte order mark")
            }
            return text
        }
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = firstInvalidUTF8Offset(bytes) ?? 0
            throw UnreadableDocument("not UTF-8 text (an invalid byte at offset \(offset)); convert it from its encoding first, e.g. `iconv -f windows-1256 -t utf-8 \(name)` for Arabic Windows text")
        }
        return text
    }

    private static func firstInvalidUTF8Offset(_ bytes: Data.SubSequence) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                consumed += UTF8.width(scalar)
                offset = consumed
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}
