/// The language a question is written in, as far as the answer needs it: told to the model, and used for the
/// few words Ferry writes itself.
///
/// ```swift
/// QuestionLanguage.detect("ما هي عاصمة مصر؟")   // .arabic
/// ```
public enum QuestionLanguage: String, Sendable, Hashable, Codable {
    case arabic = "ar"
    case english = "en"
    /// Another language: the model is told to answer in the question's language.
    case other

    /// By script: Arabic letters outnumbering Latin ones make Arabic, Latin ones English, anything else other.
    public static func detect(_ text: String) -> QuestionLanguage {
        var arabic = 0, latin = 0, otherLetters = 0
        for scalar in text.unicodeScalars where scalar.properties.isAlphabetic {
            switch scalar.value {
            case 0x0600...0x06FF, 0x0750...0x077F, 0x08A0...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF: arabic += 1
            case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F: latin += 1
            default: otherLetters += 1
            }
        }
        if arabic > 0, arabic >= latin, arabic >= otherLetters { return .arabic }
        if latin > 0, latin >= otherLetters { return .english }
        return .other
    }

    /// The instruction that ends the prompt's rules.
    var instruction: String {
        switch self {
        case .arabic: "Write the answer in Arabic (أجب باللغة العربية)."
        case .english: "Write the answer in English."
        case .other: "Write the answer in the language of the question."
        }
    }

    /// What Ferry answers itself when the documents do not cover a question.
    public var notCovered: String {
        switch self {
        case .arabic: "لا تتناول الوثائق المتاحة هذا السؤال."
        case .english, .other: "The documents do not cover this question."
        }
    }

    var sourcesHeading: String {
        switch self {
        case .arabic: "المصادر:"
        case .english, .other: "Sources:"
        }
    }
}
