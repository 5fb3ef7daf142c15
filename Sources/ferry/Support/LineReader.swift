import Foundation

/// Lines of standard input, read on a thread of their own so a blocking read never holds a task's thread.
enum LineReader {
    static func standardInput() -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingOldest(256))
        let thread = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        thread.stackSize = 1 << 20
        thread.start()
        return lines
    }
}
