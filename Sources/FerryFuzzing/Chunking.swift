/// How a fuzz input is cut into chunks: the first byte chooses the chunk sizes (1 to 16 bytes, varying), the rest
/// is the data.
struct Chunking {
    let data: ArraySlice<UInt8>
    private let seed: UInt8

    init(_ input: [UInt8]) {
        seed = input.first ?? 0
        data = input.dropFirst()
    }

    /// The data in chunks whose sizes follow the seed.
    var chunks: [ArraySlice<UInt8>] {
        var result: [ArraySlice<UInt8>] = []
        var start = data.startIndex
        var step = UInt(seed)
        while start < data.endIndex {
            let size = Int(step % 16) + 1
            let end = min(data.endIndex, start + size)
            result.append(data[start..<end])
            start = end
            step = step &* 31 &+ 7
        }
        return result
    }
}

/// What a decoder made of some bytes: its outputs, then the error that stopped it, if any.
struct Outcome<Output: Equatable>: Equatable {
    var outputs: [Output] = []
    var error: String?

    static func of(_ body: (inout [Output]) throws -> Void) -> Outcome {
        var outcome = Outcome()
        do {
            try body(&outcome.outputs)
        } catch {
            outcome.error = "\(error)"
        }
        return outcome
    }
}
