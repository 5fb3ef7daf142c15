import FerryRAG
import Foundation
import Testing

@Suite("Document extraction")
struct ExtractorTests {
    let reader = DocumentReader()

    @Test("Markdown: headings (ATX and setext) make sections; code, lists and links read as text; front matter skipped")
    func markdown() async throws {
        let source = """
            ---
            title: hidden
            ---
            Ferry Guide
            ===========

            Read the [manual](https://example.com/m) and ![the map](map.png) **first**.

            ## Boarding ##

            - Tickets at the gate
            - Board at `pier 3`

            ```swift
            let x = "# not a heading"
            ```
            <!-- a comment -->
            """
        let document = try await reader.read(Data(source.utf8), name: "guide.md")
        #expect(document.title == "Ferry Guide")
        let paragraphs = document.blocks.filter { $0.block.kind == .paragraph }.map(\.block)
        #expect(paragraphs.map(\.text) == ["Read the manual and the map first.", "- Tickets at the gate\n- Board at pier 3", "let x = \"# not a heading\""])
        #expect(paragraphs.map(\.section) == [["Ferry Guide"], ["Ferry Guide", "Boarding"], ["Ferry Guide", "Boarding"]])
        #expect(!document.text.contains("hidden") && !document.text.contains("comment"))
    }

    @Test("HTML of an mdBook page: the chapter's text under its headings; sidebar, menus, scripts and pop-ups dropped")
    func mdBookPage() async throws {
        let document = try await reader.read(try Fixtures.data("mdbook-what-is-rustdoc.html"), name: "what-is-rustdoc.html")
        #expect(document.title == "What is rustdoc? - The rustdoc book")
        let headings = document.blocks.filter { $0.block.kind == .heading }.map { $0.block.text }
        #expect(headings == ["What is rustdoc?", "Basic usage", "Configuring rustdoc", "Using rustdoc with Cargo", "Outer and inner documentation", "Using standalone Markdown files", "Summary"])
        #expect(document.text.contains("The standard Rust distribution ships with a tool called rustdoc"))
        #expect(document.text.contains("cargo doc"))
        for chrome in ["Keyboard shortcuts", "Toggle", "function playground_text", "Print this book", "Light", "Ayu"] {
            #expect(!document.text.contains(chrome), "\(chrome) is page chrome")
        }
        let basic = document.blocks.first { $0.block.text.hasPrefix("Let’s give it a try!") }
        #expect(basic?.block.section == ["What is rustdoc?", "Basic usage"])
    }

    @Test("HTML of a rustdoc API page: its items as a list, the sidebar gone, entities decoded")
    func rustdocPage() async throws {
        let document = try await reader.read(try Fixtures.data("rustdoc-std-detect.html"), name: "std_detect.html")
        #expect(document.title == "std_detect - Rust")
        #expect(document.text.contains("Run-time feature detection for the Rust standard library."))
        #expect(document.text.contains("is_x86_feature_detected"))
        #expect(!document.text.contains("Crate Items"), "the sidebar is navigation")
        #expect(!document.text.contains("&nbsp;") && !document.text.contains("<"))
    }

    @Test("HTML written carelessly: unclosed tags, stray end tags, attributes without quotes, tables, entities")
    func tolerantHTML() async throws {
        let html = """
            <html><head><title>Rules &amp; Regs</title><style>p { color: red }</style></head>
            <body><nav><a href=/>Home</a> | <a href=/about>About</a></nav>
            <div class=content><h1>Uniform</h1><p>Beards must be short<p>Hats &mdash; always&#33;</div></span>
            <h2 id=t>Table</h2><table><tr><th>Rank<th>Beard<tr><td>Officer<td>With approval</table>
            <script>if (a < b) { document.write("<p>not text</p>") }</script>
            <footer>© 2026 Ferry</footer></body></html>
            """
        let document = try await reader.read(Data(html.utf8), name: "rules.html")
        #expect(document.title == "Rules & Regs")
        #expect(document.blocks.map(\.block.text) == ["Uniform", "Beards must be short", "Hats — always!", "Table", "Rank | Beard", "Officer | With approval"])
        #expect(document.blocks.last?.block.section == ["Uniform", "Table"])
    }

