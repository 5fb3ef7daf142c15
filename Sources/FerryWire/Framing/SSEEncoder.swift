import NIOCore

/// Writes Server-Sent Events frames.
///
/// ```swift
/// var buffer = ByteBuffer()
/// SSEEncoder.writeData(#"{"ok":true}"#.utf8, into: &buffer)   // data: {"ok":true}\n\n
/// SSEEncoder.writeDone(into: &buffer)                          // data: [DONE]\n\n
/// ```
public enum SSEEncoder {
    /// Writes one event; data containing newlines becomes several `data:` lines.
    public static func write(_ event: ServerSentEvent, into buffer: inout ByteBuffer) {
        if let type = event.event { buffer.writeString("event: \(type)\n") }
        if let id = event.id { buffer.writeString("id: \(id)\n") }
        if let retry = event.retry { buffer.writeString("retry: \(retry)\n") }
        writeData(event.data, into: &buffer)
    }

    /// Writes a `data:` event (the common case: one line of JSON).
    public static func writeData<Bytes: Collection>(_ data: Bytes, into buffer: inout ByteBuffer) where Bytes.Element == UInt8 {
        var start = data.startIndex
        var index = start
        while index != data.endIndex {
            if data[index] == UInt8(ascii: "\n") {
                buffer.writeStaticString("data: ")
                buffer.writeBytes(data[start..<index])
                buffer.writeStaticString("\n")
                start = data.index(after: index)
            }
            index = data.index(after: index)
        }
        buffer.writeStaticString("data: ")
        buffer.writeBytes(data[start..<data.endIndex])
        buffer.writeStaticString("\n\n")
    }

    /// Writes an event named `name` whose data is `json` (Anthropic's and the Responses API's frames).
    public static func write<Bytes: Collection>(named name: String, data json: Bytes, into buffer: inout ByteBuffer) where Bytes.Element == UInt8 {
        buffer.writeStaticString("event: ")
        buffer.writeString(name)
        buffer.writeStaticString("\n")
        writeData(json, into: &buffer)
    }

    /// Writes OpenAI's end-of-stream marker, `data: [DONE]`.
    public static func writeDone(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("data: [DONE]\n\n")
    }
}
