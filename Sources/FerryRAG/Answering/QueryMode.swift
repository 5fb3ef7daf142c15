/// How a question is answered.
///
/// - `simple`: the question is searched as asked, and the model answers from what is found.
/// - `adaptive`: a follow-up is first rewritten into a standalone query with the conversation, the rewritten
///   query and the question with its context are both searched and fused, and when even the best passage is a
///   poor match the answer says the documents do not cover the question instead of guessing.
public enum QueryMode: String, Sendable, Hashable, Codable, CaseIterable {
    case simple
    case adaptive
}
