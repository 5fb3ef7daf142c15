/// A document's text as extracted: its blocks joined by blank lines into `text`, each block's place in it kept
/// as Unicode scalar offsets (what Python's `str` indexes), so a passage can be shown where it stands.
///
/// ```swift
/// let document = ExtractedDocument(format: .markdown, title: "Guide", blocks: [TextBlock("# Guide", kind: .heading, section: ["Guide"])])
/// let placed = document.blocks[0]   // placed.start == 0, placed.end == 7
/// ```
public struct ExtractedDocument: Sendable, Hashable {
    /// A block and its range in ``text`` (scalar offsets, end exclusive).
    public struct PlacedBlock: Sendable, Hashable {
        public var block: TextBlock
        public var start: Int
        public var end: Int
    }

    public var format: DocumentFormat
    public var title: String?
    public private(set) var text: String
    public private(set) var blocks: [PlacedBlock]

    public init(format: DocumentFormat, title: String?, blocks: [TextBlock]) {
        self.format = format
        self.title = title
        var text = ""
        var placed: [PlacedBlock] = []
        placed.reserveCapacity(blocks.count)
        var offset = 0
        for block in blocks {
            let trimmed = block.text.trimmingWhitespace()
            guard !trimmed.isEmpty else { continue }
            if !text.isEmpty {
                text += "\n\n"
                offset += 2
            }
            let length = trimmed.unicodeScalars.count
            var kept = block
            kept.text = trimmed
            placed.append(PlacedBlock(block: kept, start: offset, end: offset + length))
            text += trimmed
            offset += length
        }
        self.text = text
        self.blocks = placed
    }

    /// Whether there is any text that is not a heading.
    public var hasPassages: Bool { blocks.contains { $0.block.kind == .paragraph } }
}

extension String {
    /// The string without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    /// Runs of whitespace (newlines included) as single spaces, trimmed.
    func collapsingWhitespace() -> String {
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in unicodeScalars {
            if scalar.properties.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        return String(out)
    }
}
