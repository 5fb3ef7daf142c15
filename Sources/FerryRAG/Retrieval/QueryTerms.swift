/// The terms of a query for BM25: its index form's words without the commonest English and Arabic function words
/// (they match nearly every passage and slow the search), unless that leaves nothing.
enum QueryTerms {
    private static let stopwords: Set<String> = {
        let english = "a an and are as at be by for from has have how i in is it its of on or that the this to was were what when where which who why will with do does did"
        let arabic = "في من على إلى الى عن أن ان إن هل ما ماذا متى أين كيف لماذا كم هو هي هم التي الذي الذين هذا هذه ذلك تلك مع كان كانت و أو ثم قد لم لا"
        return Set((english + " " + arabic).split(separator: " ").map { TextNormalizer.indexForm(String($0)) })
    }()

    static func terms(_ query: String, limit: Int = 32) -> [String] {
        let words = TextNormalizer.indexForm(query).split(separator: " ").map(String.init)
        var seen = Set<String>()
        let unique = words.filter { seen.insert($0).inserted }
        let kept = unique.filter { !stopwords.contains($0) }
        return Array((kept.isEmpty ? unique : kept).prefix(limit))
    }
}
