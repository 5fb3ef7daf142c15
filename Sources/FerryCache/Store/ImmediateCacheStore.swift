/// A store that finds and keeps entries without waiting — no I/O, no suspension — so that a lookup can run on an event loop
/// and a hit be answered there (the gateway's inline path). ``MemoryCacheStore`` is one; stores that reach a
/// database are not.
///
/// ```swift
/// if let store = cache.store as? any ImmediateCacheStore, let entry = store.entryNow(for: key) { /* answer it */ }
/// ```
public protocol ImmediateCacheStore: CacheStore {
    /// The live entry under `key`; nil when there is none or it has expired.
    func entryNow(for key: CacheKey) -> CacheEntry?

    /// Keeps `entry` (what ``CacheStore/store(_:)`` does), at once.
    func storeNow(_ entry: CacheEntry)
}
