import Foundation
import KithBlog
import KithTestSupport
import KithXML
import Testing

/// The microformats test suite (microformats/tests, in the shared corpus
/// when present): how many cases give the expected items.
@Suite("Microformats test suite")
struct MicroformatsSuiteTests {
    /// `$KITH_CORPUS` or `../shared/corpus` beside the package. An extra
    /// check against other projects' data: skipped (not passed) when the
    /// corpus is not there; the suite's own tests never need it.
    static let suiteRoot: URL = {
        let corpus = ProcessInfo.processInfo.environment["KITH_CORPUS"].map { URL(fileURLWithPath: $0) }
            ?? RepositoryFiles.root.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        return corpus.appendingPathComponent("blog/microformats+tests/tests")
    }()

    static func json(_ item: MF2Item) -> Any {
        var props: [String: Any] = [:]
        for p in item.properties { props[p.name] = p.values.map(json) }
        var out: [String: Any] = ["type": item.types, "properties": props]
        if !item.children.isEmpty { out["children"] = item.children.map(json) }
        if let v = item.value { out["value"] = v }
        if let h = item.html { out["html"] = h }
        if let id = item.id { out["id"] = id }
        return out
    }

    static func json(_ v: MF2Value) -> Any {
        switch v {
        case .string(let s): return s
        case .image(let url, let alt): return ["value": url, "alt": alt]
        case .embedded(let html, let value): return ["html": html, "value": value]
        case .item(let i): return json(i)
        }
    }

    /// Canonical text: keys sorted, arrays sorted, whitespace collapsed
    /// (the comparison the shared reference extractor uses).
    static func canonical(_ v: Any) -> String {
        if let d = v as? [String: Any] {
            return "{" + d.keys.sorted().map { "\($0):\(canonical(d[$0]!))" }.joined(separator: ",") + "}"
        }
        if let a = v as? [Any] { return "[" + a.map(canonical).sorted().joined(separator: ",") + "]" }
        if let s = v as? String {
            return "\"" + s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") + "\""
        }
        return "\(v)"
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: MicroformatsSuiteTests.suiteRoot.path)))
    func suiteCasesMatchExpectedItems() throws {
        let files = FileManager.default.enumerator(atPath: Self.suiteRoot.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".json") }.sorted()
        var passed: [String] = [], failed: [String] = []
        for f in files {
            let json = Self.suiteRoot.appendingPathComponent(f)
            let html = json.deletingPathExtension().appendingPathExtension("html")
            guard let data = try? Data(contentsOf: html), let exp = try? Data(contentsOf: json),
                let expected = try JSONSerialization.jsonObject(with: exp) as? [String: Any]
            else { continue }
            let doc = try HTMLDocument(bytes: Array(data), url: "http://example.com/")
            let items = MF2Parser(document: doc, baseURL: "http://example.com/").items(in: doc)
            let got = Self.canonical(items.map { Self.json($0) })
            let want = Self.canonical(expected["items"] ?? [])
            if got == want { passed.append(f) } else { failed.append(f) }
            if ProcessInfo.processInfo.environment["MF2_DEBUG"] == f {
                print("GOT  \(got)\nWANT \(want)")
            }
        }
        print("microformats suite: \(passed.count) of \(passed.count + failed.count) cases match")
        if ProcessInfo.processInfo.environment["MF2_LIST"] != nil { print("failed:\n" + failed.joined(separator: "\n")) }
        #expect(passed.count >= 60)
    }
}
