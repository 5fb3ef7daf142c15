import ArgumentParser
import Foundation
import Logging

/// Logging for the CLI: to standard error, at the chosen level, bootstrapped once.
enum ConsoleLogging {
    static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Prints a line to standard output and flushes it, so a parent process reading a pipe sees it at once.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes text to standard output as it is (a streamed answer's pieces).
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// Prints a value as pretty, key-sorted JSON (for `--json`).
    static func printJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        say(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
