/// An in-memory index of a collection's vectors for nearest-neighbour search on a CPU: each vector kept as sign
/// bits (48 bytes at 384 dimensions) and as int8 codes with a scale (384 bytes). A search scans the bits (Hamming
/// distance) to keep the closest few hundred, ranks those by the int8 dot product, and leaves the exact rescoring
/// of the best to the caller (with the float vectors from the store). Small collections skip the bit scan.
///
/// ```swift
/// let index = VectorIndex(version: 3, rows: rows, vectors: vectors)
/// let candidates = index.candidates(for: query, count: 40, allowed: nil)   // (position, approximate cosine)
/// ```
public struct VectorIndex: Sendable {
    public let version: Int64
    public let dimensions: Int
    public let rows: [Int64]
    private let words: Int
    private let bits: [UInt64]
    private let codes: [Int8]
    private let scales: [Float]
    /// Below this many vectors every one is scored with its int8 codes.
    static let bitScanThreshold = 4096

    public init(version: Int64, rows: [Int64], vectors: [[Float]]) {
        let dimensions = vectors.first?.count ?? 0
        self.init(version: version, rows: rows, dimensions: dimensions, flat: vectors.flatMap { $0.count == dimensions ? $0 : [Float](repeating: 0, count: dimensions) })
    }

    /// From the vectors one after another in `flat` (`dimensions` floats each, one per row).
    public init(version: Int64, rows: [Int64], dimensions: Int, flat: [Float]) {
        precondition(flat.count == rows.count * dimensions, "one vector of \(dimensions) floats per row")
        self.version = version
        self.rows = rows
        self.dimensions = dimensions
        let words = (dimensions + 63) / 64
        self.words = words
        var bits = [UInt64](repeating: 0, count: rows.count * words)
        var codes = [Int8](repeating: 0, count: rows.count * dimensions)
        var scales = [Float](repeating: 0, count: rows.count)
        flat.withUnsafeBufferPointer { flat in
            for position in 0..<rows.count {
                let vector = UnsafeBufferPointer(rebasing: flat[position * dimensions..<(position + 1) * dimensions])
                var largest: Float = 0
                for value in vector { largest = max(largest, abs(value)) }
                guard largest > 0 else { continue }
                let scale = largest / 127
                scales[position] = scale
                for (index, value) in vector.enumerated() {
                    codes[position * dimensions + index] = Int8((value / scale).rounded())
                    if value > 0 { bits[position * words + index / 64] |= 1 << UInt64(index % 64) }
                }
            }
        }
        self.bits = bits
        self.codes = codes
        self.scales = scales
    }

    public var count: Int { rows.count }

    /// The vector's int8 codes and the scale that maps them back (value ≈ code × scale).
    static func quantize(_ vector: [Float]) -> ([Int8], Float) {
        let largest = vector.reduce(Float(0)) { max($0, abs($1)) }
        guard largest > 0 else { return ([Int8](repeating: 0, count: vector.count), 0) }
        let scale = largest / 127
        return (vector.map { Int8(($0 / scale).rounded()) }, scale)
    }

    /// Up to `count` positions (indexes into ``rows``) closest to `query` by the int8 dot product, best first, with
    /// that approximate score; `allowed` limits them to those rows.
    public func candidates(for query: [Float], count: Int, allowed: Set<Int64>?) -> [(position: Int, score: Float)] {
        guard query.count == dimensions, !rows.isEmpty, count > 0 else { return [] }
        let pool = rows.count <= Self.bitScanThreshold ? nil : closestByBits(query, keep: max(count * 16, 512), allowed: allowed)
        let (queryCodes, queryScale) = Self.quantize(query)
        var scored: [(position: Int, score: Float)] = []
        scored.reserveCapacity(pool?.count ?? rows.count)
        codes.withUnsafeBufferPointer { codes in
            queryCodes.withUnsafeBufferPointer { q in
                func score(_ position: Int) -> Float {
                    let base = position * dimensions
                    var sum: Int32 = 0
                    for index in 0..<dimensions { sum &+= Int32(codes[base + index]) &* Int32(q[index]) }
                    return Float(sum) * scales[position] * queryScale
                }
                if let pool {
                    for position in pool { scored.append((position, score(position))) }
                } else {
                    for position in 0..<rows.count where allowed?.contains(rows[position]) ?? true { scored.append((position, score(position))) }
                }
            }
        }
        if scored.count > count {
            scored.sort { $0.score > $1.score }
            return Array(scored.prefix(count))
        }
        return scored.sorted { $0.score > $1.score }
    }

    /// The positions whose sign bits differ least from the query's: at least `keep` of them (ties included).
    private func closestByBits(_ query: [Float], keep: Int, allowed: Set<Int64>?) -> [Int] {
        var queryBits = [UInt64](repeating: 0, count: words)
        for (index, value) in query.enumerated() where value > 0 { queryBits[index / 64] |= 1 << UInt64(index % 64) }
        var distances = [UInt16](repeating: .max, count: rows.count)
        var histogram = [Int](repeating: 0, count: dimensions + 1)
        bits.withUnsafeBufferPointer { bits in
            queryBits.withUnsafeBufferPointer { q in
                for position in 0..<rows.count {
                    if let allowed, !allowed.contains(rows[position]) { continue }
                    var distance = 0
                    let base = position * words
                    for word in 0..<words { distance &+= (bits[base + word] ^ q[word]).nonzeroBitCount }
                    distances[position] = UInt16(distance)
                    histogram[distance] += 1
                }
            }
        }
        var threshold = 0
        var total = 0
        while threshold < histogram.count {
            total += histogram[threshold]
            if total >= keep { break }
            threshold += 1
        }
        var kept: [Int] = []
        kept.reserveCapacity(min(total, rows.count))
        for position in 0..<rows.count where distances[position] <= threshold { kept.append(position) }
        return kept
    }
}
