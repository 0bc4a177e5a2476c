import CLibXML2

/// One-time and per-thread libxml2 setup.
enum LibXML {
    /// `xmlInitParser` once per process (it is thread-safe to call, but only
    /// needs to happen once).
    static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// Call at every entry point: initialises the library once and silences
    /// the calling thread's error output (libxml2's handlers are per thread).
    static func prepareThread() {
        _ = initialised
        kith_xml_silence_thread()
    }

    /// Converts a libxml2 error into an issue.
    static func issue(from error: UnsafePointer<xmlError>) -> XMLIssue {
        let e = error.pointee
        let severity: XMLIssue.Severity
        switch e.level {
        case XML_ERR_WARNING: severity = .warning
        case XML_ERR_ERROR: severity = .error
        default: severity = .fatal
        }
        var message = e.message.map { String(cString: $0) } ?? "XML error"
        while message.last?.isWhitespace == true { message.removeLast() }
        return XMLIssue(
            severity: severity, line: e.line > 0 ? Int(e.line) : nil, column: e.int2 > 0 ? Int(e.int2) : nil,
            message: message, code: "xml.\(e.code)")
    }

    /// Reads a libxml2 string without taking ownership.
    @inline(__always)
    static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    /// Reads a libxml2 string the caller owns and frees it.
    @inline(__always)
    static func takeString(_ p: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        defer { kith_xml_free(p) }
        return String(cString: p)
    }
}
