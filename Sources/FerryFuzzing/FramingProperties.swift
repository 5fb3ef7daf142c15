import FerryWire
import Foundation

/// The stream framings: SSE, NDJSON and the streamed JSON array.
enum FramingProperties {
    /// What `decode` makes of the data fed whole and fed in the input's chunks.
    static func wholeAndCut<Output: Equatable>(
        _ cut: Chunking, _ decode: (_ chunks: [ArraySlice<UInt8>], _ outputs: inout [Output]) throws -> Void
    ) -> (whole: Outcome<Output>, chunked: Outcome<Output>) {
        (Outcome.of { try decode([cut.data], &$0) }, Outcome.of { try decode(cut.chunks, &$0) })
    }

    static func sse(_ input: [UInt8]) -> FuzzViolation? {
        let cut = Chunking(input)
        for limit in [64, 8 << 20] {
            let (whole, chunked) = wholeAndCut(cut) { (chunks, events: inout [ServerSentEvent]) in
                var decoder = SSEDecoder(maxEventBytes: limit)
                for chunk in chunks { try decoder.feed(chunk) { events.append($0) } }
                try decoder.finish { events.append($0) }
            }
            if whole != chunked { return FuzzViolation(target: .sse, message: "whole \(whole) but in chunks \(chunked) (limit \(limit))") }
            if limit > cut.data.count, whole.error == nil {
                let reference = ReferenceSSE.events(Array(cut.data))
                if whole.outputs != reference { return FuzzViolation(target: .sse, message: "decoded \(whole.outputs) but the WHATWG rules give \(reference)") }
            }
        }
        return nil
    }

    static func ndjson(_ input: [UInt8]) -> FuzzViolation? {
        let cut = Chunking(input)
        for limit in [64, 8 << 20] {
            let (whole, chunked) = wholeAndCut(cut) { (chunks, lines: inout [[UInt8]]) in
                var decoder = NDJSONDecoder(maxLineBytes: limit)
                for chunk in chunks { try decoder.feed(chunk) { lines.append($0) } }
                try decoder.finish { lines.append($0) }
            }
            if whole != chunked { return FuzzViolation(target: .ndjson, message: "whole \(whole) but in chunks \(chunked) (limit \(limit))") }
            if limit > cut.data.count, whole.error == nil {
                // Lines end at LF (a CR before it belongs to the line ending); blank lines carry nothing.
                let reference = cut.data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                    .map { $0.last == UInt8(ascii: "\r") ? Array($0.dropLast()) : Array($0) }
                    .filter { !$0.allSatisfy { $0 == 0x20 || $0 == 0x09 } }
                let decoded = whole.outputs.map { $0 }
                if decoded != reference { return FuzzViolation(target: .ndjson, message: "decoded \(decoded) but the lines are \(reference)") }
            }
        }
        return nil
    }

    static func jsonArray(_ input: [UInt8]) -> FuzzViolation? {
        let cut = Chunking(input)
        for limit in [64, 8 << 20] {
            let (whole, chunked) = wholeAndCut(cut) { (chunks, elements: inout [[UInt8]]) in
                var decoder = JSONArrayStreamDecoder(maxElementBytes: limit)
                for chunk in chunks { try decoder.feed(chunk) { elements.append($0) } }
                try decoder.finish()
            }
            if whole != chunked { return FuzzViolation(target: .jsonArray, message: "whole \(whole) but in chunks \(chunked) (limit \(limit))") }
            // The decoder takes objects and arrays as elements (what Gemini streams), and refuses anything else.
            guard limit > cut.data.count, let array = try? JSONSerialization.jsonObject(with: Data(cut.data)) as? [Any],
                array.allSatisfy({ $0 is [String: Any] || $0 is [Any] })
            else { continue }
            guard whole.error == nil, whole.outputs.count == array.count else {
                return FuzzViolation(target: .jsonArray, message: "Foundation reads an array of \(array.count); the decoder gave \(whole)")
            }
            for (element, expected) in zip(whole.outputs, array) {
                guard let read = try? JSONSerialization.jsonObject(with: Data(element), options: .fragmentsAllowed), JSONValues.equal(read, expected) else {
                    return FuzzViolation(target: .jsonArray, message: "element \(String(decoding: element, as: UTF8.self)) is not Foundation's \(expected)")
                }
            }
        }
        return nil
    }
}
