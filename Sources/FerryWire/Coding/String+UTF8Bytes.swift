extension String {
    /// The string's UTF-8 bytes: lent as they are when the string is native, copied out first when it is not
    /// (`withUTF8` itself needs a mutable copy of the string).
    func withUTF8Bytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return copy.withUTF8(body)
    }
}
