import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithMail

enum SharedCorpus {
    static let mimeKit = RepositoryFiles.root.appendingPathComponent("../shared/corpus/mail/jstedfast+MimeKit/UnitTests/TestData/mbox")
    static var available: Bool { FileManager.default.fileExists(atPath: mimeKit.path) }
}

/// Checks against the shared corpus (../shared/corpus), when it is there.
@Suite("shared corpus", .enabled(if: SharedCorpus.available))
struct CorpusTests {
    static let mimeKit = SharedCorpus.mimeKit

    /// MimeKit's expected summaries list one entry per message.
    @Test(arguments: [("content-length", 29), ("issue1189", 4)])
    func mimeKitMessageCounts(name: String, expected: Int) throws {
        let bytes = Array(try Data(contentsOf: Self.mimeKit.appendingPathComponent("\(name).mbox.txt")))
        let summary = try String(contentsOf: Self.mimeKit.appendingPathComponent("\(name)-summary.txt"), encoding: .utf8)
        let summaryCount = summary.split(separator: "\n", omittingEmptySubsequences: false).filter { $0.hasPrefix("From ") }.count
        #expect(summaryCount == expected)
        let o = importMail(bytes, name: "\(name).mbox")
        #expect(o.thrown == nil)
        #expect(o.summary?.recordsRead == expected)
        #expect(o.summary?.recordsRejected == 0)
    }

    @Test func unmungedFromLinesAreBodyText() throws {
        let bytes = Array(try Data(contentsOf: Self.mimeKit.appendingPathComponent("unmunged.mbox.txt")))
        let o = importMail(bytes, name: "unmunged.mbox")
        #expect(o.interactions.map(\.subject) == [
            "This is a test message with an unmunged From line", "Another test message with an unmunged From line",
        ])
    }
}
