import FerryCore
import Testing

@Suite("Request ids")
struct RequestIDsTests {
    @Test("128 bits are written as a lowercase 8-4-4-4-12 UUID")
    func format() {
        #expect(RequestIDs.format(high: 0x0123_4567_89AB_CDEF, low: 0xFEDC_BA98_7654_3210) == "01234567-89ab-cdef-fedc-ba9876543210")
        #expect(RequestIDs.format(high: 0, low: .max) == "00000000-0000-0000-ffff-ffffffffffff")
    }

    @Test("new ids are version-4 UUIDs, all different")
    func fresh() {
        let ids = (0..<1000).map { _ in RequestIDs.next() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(20) {
            let characters = Array(id)
            #expect(characters.count == 36 && characters[14] == "4" && "89ab".contains(characters[19]), "\(id)")
            #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
        }
    }
}
