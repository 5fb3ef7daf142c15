import FerryWire
import Foundation

/// `JSONScanner` against Foundation: whatever it takes whole, Foundation reads, and to the same value.
enum ScannerProperties {
    static func scanner(_ input: [UInt8]) -> FuzzViolation? {
        guard let selector = input.first else { return nil }
        let json = Array(input.dropFirst())
        let foundation = try? JSONSerialization.jsonObject(with: Data(json), options: .fragmentsAllowed)
        func violation(_ what: String) -> FuzzViolation {
            FuzzViolation(target: .jsonScanner, message: "\(what) in \(String(decoding: json, as: UTF8.self).debugDescription)")
        }
        switch selector % 4 {
        case 0:
            if JSONScanner.read(json, { try $0.skipValue() }) != nil, foundation == nil { return violation("skipped a value Foundation rejects") }
        case 1:
            if let text = JSONScanner.read(json, { try $0.string() }) {
                guard let expected = try? JSONDecoder().decode(String.self, from: Data(json)) else { return violation("read string \(text.debugDescription) Foundation rejects") }
                if text != expected { return violation("read \(text.debugDescription), Foundation \(expected.debugDescription)") }
            }
        case 2:
            if let number = JSONScanner.read(json, { try $0.int() }) {
                guard let expected = try? JSONDecoder().decode(Int.self, from: Data(json)) else { return violation("read int \(number) Foundation rejects") }
                if number != expected { return violation("read \(number), Foundation \(expected)") }
            }
        default:
            if let number = JSONScanner.read(json, { try $0.double() }) {
                guard let expected = try? JSONDecoder().decode(Double.self, from: Data(json)) else { return violation("read double \(number) Foundation rejects") }
                if number != expected, !(number.isNaN && expected.isNaN) { return violation("read \(number), Foundation \(expected)") }
            }
        }
        return nil
    }
}
