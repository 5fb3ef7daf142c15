import Foundation

/// JSON (an object or an array of them) and JSON Lines: each record is a block, titled by `titleField` (its
/// section), its text the `textFields` (dotted paths, e.g. `body.text`) — or, when none are named, every string
/// field as `key: value` lines.
///
/// ```swift
/// let extractor = JSONExtractor(textFields: ["question", "answer"], titleField: "id")
/// ```
public struct JSONExtractor: DocumentExtractor {
    public var textFields: [String]
    public var titleField: String?
    public var lines: Bool

    public init(textFields: [String] = [], titleField: String? = nil, lines: Bool = false) {
        self.textFields = textFields
        self.titleField = titleField
        self.lines = lines
    }

    public func extract(_ data: Data, name: String) async throws -> ExtractedDocument {
        let text = try TextDecoding.decode(data, name: name)
        var records: [Any] = []
        if lines {
            for (number, line) in text.split(separator: "\n").enumerated() where !line.allSatisfy(\.isWhitespace) {
                do {
                    records.append(try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed]))
                } catch {
                    throw UnreadableDocument("line \(number + 1) is not JSON (\(Self.reason(error)))")
                }
            }
        } else {
            let value: Any
            do {
                value = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            } catch {
                throw UnreadableDocument("not valid JSON (\(Self.reason(error)))")
            }
            records = (value as? [Any]) ?? [value]
        }
        var blocks: [TextBlock] = []
        for (number, record) in records.enumerated() {
            let title = titleField.flatMap { Self.string(at: $0, in: record) }
            let body: String
            if textFields.isEmpty {
                body = Self.strings(in: record, prefix: "").joined(separator: "\n")
            } else {
                body = textFields.compactMap { Self.string(at: $0, in: record) }.joined(separator: "\n")
            }
            guard !body.isEmpty else { continue }
            blocks.append(TextBlock(body, section: [title ?? "record \(number + 1)"]))
        }
        if blocks.isEmpty, !textFields.isEmpty {
            throw UnreadableDocument("no record has the field(s) \(textFields.joined(separator: ", ")); name the text fields with --json-text")
        }
        return ExtractedDocument(format: lines ? .jsonl : .json, title: nil, blocks: blocks)
    }

    static func string(at path: String, in value: Any) -> String? {
        var current: Any? = value
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        switch current {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        case let list as [Any]: return list.compactMap { $0 as? String }.joined(separator: "\n")
        default: return nil
        }
    }

    /// Every string under `value`, as `path: text`.
    static func strings(in value: Any, prefix: String) -> [String] {
        switch value {
        case let text as String: return text.isEmpty ? [] : [prefix.isEmpty ? text : "\(prefix): \(text)"]
        case let object as [String: Any]:
            return object.keys.sorted().flatMap { strings(in: object[$0]!, prefix: prefix.isEmpty ? $0 : "\(prefix).\($0)") }
        case let list as [Any]: return list.flatMap { strings(in: $0, prefix: prefix) }
        default: return []
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
    }
}
