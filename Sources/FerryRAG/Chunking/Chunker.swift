/// Cuts an ``ExtractedDocument`` into ``Chunk``s that follow its structure: a passage never crosses a section or a
/// page (so its page is where all of it is);
/// within one, whole paragraphs are packed while they fit the token budget, a longer paragraph is cut between
/// sentences, and a sentence longer than the budget between words. The next passage of a section starts with the
/// last sentences of the previous one, up to the overlap.
///
/// ```swift
/// let chunker = Chunker(options: ChunkingOptions(maxTokens: 256, overlapTokens: 32), counter: EstimatedTokenCounter())
/// let chunks = try await chunker.chunks(of: document)
/// ```
public struct Chunker: Sendable {
    public var options: ChunkingOptions
    public var counter: any TokenCounter

    public init(options: ChunkingOptions = ChunkingOptions(), counter: any TokenCounter = EstimatedTokenCounter()) {
        self.options = options
        self.counter = counter
    }

    /// A sentence (or a piece of one) with its place in the document's text.
    struct Unit {
        var start: Int
        var end: Int
        var tokens: Int
        var paragraph: Int
        var section: [String]
        var page: Int?
    }

    public func chunks(of document: ExtractedDocument) async throws -> [Chunk] {
        let scalars = Array(document.text.unicodeScalars)
        var units: [Unit] = []
        for (paragraph, placed) in document.blocks.enumerated() where placed.block.kind == .paragraph {
            for range in SentenceSplitter.sentences(placed.block.text) {
                units.append(Unit(start: placed.start + range.lowerBound, end: placed.start + range.upperBound, tokens: 0, paragraph: paragraph, section: placed.block.section, page: placed.block.page))
            }
        }
        let texts = units.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        let counts = try await counter.count(texts)
        for index in units.indices { units[index].tokens = max(1, counts[index]) }
        units = units.flatMap { split($0, scalars: scalars) }
        return pack(units, scalars: scalars)
    }

    /// A unit over the budget cut at spaces into pieces that fit (the token count shared out by length).
    func split(_ unit: Unit, scalars: [Unicode.Scalar]) -> [Unit] {
        guard unit.tokens > options.maxTokens else { return [unit] }
        let length = unit.end - unit.start
        let perScalar = Double(unit.tokens) / Double(length)
        let target = max(1, Int(Double(options.maxTokens) * 0.9 / perScalar))
        var pieces: [Unit] = []
        var start = unit.start
        while start < unit.end {
            var end = min(unit.end, start + target)
            if end < unit.end, let space = (start + target / 2..<end).last(where: { scalars[$0].properties.isWhitespace }) { end = space }
            var piece = unit
            piece.start = start
            piece.end = end
            piece.tokens = max(1, Int((Double(end - start) * perScalar).rounded(.up)))
            pieces.append(piece)
            start = end
            while start < unit.end, scalars[start].properties.isWhitespace { start += 1 }
        }
        return pieces
    }

    func pack(_ units: [Unit], scalars: [Unicode.Scalar]) -> [Chunk] {
        var chunks: [Chunk] = []
        var current: [Unit] = []
        var tokens = 0
        func emit() {
            guard let first = current.first, let last = current.last else { return }
            let text = String(String.UnicodeScalarView(scalars[first.start..<last.end]))
            chunks.append(Chunk(ordinal: chunks.count, text: text, section: first.section, page: first.page, start: first.start, end: last.end, tokenCount: tokens))
        }
        /// Starts the next passage with the last units of the one just emitted, up to the overlap and leaving room.
        func startAfterEmit(room: Int) {
            var tail: [Unit] = []
            var tailTokens = 0
            for unit in current.dropFirst().reversed() {
                guard tailTokens + unit.tokens <= min(options.overlapTokens, room) else { break }
                tail.insert(unit, at: 0)
                tailTokens += unit.tokens
            }
            current = tail
            tokens = tailTokens
        }
        var index = 0
        while index < units.count {
            // One paragraph's units.
            var end = index + 1
            while end < units.count, units[end].paragraph == units[index].paragraph { end += 1 }
            let paragraph = units[index..<end]
            let paragraphTokens = paragraph.reduce(0) { $0 + $1.tokens }
            if let last = current.last, last.section != paragraph.first!.section || last.page != paragraph.first!.page {
                emit()
                current = []
                tokens = 0
            }
            if tokens + paragraphTokens <= options.maxTokens {
                current += paragraph
                tokens += paragraphTokens
            } else if paragraphTokens <= options.maxTokens {
                emit()
                startAfterEmit(room: options.maxTokens - paragraphTokens)
                current += paragraph
                tokens += paragraphTokens
            } else {
                for unit in paragraph {
                    if tokens + unit.tokens > options.maxTokens, !current.isEmpty {
                        emit()
                        startAfterEmit(room: options.maxTokens - unit.tokens)
                    }
                    current.append(unit)
                    tokens += unit.tokens
                }
            }
            index = end
        }
        emit()
        return chunks
    }
}
