import FerryCore
import NIOCore

extension OpenAIUsage: FastJSONDecodable, FastJSONEncodable {
    package static func read(_ json: inout JSONScanner) throws -> OpenAIUsage {
        var prompt: Int?
        var completion: Int?
        var total: Int?
        var cached: Int??
        var first = true
        try json.beginObject()
        while let key = try json.nextKey(&first) {
            if JSONScanner.matches(key, "prompt_tokens") {
                prompt = try json.int()
            } else if JSONScanner.matches(key, "completion_tokens") {
                completion = try json.optionalInt()
            } else if JSONScanner.matches(key, "total_tokens") {
                total = try json.int()
            } else if JSONScanner.matches(key, "prompt_tokens_details") {
                cached = .some(nil)
                guard !json.skipNull() else { cached = nil; continue }
                var inner = true
                try json.beginObject()
                while let detail = try json.nextKey(&inner) {
                    if JSONScanner.matches(detail, "cached_tokens") { cached = .some(try json.optionalInt()) } else { try json.skipValue() }
                }
            } else {
                try json.skipValue()
            }
        }
        guard let prompt, let total else { throw JSONScanner.Miss() }
        var usage = OpenAIUsage(Usage(promptTokens: prompt, completionTokens: completion ?? 0))
        usage.completionTokens = completion
        usage.totalTokens = total
        usage.promptTokensDetails = cached.map { PromptDetails(cachedTokens: $0) }
        return usage
    }

    func writeJSON(into out: inout ByteWriter) -> Bool {
        out.write(#"{"prompt_tokens":"#)
        out.write(decimal: promptTokens)
        if let completionTokens {
            out.write(#","completion_tokens":"#)
            out.write(decimal: completionTokens)
        }
        out.write(#","total_tokens":"#)
        out.write(decimal: totalTokens)
        if let promptTokensDetails {
            out.write(#","prompt_tokens_details":{"#)
            if let cached = promptTokensDetails.cachedTokens {
                out.write(#""cached_tokens":"#)
                out.write(decimal: cached)
            }
            out.write("}")
        }
        out.write("}")
        return true
    }
}
