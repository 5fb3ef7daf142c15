import FerryCore
import Foundation
import Subprocess
import SystemPackage

/// PDF through `pdftotext` (Debian's poppler-utils): one block per paragraph, each with its page number (pages are
/// separated by form feeds in pdftotext's output); lines of a paragraph are joined, words hyphenated across a line
/// end are rejoined. A PDF without a text layer (a scan) is reported as such.
public struct PDFExtractor: DocumentExtractor {
    /// The pdftotext program (a name looked up in PATH, or a path).
    public var program: String
    public var timeout: Duration

    public init(program: String = "pdftotext", timeout: Duration = .seconds(120)) {
        self.program = program
        self.timeout = timeout
    }

    public func extract(_ data: Data, name: String) async throws -> ExtractedDocument {
        guard data.starts(with: Array("%PDF".utf8)) else { throw UnreadableDocument("not a PDF file (it does not start with %PDF)") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ferry-pdf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("document.pdf")
        try data.write(to: file)
        let text = try await run(file: file.path, name: name)
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false)
        var blocks: [TextBlock] = []
        for (number, page) in pages.enumerated() {
            for paragraph in PlainTextExtractor.paragraphs(String(page)) {
                blocks.append(TextBlock(Self.joinLines(paragraph), page: number + 1))
            }
        }
        let document = ExtractedDocument(format: .pdf, title: nil, blocks: blocks)
        guard document.hasPassages else {
            throw UnreadableDocument("a PDF without a text layer (\(pages.count) page(s) of images, a scan?); run OCR on it first, e.g. `ocrmypdf \(name) out.pdf`")
        }
        return document
    }

    private func run(file: String, name: String) async throws -> String {
        let program = program
        let found: (status: TerminationStatus, output: String?, error: String?)?
        do {
            found = try await firstOrNil({
                let result =
                try await Subprocess.run(
                    program.contains("/") ? .path(FilePath(program)) : .name(program),
                    arguments: ["-enc", "UTF-8", "-eol", "unix", file, "-"],
                    output: .string(limit: 256 << 20), error: .string(limit: 64 << 10)
                )
                return (result.terminationStatus, result.standardOutput, result.standardError)
            }, before: { [timeout] in try await Task.sleep(for: timeout) })
        } catch {
            throw UnreadableDocument("a PDF, and reading PDFs needs `\(program)` from poppler-utils, which could not be run (\(error)); install it: `sudo apt-get install poppler-utils`")
        }
        guard let result = found else { throw UnreadableDocument("pdftotext took longer than \(timeout) on it; split the PDF, or ingest it alone") }
        guard result.status.isSuccess else {
            let detail = (result.error ?? "").split(separator: "\n").last.map(String.init) ?? "no message"
            throw UnreadableDocument("pdftotext could not read it (\(result.status)): \(detail)")
        }
        return result.output ?? ""
    }

    /// A paragraph's lines as one line; a word broken with a hyphen at a line end is rejoined.
    static func joinLines(_ paragraph: String) -> String {
        var out = ""
        for line in paragraph.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            if out.hasSuffix("-"), let first = trimmed.first, first.isLowercase {
                out.removeLast()
            } else if !out.isEmpty {
                out += " "
            }
            out += trimmed
        }
        return out
    }
}
