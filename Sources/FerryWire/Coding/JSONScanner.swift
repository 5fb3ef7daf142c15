import Foundation

/// A forward-only reader of JSON bytes, for the hand-written decoders of the hot path (stream chunks, whole
/// answers). It reads exactly what its caller asks for and gives up — throws ``Miss`` — at anything else:
/// an unexpected type, an escaped key, a number that is not an integer where one is asked, malformed input. The
/// caller then falls back to Foundation's `JSONDecoder`, which reads everything and says precisely what was wrong,
/// so the fast path never has to produce an error message of its own.
///
/// ```swift
/// let id: String? = JSONScanner.read(bytes) { json in
///     var id: String?
///     var first = true
///     try json.beginObject()
///     while let key = try json.nextKey(&first) {
///         if JSONScanner.matches(key, "id") { id = try json.string() } else { try json.skipValue() }
///     }
///     return id
/// }
/// ```
package struct JSONScanner {
    /// The input is not of the shape the caller handles; fall back to the general decoder.
    package struct Miss: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// The keys of the objects open now, each as its depth, length and start packed in one word, those of the
    /// innermost object last: a key given twice in one object is a miss — Foundation reads the first of the two,
    /// a reader assigning as it goes would keep the last. More than fit here is a miss too.
    private var keys = InlineArray<64, UInt64>(repeating: 0)
    private var keyCount = 0

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Runs `body` over `data`; nil when it missed or left anything but whitespace unread.
    package static func read<Bytes: Collection, Result>(_ data: Bytes, _ body: (inout JSONScanner) throws -> Result) -> Result? where Bytes.Element == UInt8 {
        let attempt: Result?? = data.withContiguousStorageIfAvailable { buffer in
            var scanner = JSONScanner(bytes: buffer)
            guard let result = try? body(&scanner) else { return nil }
            scanner.skipWhitespace()
            return scanner.index == buffer.count ? result : nil
        }
        if let attempt { return attempt }
        return read(Array(data), body)
    }

    /// Whether a key (as ``nextKey(_:)`` returns it) is `name`.
    package static func matches(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        guard let base = key.baseAddress else { return true }
        return memcmp(base, name.utf8Start, key.count) == 0
    }

    // MARK: Structure

    package mutating func beginObject() throws {
        try expect(UInt8(ascii: "{"))
        try enter()
    }

    /// The next member's key (its raw bytes, valid while the input is), positioned at its value; nil at `}`.
    /// `first` starts true for each object.
    package mutating func nextKey(_ first: inout Bool) throws -> UnsafeBufferPointer<UInt8>? {
        skipWhitespace()
        guard index < bytes.count else { throw Miss() }
        if bytes[index] == UInt8(ascii: "}") {
            index += 1
            while keyCount > 0, keys[keyCount - 1] >> 56 == UInt64(depth) { keyCount -= 1 }
            depth -= 1
            return nil
        }
        if !first { try expect(UInt8(ascii: ",")) }
        first = false
        try expect(UInt8(ascii: "\""))
        let start = index
        let (stop, ascii) = try plainRun(from: start)
        guard bytes[stop] == UInt8(ascii: "\"") else { throw Miss() }
        let key = UnsafeBufferPointer(rebasing: bytes[start..<stop])
        if !ascii, String(validating: key, as: UTF8.self) == nil { throw Miss() }
        try remember(key: start, length: stop - start)
        index = stop + 1
        try expect(UInt8(ascii: ":"))
        return key
    }

    /// Notes a key of the innermost object; a miss when that object has it already.
    private mutating func remember(key start: Int, length: Int) throws {
        guard keyCount < keys.count, length < 1 << 24, start < 1 << 32, let base = bytes.baseAddress else { throw Miss() }
        let level = UInt64(depth)
        var other = keyCount - 1
        while other >= 0 {
            let entry = keys[other]
            if entry >> 56 != level { break }
            if Int((entry >> 32) & 0xFF_FFFF) == length, memcmp(base + start, base + Int(entry & 0xFFFF_FFFF), length) == 0 { throw Miss() }
            other -= 1
        }
        keys[keyCount] = level << 56 | UInt64(length) << 32 | UInt64(start)
        keyCount += 1
    }

    package mutating func beginArray() throws {
        try expect(UInt8(ascii: "["))
        try enter()
    }

    /// Whether another element follows (positioned at it); false at `]`. `first` starts true for each array.
    package mutating func nextElement(_ first: inout Bool) throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Miss() }
        if bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return false
        }
        if !first { try expect(UInt8(ascii: ",")) }
        first = false
        return true
    }

    /// An array, each element read by `element`.
    package mutating func array<Element>(of element: (inout JSONScanner) throws -> Element) throws -> [Element] {
        var elements: [Element] = []
        var first = true
        try beginArray()
        while try nextElement(&first) { elements.append(try element(&self)) }
        return elements
    }

    /// Whether a string is next (for a value that may be a string or something else).
    package mutating func stringIsNext() -> Bool {
        skipWhitespace()
        return index < bytes.count && bytes[index] == UInt8(ascii: "\"")
    }

    /// Consumes a `null` if one is next.
    package mutating func skipNull() -> Bool {
        skipWhitespace()
        guard bytes.count - index >= 4, bytes[index] == UInt8(ascii: "n") else { return false }
        guard bytes[index + 1] == UInt8(ascii: "u"), bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l") else { return false }
        index += 4
        return true
    }

    // MARK: Values

    package mutating func string() throws -> String {
        guard let (range, ascii) = try unescapedString() else { return try escapedString() }
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        // ASCII is valid UTF-8 as it is; only other text needs checking.
        if ascii { return String(decoding: raw, as: UTF8.self) }
        guard let text = String(validating: raw, as: UTF8.self) else { throw Miss() }
        return text
    }

    /// The range of a string's contents in the input, for a string whose bytes are its text as they stand:
    /// ASCII, no escapes, no control characters. Any other string is a miss (the caller falls back).
    mutating func plainString() throws -> Range<Int> {
        guard let (range, ascii) = try unescapedString(), ascii else { throw Miss() }
        return range
    }

    /// Reads a string and says whether it is `value`, written without escapes (an escaped string is a miss).
    package mutating func string(is value: StaticString) throws -> Bool {
        guard let (range, _) = try unescapedString() else { throw Miss() }
        return Self.matches(UnsafeBufferPointer(rebasing: bytes[range]), value)
    }

    /// Reads a string without escapes: its contents' range, and whether they are ASCII; nil, positioned back at the
    /// start of the contents, for a string with escapes. A control character is a miss.
    private mutating func unescapedString() throws -> (Range<Int>, ascii: Bool)? {
        try expect(UInt8(ascii: "\""))
        let (stop, ascii) = try plainRun(from: index)
        guard bytes[stop] == UInt8(ascii: "\"") else { return nil }
        defer { index = stop + 1 }
        return (index..<stop, ascii)
    }

    /// From `position`, the first quote or backslash — the end of a run of bytes a string holds as they stand — and
    /// whether the run is ASCII. A control character, or the input's end, is a miss. Kept to locals: the hot loop of
    /// every reader.
    private func plainRun(from position: Int) throws -> (stop: Int, ascii: Bool) {
        let bytes = self.bytes
        var position = position
        var seen: UInt8 = 0
        // Eight bytes at a time: each test below flags (in a byte's high bit) every quote, backslash or control
        // character; it may also flag a byte after a flagged one (a borrow carries up), never one before. So the
        // lowest flag of a little-endian word is exactly the first special byte.
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            var wide: UInt64 = 0
            while position &+ 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let special = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((word &- ones &* 0x20) & ~word)) & highs
                if special != 0 {
                    let offset = special.trailingZeroBitCount >> 3
                    // The bytes before the special one count for ASCII-ness.
                    wide |= offset == 0 ? 0 : word & (UInt64.max >> (64 - 8 * offset))
                    position &+= offset
                    let byte = bytes[position]
                    guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { throw Miss() }
                    return (position, wide & highs == 0)
                }
                wide |= word
                position &+= 8
            }
            if wide & highs != 0 { seen = 0x80 }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return (position, seen < 0x80) }
            if byte < 0x20 { throw Miss() }
            seen |= byte
            position &+= 1
        }
        throw Miss()
    }

    package mutating func optionalString() throws -> String? {
        skipNull() ? nil : try string()
    }

    package mutating func int() throws -> Int {
        skipWhitespace()
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value = 0
        let start = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
            if overflow1 || overflow2 { throw Miss() }
            value = sum
            index += 1
        }
        guard index > start, bytes[start] != UInt8(ascii: "0") || index == start + 1 else { throw Miss() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] | 0x20 == UInt8(ascii: "e") { throw Miss() }
        return negative ? -value : value
    }

    package mutating func optionalInt() throws -> Int? {
        skipNull() ? nil : try int()
    }

    package mutating func double() throws -> Double {
        skipWhitespace()
        let start = index
        guard index < bytes.count else { throw Miss() }
        let checked = try skipNumber()
        // Foundation's decoder refuses an unsigned zero with a bare exponent (`0e3`, though JSON allows it): so
        // does this reader, so that both paths take the same documents.
        if index - start > 2, bytes[start] == UInt8(ascii: "0"), bytes[start + 1] | 0x20 == UInt8(ascii: "e"), bytes[start + 2] != UInt8(ascii: "+"), bytes[start + 2] != UInt8(ascii: "-") {
            throw Miss()
        }
        let value: Double
        if let checked {
            value = checked
        } else {
            guard let parsed = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)), parsed.isFinite else { throw Miss() }
            value = parsed
        }
        // Foundation's decoder also refuses a number that is not zero but underflows to it (`-4e-343`, `1e-400`).
        if value == 0, bytes[start..<index].prefix(while: { $0 | 0x20 != UInt8(ascii: "e") }).contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
            throw Miss()
        }
        return value
    }

    package mutating func optionalDouble() throws -> Double? {
        skipNull() ? nil : try double()
    }

    package mutating func bool() throws -> Bool {
        skipWhitespace()
        guard index < bytes.count else { throw Miss() }
        if bytes[index] == UInt8(ascii: "t") {
            try literal("true")
            return true
        }
        try literal("false")
        return false
    }

    package mutating func optionalBool() throws -> Bool? {
        skipNull() ? nil : try bool()
    }

    /// Skips one value of any kind.
    package mutating func skipValue() throws {
        skipWhitespace()
        guard index < bytes.count else { throw Miss() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            try beginObject()
            var first = true
            while try nextKey(&first) != nil { try skipValue() }
        case UInt8(ascii: "["):
            try beginArray()
            var first = true
            while try nextElement(&first) { try skipValue() }
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            throw Miss()
        }
    }

    /// Skips a string, checking it as strictly as Foundation's reader would: known escapes only, no control
    /// characters, valid UTF-8 — so that what is skipped may be forwarded as it stands. Returns the length of its
    /// contents in bytes, as written.
    @discardableResult
    mutating func skipString() throws -> Int {
        try expect(UInt8(ascii: "\""))
        let start = index
        var ascii = true
        while true {
            let (stop, runASCII) = try plainRun(from: index)
            ascii = ascii && runASCII
            index = stop + 1
            if bytes[stop] == UInt8(ascii: "\"") { break }
            guard index < bytes.count else { throw Miss() }
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                index += 1
            case UInt8(ascii: "u"):
                // A surrogate escape must come as a pair, as Foundation reads it.
                index += 1
                let unit = try hex4()
                if (0xD800..<0xDC00).contains(unit) {
                    guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw Miss() }
                    index += 2
                    guard (0xDC00..<0xE000).contains(try hex4()) else { throw Miss() }
                } else if (0xDC00..<0xE000).contains(unit) {
                    throw Miss()
                }
            default:
                throw Miss()
            }
        }
        if !ascii, String(validating: UnsafeBufferPointer(rebasing: bytes[start..<(index - 1)]), as: UTF8.self) == nil { throw Miss() }
        return index - 1 - start
    }

    /// Skips a number of JSON's grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` that a Double
    /// holds (Foundation refuses `1e999`): one with an exponent or hundreds of digits is parsed to see.
    /// Returns the value when it had to parse it to see (so that ``double()`` need not parse it again).
    @discardableResult
    private mutating func skipNumber() throws -> Double? {
        let start = index
        try skipNumberGrammar()
        let length = index - start
        guard length > 300 || bytes[start..<index].contains(where: { $0 | 0x20 == UInt8(ascii: "e") }) else { return nil }
        guard let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)), value.isFinite else { throw Miss() }
        return value
    }

    private mutating func skipNumberGrammar() throws {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, Self.isDigit(bytes[index]) else { throw Miss() }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { skipDigits() }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw Miss() }
            skipDigits()
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, Self.isDigit(bytes[index]) else { throw Miss() }
            skipDigits()
        }
    }

    private mutating func skipDigits() {
        while index < bytes.count, Self.isDigit(bytes[index]) { index += 1 }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    // MARK: Helpers

    private mutating func enter() throws {
        depth += 1
        if depth > 64 { throw Miss() }
    }

    mutating func skipWhitespace() {
        let bytes = self.bytes
        var position = index
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position &+= 1
            default:
                index = position
                return
            }
        }
        index = position
    }

    @inline(__always)
    private mutating func expect(_ byte: UInt8) throws {
        // Compact JSON has the byte right here; only otherwise is whitespace skipped first.
        if index < bytes.count, bytes[index] == byte {
            index &+= 1
            return
        }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { throw Miss() }
        index += 1
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw Miss() }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw Miss() }
        index += count
    }

    /// A string with escapes, from its opening quote (already consumed).
    private mutating func escapedString() throws -> String {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: output, as: UTF8.self) else { throw Miss() }
                return text
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Miss() }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escape)
                case UInt8(ascii: "b"): output.append(0x08)
                case UInt8(ascii: "f"): output.append(0x0C)
                case UInt8(ascii: "n"): output.append(0x0A)
                case UInt8(ascii: "r"): output.append(0x0D)
                case UInt8(ascii: "t"): output.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { throw Miss() }
                        index += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Miss() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Miss() }
                    output.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw Miss()
                }
            default:
                if byte < 0x20 { throw Miss() }
                output.append(byte)
            }
        }
        throw Miss()
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - index >= 4 else { throw Miss() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Miss()
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }
}
