import FerryCore
import Foundation

/// A question-answering set in SQuAD 1.1's format (XQuAD is one): articles of paragraphs, each with its questions.
public struct SQuADFile: Sendable {
    public struct Paragraph: Sendable {
        /// `article-index/paragraph-index`, the same in every translation of the set.
        public var key: String
        /// The article's position in the file.
        public var article: Int
        public var title: String
        public var context: String
        public var questionIDs: [String]
    }

    public struct Question: Sendable {
        public var id: String
        public var text: String
        /// The key of the paragraph that answers it.
        public var paragraph: String
        /// The gold answers' texts.
        public var answers: [String] = []
    }

    public var paragraphs: [Paragraph]
    public var questions: [Question]

    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw FerryError(code: .badRequest, message: "Cannot read \(url.path): \(error.localizedDescription)", hint: "give a SQuAD-format JSON file, e.g. ../shared/data/xquad/xquad.en.dev.json")
        }
        struct Wire: Decodable {
            struct Article: Decodable {
                var title: String?
                var paragraphs: [Paragraph]
            }
            struct Paragraph: Decodable {
                var context: String
                var qas: [QA]
            }
            struct QA: Decodable {
                struct Answer: Decodable {
                    var text: String
                }
                var id: String
                var question: String
                var answers: [Answer]?
            }
            var data: [Article]
        }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: data)
        } catch {
            throw FerryError(code: .badRequest, message: "\(url.path) is not in SQuAD's format: \(error)", hint: "the file must hold {\"data\": [{\"title\", \"paragraphs\": [{\"context\", \"qas\": [{\"id\", \"question\"}]}]}]}")
        }
        var paragraphs: [Paragraph] = []
        var questions: [Question] = []
        for (articleIndex, article) in wire.data.enumerated() {
            for (paragraphIndex, paragraph) in article.paragraphs.enumerated() {
                let key = String(format: "%03d/%03d", articleIndex, paragraphIndex)
                paragraphs.append(Paragraph(key: key, article: articleIndex, title: article.title ?? "article \(articleIndex)", context: paragraph.context, questionIDs: paragraph.qas.map(\.id)))
                questions += paragraph.qas.map { Question(id: $0.id, text: $0.question, paragraph: key, answers: $0.answers?.map(\.text) ?? []) }
            }
        }
        self.paragraphs = paragraphs
        self.questions = questions
    }
}
