import NIOCore
import Testing

@testable import FerryWire

@Suite("ByteWriter")
struct ByteWriterTests {
    @Test("pieces land in order after what the buffer holds")
    func writesInOrder() {
        var buffer = ByteBuffer(string: "head:")
        let written = buffer.writeWithByteWriter(estimatedSize: 64) { out in
            out.write("a")
            out.write(byte: UInt8(ascii: "-"))
            out.write("é日")
            "xyz".utf8.withContiguousStorageIfAvailable { out.write(UnsafeRawBufferPointer($0)) }
        }
        #expect(written == 1 + 1 + 5 + 3)
        #expect(String(buffer: buffer) == "head:a-é日xyz")
    }

    @Test("a short estimate costs a second pass, never a short or overlong write", arguments: [0, 1, 7, 8, 9, 63, 64, 65, 4096])
    func shortEstimates(estimate: Int) {
        let parts = (0..<40).map { "part \($0) " }
        var buffer = ByteBuffer(string: "<")
        var runs = 0
        buffer.writeWithByteWriter(estimatedSize: estimate) { out in
            runs += 1
            for part in parts { out.write(part) }
        }
        buffer.writeStaticString(">")
        #expect(String(buffer: buffer) == "<" + parts.joined() + ">")
        // The room may be larger than asked for (the buffer rounds its capacity up): one run then, at most two.
        #expect(estimate >= parts.joined().utf8.count ? runs == 1 : (1...2).contains(runs))
    }

    @Test("decimals as String(_:) writes them", arguments: [0, 7, -7, 10, 99, 100, 1_234_567_890, Int.max, Int.min, -1])
    func decimals(value: Int) {
        var buffer = ByteBuffer()
        buffer.writeWithByteWriter(estimatedSize: 1) { $0.write(decimal: value) }
        #expect(String(buffer: buffer) == String(value))
    }

    @Test("nothing written leaves the buffer as it was")
    func nothingWritten() {
        var buffer = ByteBuffer(string: "kept")
        #expect(buffer.writeWithByteWriter(estimatedSize: 16) { _ in } == 0)
        #expect(String(buffer: buffer) == "kept")
    }
}
