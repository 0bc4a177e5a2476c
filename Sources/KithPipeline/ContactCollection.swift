public import KithModel

/// Random access to the contacts being matched, by index.
///
/// An array of contacts is one; a caller holding a million contacts can
/// instead keep them packed (as JSON Lines, say) and decode each on demand,
/// since matching reads every contact once to normalise it and once more to
/// merge it. Must be safe to read from several threads.
public protocol ContactCollection: Sendable {
    /// How many contacts there are.
    var count: Int { get }
    /// The contact at `index` (0-based).
    func contact(at index: Int) -> Contact
}

extension Array: ContactCollection where Element == Contact {
    /// The contact at `index`.
    public func contact(at index: Int) -> Contact { self[index] }
}
