import FerryRAG
import Testing

@Suite("Text: normalisation, sentences, token estimates")
struct TextTests {
    @Test("Arabic is normalised: harakat, tatweel, alef and yaa forms, taa marbuta; the article comes off")
    func arabicNormalisation() {
        #expect(TextNormalizer.indexForm("كَتَبَ") == "كتب")
        #expect(TextNormalizer.indexForm("مـــرحبا") == "مرحبا")
        #expect(TextNormalizer.indexForm("أحمد إبراهيم آدم") == "احمد ابراهيم ادم")
        #expect(TextNormalizer.indexForm("مستشفى") == "مستشفي")
        #expect(TextNormalizer.indexForm("مدرسة") == "مدرسه")
        #expect(TextNormalizer.indexForm("وَالْكِتَابُ") == "كتاب")
        #expect(TextNormalizer.indexForm("المدرسة بالقلم للطالب") == "مدرسه قلم طالب")
        #expect(TextNormalizer.indexForm("The Ferry, 2026!") == "the ferry 2026")
        #expect(TextNormalizer.indexForm("٣١٤") == "314", "Arabic-Indic digits are digits")
    }

    @Test("sentences end at . ! ? … ؟ ۔ and line breaks, not after abbreviations, initials or inside numbers")
    func sentences() {
        let text = "Dr. Smith arrived at 3.14 p.m. today. Was it late? J. R. R. Tolkien wrote it!\nهل وصلت العبارة؟ نعم، وصلت."
        let found = SentenceSplitter.sentences(text).map { range in
            String(String.UnicodeScalarView(Array(text.unicodeScalars)[range]))
        }
        #expect(found == ["Dr. Smith arrived at 3.14 p.m. today.", "Was it late?", "J. R. R. Tolkien wrote it!", "هل وصلت العبارة؟", "نعم، وصلت."])
    }

    @Test("the token estimate is in the range of a subword tokenizer's count")
    func estimate() {
        // e5's tokenizer counts 11 tokens (with its 2 special ones and "passage:") for the English sentence and 14 for the Arabic one.
        let english = EstimatedTokenCounter.estimate("Passengers board the ferry from the north pier.")
        let arabic = EstimatedTokenCounter.estimate("يجب أن تكون اللحية قصيرة ومرتبة")
        #expect((8...16).contains(english), "\(english)")
        #expect((8...18).contains(arabic), "\(arabic)")
        #expect(EstimatedTokenCounter.estimate("") == 0)
    }
}
