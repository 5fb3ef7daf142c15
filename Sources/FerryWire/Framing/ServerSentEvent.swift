/// One Server-Sent Event: its `data` (lines joined with `\n`), and the optional `event` type, `id` and `retry`.
public struct ServerSentEvent: Sendable, Hashable {
    public var event: String?
    /// The raw bytes of the data field, lines joined with `\n` (UTF-8 when text).
    public var data: [UInt8]
    public var id: String?
    public var retry: Int?

    public init(event: String? = nil, data: [UInt8], id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    public init(event: String? = nil, text: String, id: String? = nil, retry: Int? = nil) {
        self.init(event: event, data: Array(text.utf8), id: id, retry: retry)
    }

    /// The data decoded as UTF-8.
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// Whether the data is OpenAI's end-of-stream marker `[DONE]`.
    public var isDoneMarker: Bool { data.elementsEqual("[DONE]".utf8) }
}
