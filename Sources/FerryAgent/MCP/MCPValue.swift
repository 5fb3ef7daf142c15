import FerryCore
import Foundation
import MCP

/// Between MCP's `Value` and Ferry's `JSONValue`.
enum MCPValue {
    static func json(_ value: Value) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .int(let number): .integer(Int64(number))
        case .double(let number): .number(number)
        case .string(let text): .string(text)
        case .data(let mimeType, let data): .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let items): .array(items.map(json))
        case .object(let members): .object(members.mapValues(json))
        }
    }

    static func mcp(_ value: JSONValue) -> Value {
        switch value {
        case .null: .null
        case .bool(let flag): .bool(flag)
        case .integer(let number): .int(Int(clamping: number))
        case .number(let number): .double(number)
        case .string(let text): .string(text)
        case .array(let items): .array(items.map(mcp))
        case .object(let members): .object(members.mapValues(mcp))
        }
    }

    /// A tool result's content as the text a model reads.
    static func text(_ content: [MCP.Tool.Content]) -> String {
        content.map { part in
            switch part {
            case .text(let text, _, _): text
            case .image(_, let mimeType, _, _): "[an image, \(mimeType)]"
            case .audio(_, let mimeType, _, _): "[audio, \(mimeType)]"
            case .resource(let resource, _, _): resource.text ?? "[resource \(resource.uri)]"
            case .resourceLink(let uri, let name, _, _, _, _): "[resource \(name): \(uri)]"
            }
        }.joined(separator: "\n")
    }
}
