/// The error the store throws: a code, a message that tells the whole story
/// (never quoting contact data), and the store's path.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The store was written by a newer Kith.
        public static let newerSchema = Code(rawValue: "newer-schema")
        /// The store cannot be opened or created.
        public static let cannotOpen = Code(rawValue: "cannot-open")
        /// A record, cluster or rule named by the user does not exist.
        public static let notFound = Code(rawValue: "not-found")
        /// The request contradicts itself or a rule (linking a record to itself).
        public static let invalidRequest = Code(rawValue: "invalid-request")
        /// SQLite reported an error.
        public static let database = Code(rawValue: "database")
    }

    public var code: Code
    public var message: String
    public var path: String?

    public init(_ code: Code, _ message: String, path: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
    }

    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
