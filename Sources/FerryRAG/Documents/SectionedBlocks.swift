/// Collects blocks under a stack of headings: a heading of level n closes the sections of level n and deeper.
struct SectionedBlocks {
    private var headings: [(level: Int, title: String)] = []
    private(set) var blocks: [TextBlock] = []
    private(set) var firstHeading: String?
    var page: Int?

    var path: [String] { headings.map(\.title) }

    mutating func heading(_ title: String, level: Int) {
        let title = title.collapsingWhitespace()
        guard !title.isEmpty else { return }
        while let last = headings.last, last.level >= level { headings.removeLast() }
        headings.append((level, title))
        if firstHeading == nil { firstHeading = title }
        blocks.append(TextBlock(title, kind: .heading, section: path, page: page))
    }

    mutating func add(_ text: String) {
        guard text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else { return }
        blocks.append(TextBlock(text, section: path, page: page))
    }
}
