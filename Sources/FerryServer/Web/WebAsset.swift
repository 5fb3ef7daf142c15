import Crypto
import CompressNIO
import NIOCore

/// One file of the web page, ready to serve: its bytes, their gzip form when that is smaller, and an entity tag for
/// each (the gzip form is another representation, so it has a tag of its own).
struct WebAsset: Sendable {
    let name: String
    let contentType: String
    let body: ByteBuffer
    let etag: String
    let gzipped: ByteBuffer?
    let gzippedETag: String

    /// Files this small are sent as they are: compressing them saves less than it costs.
    static let compressionThreshold = 512

    init(name: String, bytes: [UInt8]) {
        self.name = name
        contentType = Self.contentType(of: name)
        body = ByteBuffer(bytes: bytes)
        let digest = SHA256.hash(data: bytes).prefix(12).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        etag = "\"\(digest)\""
        gzippedETag = "\"\(digest)-gz\""
        var source = body
        if bytes.count >= Self.compressionThreshold, let compressed = try? source.compress(with: .gzip(), allocator: ByteBufferAllocator()),
           compressed.readableBytes < bytes.count {
            gzipped = compressed
        } else {
            gzipped = nil
        }
    }

    static func contentType(of name: String) -> String {
        switch name.split(separator: ".").last {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "json", "webmanifest": "application/manifest+json"
        default: "application/octet-stream"
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
