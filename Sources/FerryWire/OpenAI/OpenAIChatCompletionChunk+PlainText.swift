extension OpenAIChatCompletionChunk {
    /// Where the text is, when `data` is a chunk whose only effect on a stream already started is a text delta:
    /// one choice, index 0, whose delta holds non-empty `content` (and perhaps a role), no finish reason, no usage,
    /// no error, no tool calls — and every string in it plain ASCII without escapes, so the text's bytes are the
    /// text and write back as they are. Read as strictly as ``read(_:)`` reads (the same keys, the same types);
    /// nil for any other chunk, which the full reader handles.
    ///
    /// It makes nothing — no strings, no arrays — so the chunks that make up nearly all of a stream cost a scan.
    package static func plainText(in data: [UInt8]) -> Range<Int>? {
        JSONScanner.read(data) { json -> Range<Int> in
            var text: Range<Int>?
            var first = true
            try json.beginObject()
            while let key = try json.nextKey(&first) {
                if JSONScanner.matches(key, "choices") {
                    text = try onlyChoiceText(&json)
                } else if JSONScanner.matches(key, "id") || JSONScanner.matches(key, "object") || JSONScanner.matches(key, "model") {
                    if !json.skipNull() { _ = try json.plainString() }
                } else if JSONScanner.matches(key, "created") {
                    _ = try json.optionalInt()
                } else if JSONScanner.matches(key, "usage") || JSONScanner.matches(key, "error") {
                    guard json.skipNull() else { throw JSONScanner.Miss() }
                } else {
                    try json.skipValue()
                }
            }
            guard let text else { throw JSONScanner.Miss() }
            return text
        }
    }

    /// `[{"index":0,"delta":{"content":"…"},…}]`: the content's range.
    private static func onlyChoiceText(_ json: inout JSONScanner) throws -> Range<Int> {
        var first = true
        try json.beginArray()
        guard try json.nextElement(&first) else { throw JSONScanner.Miss() }
        var text: Range<Int>?
        var firstKey = true
        try json.beginObject()
        while let key = try json.nextKey(&firstKey) {
            if JSONScanner.matches(key, "delta") {
                text = try deltaText(&json)
            } else if JSONScanner.matches(key, "index") {
                guard try json.optionalInt() ?? 0 == 0 else { throw JSONScanner.Miss() }
            } else if JSONScanner.matches(key, "finish_reason") {
                guard json.skipNull() else { throw JSONScanner.Miss() }
            } else {
                try json.skipValue()
            }
        }
        guard try !json.nextElement(&first), let text else { throw JSONScanner.Miss() }
        return text
    }

    /// `{"content":"…"}`, perhaps with a role: the content's range, when it is not empty.
    private static func deltaText(_ json: inout JSONScanner) throws -> Range<Int> {
        var text: Range<Int>?
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "content") {
                text = json.skipNull() ? nil : try json.plainString()
            } else if JSONScanner.matches(key, "role") {
                if !json.skipNull() { _ = try json.plainString() }
            } else if JSONScanner.matches(key, "reasoning_content") || JSONScanner.matches(key, "tool_calls") {
                guard json.skipNull() else { throw JSONScanner.Miss() }
            } else {
                try json.skipValue()
            }
        }
        guard let text, !text.isEmpty else { throw JSONScanner.Miss() }
        return text
    }
}
