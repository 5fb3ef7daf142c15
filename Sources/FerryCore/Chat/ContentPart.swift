/// One part of a message's content: text or an image.
///
/// ```swift
/// let parts: [ContentPart] = [.text("What is in this picture?"), .image(ImageSource(url: "https://example.com/cat.png"))]
/// ```
public enum ContentPart: Sendable, Hashable, Codable {
    case text(String)
    case image(ImageSource)
}

/// An image given by URL: an `http(s)` address or a `data:` URL carrying base64 bytes.
public struct ImageSource: Sendable, Hashable, Codable {
    /// An `http(s)://` address or a `data:<mime>;base64,<bytes>` URL.
    public var url: String
    /// OpenAI's detail hint (`auto`, `low`, `high`), when the client gave one.
    public var detail: String?

    public init(url: String, detail: String? = nil) {
        self.url = url
        self.detail = detail
    }

    /// An image from base64 bytes and a MIME type.
    public init(base64: String, mimeType: String = "image/png") {
        self.init(url: "data:\(mimeType);base64,\(base64)")
    }

    /// The MIME type and base64 payload, when the URL is a base64 `data:` URL.
    public var inlineData: (mimeType: String, base64: String)? {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        let mime = header.dropLast(";base64".count)
        return (mime.isEmpty ? "application/octet-stream" : String(mime), String(url[url.index(after: comma)...]))
    }
}