    @Test("PDF through pdftotext: paragraphs with their page numbers")
    func pdf() async throws {
        let document = try await reader.read(try Fixtures.data("manual.pdf"), name: "manual.pdf")
        let pages = document.blocks.map(\.block.page)
        #expect(pages == [1, 2])
        #expect(document.blocks[0].block.text.contains("Passengers board the ferry from the north pier."))
        #expect(document.blocks[1].block.text.contains("Life jackets are stored under every seat of the passenger deck"))
    }

    @Test("a PDF tool that is missing is named, with the package to install")
    func pdfToolMissing() async throws {
        let reader = DocumentReader(pdf: PDFExtractor(program: "/nonexistent/pdftotext"))
        await #expect(throws: UnreadableDocument.self) { try await reader.read(try Fixtures.data("manual.pdf"), name: "manual.pdf") }
        do {
            _ = try await reader.read(try Fixtures.data("manual.pdf"), name: "manual.pdf")
        } catch let error as UnreadableDocument {
            #expect(error.reason.contains("poppler-utils"))
        }
    }

    @Test("DOCX: title, headings by style, English and Arabic paragraphs, table rows")
    func docx() async throws {
        let document = try await reader.read(try Fixtures.data("regulations.docx"), name: "regulations.docx")
        #expect(document.title == "Uniform Regulations")
        let paragraphs = document.blocks.filter { $0.block.kind == .paragraph }.map(\.block)
        #expect(paragraphs.map(\.text) == [
            "Beards must be kept short and neat. Moustaches may not extend past the corners of the mouth.",
            "Officers follow the same rules, and may grow a beard only with written approval.",
            "يجب أن تكون اللحية قصيرة ومرتبة. لا يجوز أن يتجاوز الشارب زاويتي الفم.",
            "Rank | Beard", "Officer | With approval",
        ])
        #expect(paragraphs[1].section == ["Uniform Regulations", "Grooming", "Officers"])
        #expect(paragraphs[2].section == ["Uniform Regulations", "اللباس"])
    }

    @Test("JSON and JSONL: the chosen fields of each record, titled")
    func json() async throws {
        let lines = #"{"id": "q1", "body": {"text": "Ferries run hourly."}, "n": 1}"# + "\n" + #"{"id": "q2", "body": {"text": "العبارة تعمل كل ساعة"}}"# + "\n"
        var reader = DocumentReader()
        reader.json = JSONExtractor(textFields: ["body.text"], titleField: "id")
        let document = try await reader.read(Data(lines.utf8), name: "faq.jsonl")
        #expect(document.blocks.map(\.block.text) == ["Ferries run hourly.", "العبارة تعمل كل ساعة"])
        #expect(document.blocks.map(\.block.section) == [["q1"], ["q2"]])
        let every = try await DocumentReader().read(Data(#"[{"a": "x", "b": {"c": "y"}}]"#.utf8), name: "all.json")
        #expect(every.text == "a: x\nb.c: y")
    }

    @Test("bad input is refused with the reason: empty, binary, wrongly encoded, oversized, broken JSON, not a DOCX")
    func badInput() async throws {
        func reason(_ data: Data, _ name: String, reader: DocumentReader = DocumentReader()) async -> String? {
            do {
                _ = try await reader.read(data, name: name)
                return nil
            } catch let error as UnreadableDocument {
                return error.reason
            } catch {
                return "unexpected \(error)"
            }
        }
        #expect(await reason(Data(), "a.txt") == "an empty file")
        #expect(await reason(Data([0x89, 0x50, 0x4E, 0x47, 0, 0, 1]), "image")?.contains("binary") == true)
        #expect(await reason(Data([0x41, 0xE1, 0xE4, 0x20, 0x41]), "cp1256.txt")?.contains("not UTF-8") == true)
        #expect(await reason(Data(repeating: 0x41, count: 2 << 20), "big.txt", reader: DocumentReader(maxBytes: 1 << 20))?.contains("limit") == true)
        #expect(await reason(Data("{\"a\": ".utf8), "broken.json")?.contains("not valid JSON") == true)
        #expect(await reason(Data("plain".utf8), "fake.docx")?.contains("not a DOCX") == true)
        #expect(await reason(Data("   \n\n  ".utf8), "blank.md") == "no text in it")
        #expect(await reason(Data("%PDF-1.4 garbage".utf8), "bad.pdf")?.contains("pdftotext could not read it") == true)
    }
}
