import FerryCore
import Foundation
import MultipartKit
import NIOCore

/// A `multipart/form-data` body: its files (name and bytes) and its plain fields.
struct MultipartForm {
    struct File {
        var name: String
        var data: Data
    }

    var files: [File] = []
    var fields: [String: String] = [:]

    /// Parses `body`; `contentType` must carry the boundary.
    init(body: ByteBuffer, contentType: String) throws {
        guard let boundary = Self.parameter("boundary", in: contentType), !boundary.isEmpty else {
            throw FerryError.invalidRequest("a multipart/form-data body needs a boundary in its Content-Type", field: "content-type")
        }
        let parser = MultipartParser(boundary: boundary)
        var disposition = ""
        var current = Data()
        var parts: [(disposition: String, data: Data)] = []
        parser.onHeader = { name, value in
            if name.lowercased() == "content-disposition" { disposition = value }
        }
        parser.onBody = { buffer in current.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            parts.append((disposition, current))
            disposition = ""
            current = Data()
        }
        do {
            try parser.execute(body)
        } catch {
            throw FerryError.invalidRequest("the multipart/form-data body is malformed (\(error))", field: "body")
        }
        for part in parts {
            let field = Self.parameter("name", in: part.disposition) ?? ""
            if let filename = Self.parameter("filename", in: part.disposition) {
                let name = (filename as NSString).lastPathComponent
                files.append(File(name: name.isEmpty ? field : name, data: part.data))
            } else if !field.isEmpty {
                fields[field] = String(decoding: part.data, as: UTF8.self)
            }
        }
    }

    /// `name=value` or `name="value"` from a header value such as `form-data; name="file"; filename="a.pdf"`.
    static func parameter(_ name: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == name else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value.replacingOccurrences(of: "\\\"", with: "\"")
        }
        return nil
    }
}
