/// A ``LanguageModel`` that adds something to another (tools in the prompt, for one): what it wraps, for whatever
/// looks at the backend itself — its server process, its kind.
///
/// ```swift
/// let process = (backend.model.unwrapped as? any ServerProcessReporting)?.serverProcess
/// ```
public protocol WrappingLanguageModel: LanguageModel {
    var wrapped: any LanguageModel { get }
}

extension LanguageModel {
    /// The model under every wrapper.
    public var unwrapped: any LanguageModel {
        guard let wrapper = self as? any WrappingLanguageModel else { return self }
        return wrapper.wrapped.unwrapped
    }
}
