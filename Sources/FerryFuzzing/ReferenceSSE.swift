import FerryWire

/// The WHATWG event-stream rules read plainly over a whole input — lines split first, then fields — as the
/// reference the incremental ``FerryWire/SSEDecoder`` is compared with.
enum ReferenceSSE {
    static func events(_ input: [UInt8]) -> [ServerSentEvent] {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var lines: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                lines.append(bytes[start..<index])
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.endIndex, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                start = index + 1
            }
            index += 1
        }
        if start < bytes.endIndex { lines.append(bytes[start...]) }
        lines.append([][...])  // the end of the stream dispatches what was gathered

        var events: [ServerSentEvent] = []
        var data: [UInt8] = []
        var hasData = false
        var type: String?
        var id: String?
        var retry: Int?
        for line in lines {
            if line.isEmpty {
                if hasData { events.append(ServerSentEvent(event: type, data: data, id: id, retry: retry)) }
                data = []
                hasData = false
                type = nil
                continue
            }
            if line.first == UInt8(ascii: ":") { continue }
            let name: ArraySlice<UInt8>
            var value: ArraySlice<UInt8>
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                name = line[..<colon]
                value = line[(colon + 1)...]
                if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
            } else {
                name = line
                value = [][...]
            }
            switch String(decoding: name, as: UTF8.self) {
            case "data" where name.elementsEqual("data".utf8):
                if hasData { data.append(UInt8(ascii: "\n")) }
                data += value
                hasData = true
            case "event" where name.elementsEqual("event".utf8):
                type = String(decoding: value, as: UTF8.self)
            case "id" where name.elementsEqual("id".utf8):
                if !value.contains(0) { id = String(decoding: value, as: UTF8.self) }
            case "retry" where name.elementsEqual("retry".utf8):
                if !value.isEmpty, value.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) { retry = Int(String(decoding: value, as: UTF8.self)) }
            default:
                break
            }
        }
        return events
    }
}
