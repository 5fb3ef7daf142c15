/// The Responses stream's frames written by hand: `{"type":…,"sequence_number":…` then each frame's own fields,
/// declining (to Codable) only when the response or item inside does.
extension ResponsesStreamEncoder.ResponseEvent {
    var estimatedJSONSize: Int { 96 + response.estimatedJSONSize }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard response.writesPlainly else { return false }
        out.writeFrameStart(type, sequenceNumber)
        out.write(#","response":"#)
        _ = response.writeJSON(into: &out)
        out.write("}")
        return true
    }
}

extension ResponsesStreamEncoder.ItemEvent {
    var estimatedJSONSize: Int { 128 + item.estimatedJSONSize }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard item.writesPlainly else { return false }
        out.writeFrameStart(type, sequenceNumber)
        out.write(#","output_index":"#)
        out.write(decimal: outputIndex)
        out.write(#","item":"#)
        _ = item.writeJSON(into: &out)
        out.write("}")
        return true
    }
}

extension ResponsesStreamEncoder.PartEvent {
    var estimatedJSONSize: Int { 192 + itemID.utf8.count + (part.text?.utf8.count ?? 0) }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard part.writesPlainly else { return false }
        out.writeFrameStart(type, sequenceNumber)
        out.writeItemPosition(itemID, outputIndex)
        out.write(#","content_index":"#)
        out.write(decimal: contentIndex)
        out.write(#","part":"#)
        _ = part.writeJSON(into: &out)
        out.write("}")
        return true
    }
}

extension ResponsesStreamEncoder.TextDone {
    var estimatedJSONSize: Int { 192 + itemID.utf8.count + text.utf8.count }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        guard logprobs.isEmpty else { return false }
        out.writeFrameStart(type, sequenceNumber)
        out.writeItemPosition(itemID, outputIndex)
        out.write(#","content_index":"#)
        out.write(decimal: contentIndex)
        out.write(#","text":"#)
        out.writeJSONString(text)
        out.write(#","logprobs":[]}"#)
        return true
    }
}

extension ResponsesStreamEncoder.ArgumentsDelta {
    var estimatedJSONSize: Int { 160 + itemID.utf8.count + delta.utf8.count }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        out.writeFrameStart(type, sequenceNumber)
        out.writeItemPosition(itemID, outputIndex)
        out.write(#","delta":"#)
        out.writeJSONString(delta)
        out.write("}")
        return true
    }
}

extension ResponsesStreamEncoder.ArgumentsDone {
    var estimatedJSONSize: Int { 160 + itemID.utf8.count + arguments.utf8.count }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        out.writeFrameStart(type, sequenceNumber)
        out.writeItemPosition(itemID, outputIndex)
        out.write(#","arguments":"#)
        out.writeJSONString(arguments)
        out.write("}")
        return true
    }
}

extension ResponsesResponse {
    /// Whether ``writeJSON(into:)`` writes it (rather than declining to Codable).
    var writesPlainly: Bool {
        guard tools.isEmpty, metadata.isEmpty, case .mode = toolChoice, text.writesPlainly else { return false }
        return output.allSatisfy(\.writesPlainly) && temperature?.isFinite ?? true && topP?.isFinite ?? true
    }
}

extension ByteWriter {
    fileprivate mutating func writeFrameStart(_ type: String, _ sequenceNumber: Int) {
        write(#"{"type":"#)
        writeJSONString(type)
        write(#","sequence_number":"#)
        write(decimal: sequenceNumber)
    }

    fileprivate mutating func writeItemPosition(_ itemID: String, _ outputIndex: Int) {
        write(#","item_id":"#)
        writeJSONString(itemID)
        write(#","output_index":"#)
        write(decimal: outputIndex)
    }
}
