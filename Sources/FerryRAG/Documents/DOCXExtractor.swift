import Foundation
import SWXMLHash
import ZIPFoundation

/// Word documents (.docx): paragraphs in order, headings — by style (Heading 1…9, Title) or outline level — as
/// section paths, tables as `cell | cell` rows, the title from the document's properties.
public struct DOCXExtractor: DocumentExtractor {
    public init() {}

    public func extract(_ data: Data, name: String) async throws -> ExtractedDocument {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw UnreadableDocument("not a DOCX file (not a ZIP archive: \(error))")
        }
        guard let body = try Self.entry("word/document.xml", in: archive) else {
            throw UnreadableDocument("a ZIP archive without word/document.xml, so not a Word document")
        }
        let styles = try Self.entry("word/styles.xml", in: archive).map(Self.headingStyles) ?? [:]
        let title = try Self.entry("docProps/core.xml", in: archive).flatMap(Self.title)
        var sections = SectionedBlocks()
        let document = XMLHash.config { $0.shouldProcessNamespaces = false }.parse(body)
        for element in document["w:document"]["w:body"].children {
            Self.read(element, styles: styles, into: &sections)
        }
        return ExtractedDocument(format: .docx, title: title ?? sections.firstHeading, blocks: sections.blocks)
    }

    private static func read(_ node: XMLIndexer, styles: [String: Int], into sections: inout SectionedBlocks) {
        guard let element = node.element else { return }
        switch element.name {
        case "w:p":
            let text = paragraphText(node)
            if let level = headingLevel(node, styles: styles) {
                sections.heading(text, level: level)
            } else {
                sections.add(text)
            }
        case "w:tbl":
            for row in node.children where row.element?.name == "w:tr" {
                let cells = row.children.filter { $0.element?.name == "w:tc" }.map { cell in
                    cell.children.filter { $0.element?.name == "w:p" }.map(paragraphText).joined(separator: " ").collapsingWhitespace()
                }.filter { !$0.isEmpty }
                if !cells.isEmpty { sections.add(cells.joined(separator: " | ")) }
            }
        case "w:sdt":
            for child in node["w:sdtContent"].children { read(child, styles: styles, into: &sections) }
        default:
            break
        }
    }

    /// The text of a paragraph's runs (hyperlinks, insertions and fields included), tabs and breaks kept.
    private static func paragraphText(_ paragraph: XMLIndexer) -> String {
        var text = ""
        func walk(_ node: XMLIndexer) {
            for child in node.children {
                guard let element = child.element else { continue }
                switch element.name {
                case "w:t": text += element.text
                case "w:tab": text += "\t"
                case "w:br", "w:cr": text += "\n"
                case "w:del", "w:pPr", "w:rPr", "w:instrText": continue
                default: walk(child)
                }
            }
        }
        walk(paragraph)
        return text
    }

    private static func headingLevel(_ paragraph: XMLIndexer, styles: [String: Int]) -> Int? {
        let properties = paragraph["w:pPr"]
        if let outline = properties["w:outlineLvl"].element?.attribute(by: "w:val")?.text, let level = Int(outline), level < 9 { return level + 1 }
        guard let style = properties["w:pStyle"].element?.attribute(by: "w:val")?.text else { return nil }
        return styles[style] ?? builtInLevel(style)
    }

    private static func builtInLevel(_ style: String) -> Int? {
        let lowered = style.lowercased().replacingOccurrences(of: " ", with: "")
        if lowered == "title" { return 0 }
        guard lowered.hasPrefix("heading"), let level = Int(lowered.dropFirst("heading".count)), (1...9).contains(level) else { return nil }
        return level
    }

    /// Style id → heading level, from styles named "heading N" / "Title" (level 0, above every heading) or with an
    /// outline level.
    static func headingStyles(_ xml: Data) -> [String: Int] {
        var levels: [String: Int] = [:]
        let styles = XMLHash.config { $0.shouldProcessNamespaces = false }.parse(xml)
        for style in styles["w:styles"]["w:style"].all {
            guard let id = style.element?.attribute(by: "w:styleId")?.text else { continue }
            if let outline = style["w:pPr"]["w:outlineLvl"].element?.attribute(by: "w:val")?.text, let level = Int(outline), level < 9 {
                levels[id] = level + 1
            } else if let name = style["w:name"].element?.attribute(by: "w:val")?.text, let level = builtInLevel(name) {
                levels[id] = level
            }
        }
        return levels
    }

    private static func title(_ xml: Data) -> String? {
        let core = XMLHash.config { $0.shouldProcessNamespaces = false }.parse(xml)
        let title = core["cp:coreProperties"]["dc:title"].element?.text.trimmingWhitespace()
        return title?.isEmpty == false ? title : nil
    }

    private static func entry(_ path: String, in archive: Archive) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        guard entry.uncompressedSize < 256 << 20 else { throw UnreadableDocument("\(path) unpacks to \(entry.uncompressedSize >> 20) MB, more than Ferry reads from a DOCX") }
        var data = Data()
        do {
            _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        } catch {
            throw UnreadableDocument("a damaged DOCX: \(path) could not be unpacked (\(error))")
        }
        return data
    }
}
