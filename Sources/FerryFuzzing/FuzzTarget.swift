/// A property of Ferry's wire code that must hold for any bytes at all: what a fuzzer (the `Fuzz/` package, built
/// with libFuzzer) checks on every input it makes, and what the corpus tests check on every input kept under
/// `Fuzz/Corpus/<target>/`. Each target reads its input whole; the first byte or two choose what varies (how the
/// bytes are cut into chunks, which type or parser reads them).
///
/// ```swift
/// if let violation = FuzzTarget.sse.check(Array(data)) { fatalError(violation.description) }
/// ```
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `SSEDecoder`: the same events however the bytes are cut, and the events of a plain reading of the
    /// WHATWG rules over the whole input.
    case sse
    /// `NDJSONDecoder`: the same lines however the bytes are cut, and the lines of a plain split at `\n`.
    case ndjson
    /// `JSONArrayStreamDecoder`: the same elements however the bytes are cut; for an input Foundation reads as a
    /// JSON array, exactly its elements.
    case jsonArray = "json-array"
    /// `JSONScanner`: a value it skips whole, Foundation reads; a string it reads, Foundation reads the same.
    case jsonScanner = "json-scanner"
    /// The hand-written readers and writers of the hot path against their Codable twins: a document a reader
    /// takes, Codable reads to an equal value; what a writer writes, Codable reads back to the value written; a
    /// chunk's plain-text scan and an answer's summary take only what Codable reads, and read it the same.
    case readers
    /// The chat stream parsers of every backend dialect (OpenAI, Ollama, Gemini SSE and array, Anthropic): the
    /// same events and the same error however the bytes are cut.
    case streams

    /// Checks the property over `input`: nil when it holds.
    public func check(_ input: [UInt8]) -> FuzzViolation? {
        switch self {
        case .sse: FramingProperties.sse(input)
        case .ndjson: FramingProperties.ndjson(input)
        case .jsonArray: FramingProperties.jsonArray(input)
        case .jsonScanner: ScannerProperties.scanner(input)
        case .readers: ReaderProperties.readers(input)
        case .streams: StreamProperties.streams(input)
        }
    }
}
