import KithModel
import KithPlugin
import KithXML

/// State shared by one import: where records go, the accounting, the
/// people seen.
final class BlogImport {
    let plugin: String
    let file: String
    let emit: (ImportEvent) throws -> Void
    var summary = ImportSummary()
    let people: PeopleBook
    private var xmlIssuesReported = 0
    private var xmlIssuesSuppressed = 0
    private var lastIssueLine = 0

    init(plugin: String, file: String, emit: @escaping (ImportEvent) throws -> Void) {
        self.plugin = plugin
        self.file = file
        self.emit = emit
        people = PeopleBook(plugin: plugin, file: file)
    }

    func provenance(_ locator: Locator, recordId: String? = nil) -> Provenance {
        Provenance(plugin: plugin, file: file, locator: locator, recordId: recordId)
    }

    func id(_ locator: Locator, recordId: String?) -> String {
        StableID.record(plugin: plugin, file: file, locator: locator, recordId: recordId)
    }

    func warn(_ message: String, at locator: Locator, code: String) throws {
        try emit(.diagnostic(Diagnostic(severity: .warning, file: file, locator: locator, message: message, code: code)))
    }

    func note(_ message: String, at locator: Locator, code: String) throws {
        try emit(.diagnostic(Diagnostic(severity: .note, file: file, locator: locator, message: message, code: code)))
    }

    /// Counts a record as read and rejects it with an error diagnostic.
    func reject(_ message: String, at locator: Locator, code: String) throws {
        summary.recordsRead += 1
        summary.recordsRejected += 1
        try emit(.diagnostic(Diagnostic(severity: .error, file: file, locator: locator, message: message, code: code)))
    }

    /// Counts a record as read and emits it.
    func accept(_ interaction: Interaction) throws {
        summary.recordsRead += 1
        try emit(.interaction(interaction))
    }

    /// Turns the reader's collected issues into warnings (recover mode keeps
    /// the records), at most 50 per file, then a count.
    func drain(_ reader: XMLStreamReader) throws {
        try report(reader.takeIssues(), parserLine: reader.parserLine)
    }

    /// Turns XML issues into warnings (see `drain`).
    func report(_ issues: [XMLIssue], parserLine: Int) throws {
        for issue in issues {
            let line = issue.line ?? parserLine
            if xmlIssuesReported >= 50 {
                xmlIssuesSuppressed += 1
                lastIssueLine = line
                continue
            }
            xmlIssuesReported += 1
            let what = issue.severity == .warning ? "" : "malformed XML, read in recover mode: "
            try warn(what + issue.message, at: Locator(line: line), code: issue.code)
        }
    }

    /// Emits the people and the closing notes.
    func finish(_ reader: XMLStreamReader?) throws {
        if let reader { try drain(reader) }
        try finish(droppedIssues: reader?.droppedIssues ?? 0, parserLine: reader?.parserLine ?? 1)
    }

    /// Emits the people and the count of XML problems not listed.
    func finish(droppedIssues: Int, parserLine: Int) throws {
        let dropped = xmlIssuesSuppressed + droppedIssues
        if dropped > 0 {
            try warn("\(dropped) more XML problems not listed", at: Locator(line: lastIssueLine > 0 ? lastIssueLine : parserLine), code: "xml.more")
        }
        for c in people.contacts() { try emit(.contact(c)) }
    }
}
