import Foundation

/// Colours and live lines, only when the output is a terminal (and `NO_COLOR` is unset), so pipes and files get
/// plain text.
struct Terminal: Sendable {
    enum Colour: String {
        case green = "32", red = "31", yellow = "33", dim = "2", bold = "1", cyan = "36"
    }

    /// Whether standard output is a terminal that takes colours.
    let colours: Bool
    /// Whether standard error is a terminal (for progress lines).
    let interactiveErrors: Bool

    static let current = Terminal(
        colours: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && ProcessInfo.processInfo.environment["TERM"] != "dumb",
        interactiveErrors: isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    )

    func paint(_ text: String, _ colour: Colour) -> String {
        colours ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    /// Rewrites the current line of standard error (a progress bar); does nothing when it is not a terminal.
    func status(_ line: String) {
        guard interactiveErrors else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    /// Clears the status line.
    func clearStatus() {
        guard interactiveErrors else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
