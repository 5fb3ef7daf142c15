import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The web page `ferry serve` shows at `/`: plain HTML, CSS and JavaScript modules embedded in the binary as
/// SwiftPM resources (no build step, nothing from other origins), each served with an entity tag (304 when the
/// browser has it), gzip when the browser takes it, and a strict Content-Security-Policy.
///
/// ```swift
/// let page = WebPage()
/// let response = page.response(for: "main.js", request: request.head)   // nil: no such file
/// ```
struct WebPage: Sendable {
    /// The page at `/`; the other files are under ``prefix``.
    static let indexName = "index.html"
    static let prefix = "/web/"

    /// Scripts and styles from this origin only, no inline code, no frames, no plugins; the page calls this
    /// origin's API and nothing else.
    static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
        "manifest-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    let assets: [String: WebAsset]

    init(files: [(name: String, bytes: [UInt8])] = WebPage.embeddedFiles) {
        assets = Dictionary(files.map { ($0.name, WebAsset(name: $0.name, bytes: $0.bytes)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The page's files, as SwiftPM embedded them (`Web/Page`).
    static let embeddedFiles: [(name: String, bytes: [UInt8])] = [
        ("index.html", PackageResources.index_html),
        ("ferry.css", PackageResources.ferry_css),
        ("icon.svg", PackageResources.icon_svg),
        ("main.js", PackageResources.main_js),
        ("api.js", PackageResources.api_js),
        ("store.js", PackageResources.store_js),
        ("markdown.js", PackageResources.markdown_js),
        ("chat.js", PackageResources.chat_js),
        ("documents.js", PackageResources.documents_js),
        ("status.js", PackageResources.status_js),
        ("charts.js", PackageResources.charts_js),
        ("dom.js", PackageResources.dom_js),
    ]

    /// Whether a request for `/` comes from a browser that wants the page (rather than an Ollama client, which
    /// gets Ollama's "Ollama is running").
    static func wantsPage(_ fields: HTTPFields) -> Bool {
        fields[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    /// The response for the file `name` (a HEAD gets the headers alone), or nil when there is no such file.
    func response(for name: String, request fields: HTTPFields, head: Bool = false) -> Response? {
        guard let asset = assets[name] else { return nil }
        let gzipped = Self.acceptsGzip(fields) ? asset.gzipped : nil
        let etag = gzipped == nil ? asset.etag : asset.gzippedETag
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            .eTag: etag,
            .cacheControl: "no-cache",
            .vary: "Accept-Encoding",
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .referrerPolicy: "no-referrer",
            .crossOriginOpenerPolicy: "same-origin",
        ]
        if Self.matches(fields[values: .ifNoneMatch], etag: etag) {
            return Response(status: .notModified, headers: headers)
        }
        let body = gzipped ?? asset.body
        if gzipped != nil { headers[.contentEncoding] = "gzip" }
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: .ok, headers: headers, body: head ? ResponseBody() : ResponseBody(byteBuffer: body))
    }

    /// Whether `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
    static func acceptsGzip(_ fields: HTTPFields) -> Bool {
        for value in fields[values: .acceptEncoding] {
            for item in value.split(separator: ",") {
                let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
                let quality = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
                return quality > 0
            }
        }
        return false
    }

    /// Whether an `If-None-Match` list names `etag` (weak comparison, as RFC 9110 asks for it) or is `*`.
    static func matches(_ values: [String], etag: String) -> Bool {
        for value in values {
            for tag in value.split(separator: ",") {
                var tag = tag.trimmingCharacters(in: .whitespaces)
                if tag == "*" { return true }
                if tag.hasPrefix("W/") { tag.removeFirst(2) }
                if tag == etag { return true }
            }
        }
        return false
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
}
