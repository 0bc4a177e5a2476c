import CLibXML2

/// What kind of node the streaming reader is on.
public enum XMLNodeKind: Hashable, Sendable {
    /// A start tag (or an empty element, see `isEmptyElement`).
    case element
    /// An end tag.
    case endElement
    /// Character data.
    case text
    /// A CDATA section (a split section gives several).
    case cdata
    /// Whitespace between elements.
    case whitespace
    /// A comment.
    case comment
    /// A processing instruction.
    case processingInstruction
    /// The document type declaration (never loaded, only reported).
    case documentType
    /// An entity reference that was not expanded.
    case entityReference
    /// Anything else (XML declaration, notation, …).
    case other
}

/// Settings for the streaming reader.
public struct XMLReaderOptions: Hashable, Sendable {
    /// Keep reading after well-formedness errors, reporting them as issues:
    /// libxml2's recover mode (undeclared prefixes, mismatched tags where it
    /// can) plus a byte filter in front of it for what stops libxml2's reader
    /// outright (invalid UTF-8, forbidden control characters, a stray `]]>`).
    /// On by default.
    public var recover: Bool
    /// How many issues `XMLStreamReader.issues` keeps; later ones are only
    /// counted (a badly broken file can produce one per line).
    public var maxIssues: Int
    /// Drop whitespace-only text between elements (libxml2's NOBLANKS):
    /// fewer nodes to step over in record-shaped documents. Whitespace that
    /// is an element's whole content is kept.
    public var ignoreBlankNodes: Bool

    /// Recover on, up to 1,000 issues kept, blank nodes reported.
    public init(recover: Bool = true, maxIssues: Int = 1000, ignoreBlankNodes: Bool = false) {
        self.recover = recover
        self.maxIssues = maxIssues
        self.ignoreBlankNodes = ignoreBlankNodes
    }
}

/// A forward-only, streaming XML reader over libxml2's `xmlTextReader`:
/// memory stays flat however large the document.
///
/// Safe on untrusted input: never loads DTDs, external entities or anything
/// from the network, never substitutes entities (so an entity bomb cannot
/// expand) and reports every DTD and unexpanded entity reference as a
/// warning in `issues`. Errors carry line numbers.
///
/// Not `Sendable`: use it on one task and hand plain values on.
public final class XMLStreamReader {
    private let reader: xmlTextReaderPtr
    private let input: InputBox
    private var textBuffer: [UInt8] = []
    private let maxIssues: Int
    /// Everything libxml2 (and KithXML) reported so far, in input order.
    public private(set) var issues: [XMLIssue] = []
    /// Issues dropped after `maxIssues` were kept.
    public private(set) var droppedIssues = 0
    /// True once the reader stopped on an error it could not recover from.
    public private(set) var stoppedOnError = false
    /// True once the end of the document was reached.
    public private(set) var atEnd = false

    /// Reads from a pull function that fills the buffer it is given and
    /// returns the number of bytes written (0 at end of input, -1 on error).
    public init(
        url: String? = nil, options: XMLReaderOptions = XMLReaderOptions(),
        pull: @escaping (UnsafeMutableRawBufferPointer) -> Int
    ) throws(XMLError) {
        LibXML.prepareThread()
        let box = InputBox(pull, repair: options.recover)
        var flags = XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue
        flags |= XML_PARSE_COMPACT.rawValue
        if options.recover { flags |= XML_PARSE_RECOVER.rawValue }
        if options.ignoreBlankNodes { flags |= XML_PARSE_NOBLANKS.rawValue }
        let ctx = Unmanaged.passUnretained(box).toOpaque()
        guard
            let r = xmlReaderForIO(
                { ctx, buffer, len -> Int32 in
                    guard let ctx, let buffer, len > 0 else { return 0 }
                    let box = Unmanaged<InputBox>.fromOpaque(ctx).takeUnretainedValue()
                    let n = box.pull(UnsafeMutableRawBufferPointer(start: buffer, count: Int(len)))
                    return Int32(clamping: n)
                }, nil, ctx, url, nil, Int32(bitPattern: flags))
        else { throw XMLError("cannot create an XML reader") }
        reader = r
        input = box
        maxIssues = options.maxIssues
        xmlTextReaderSetStructuredErrorHandler(
            r,
            { arg, error in
                guard let arg, let error else { return }
                let me = Unmanaged<XMLStreamReader>.fromOpaque(arg).takeUnretainedValue()
                me.record(LibXML.issue(from: error))
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Reads a document held in memory.
    public convenience init(bytes: [UInt8], url: String? = nil, options: XMLReaderOptions = XMLReaderOptions()) throws(XMLError) {
        var offset = 0
        try self.init(url: url, options: options) { buffer in
            let n = min(buffer.count, bytes.count - offset)
            guard n > 0 else { return 0 }
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
            }
            offset += n
            return n
        }
    }

    deinit {
        xmlTextReaderClose(reader)
        xmlFreeTextReader(reader)
        slotKeys.deallocate()
        slotTokens.deallocate()
    }

    private func record(_ issue: XMLIssue) {
        if issues.count < maxIssues {
            issues.append(issue)
        } else {
            droppedIssues += 1
        }
    }

    /// Removes and returns the issues collected so far (so a caller can turn
    /// them into diagnostics as it goes).
    public func takeIssues() -> [XMLIssue] {
        defer { issues.removeAll(keepingCapacity: true) }
        return issues
    }

    // MARK: - Moving

    /// Moves to the next node; false at the end of the document or when
    /// reading stopped on an unrecoverable error (see `stoppedOnError`).
    @discardableResult
    public func read() -> Bool {
        guard !atEnd else { return false }
        let rc = xmlTextReaderRead(reader)
        if rc == 1 {
            switch kind {
            case .documentType:
                record(
                    XMLIssue(
                        severity: .warning, line: line,
                        message: "document type declaration ignored: DTDs and external entities are never loaded",
                        code: "xml.dtd-ignored"))
            case .entityReference:
                record(
                    XMLIssue(
                        severity: .warning, line: line, message: "entity reference left unexpanded (entities are never substituted)",
                        code: "xml.entity-unexpanded"))
            default: break
            }
            return true
        }
        atEnd = true
        if let f = input.filter, f.repairs > 0 {
            record(
                XMLIssue(
                    severity: .warning, line: f.firstRepairLine,
                    message: "repaired \(f.repairs) malformed spot(s) (invalid UTF-8, forbidden control characters or a stray ']]>'), the first here",
                    code: "xml.repaired"))
        }
        if rc < 0 {
            stoppedOnError = true
            if !issues.contains(where: { $0.severity == .fatal }) {
                record(XMLIssue(severity: .fatal, line: parserLine, message: "reading stopped on malformed XML", code: "xml.stopped"))
            }
        }
        return false
    }

    /// Skips the current element's subtree, leaving the reader on its end
    /// (or on the element itself when it is empty).
    public func skipElement() {
        guard kind == .element, !isEmptyElement else { return }
        let d = depth
        while read() {
            if kind == .endElement && depth == d { return }
        }
    }

    // MARK: - The current node

    /// The current node's kind.
    public var kind: XMLNodeKind {
        switch xmlTextReaderNodeType(reader) {
        case Int32(XML_READER_TYPE_ELEMENT.rawValue): .element
        case Int32(XML_READER_TYPE_END_ELEMENT.rawValue): .endElement
        case Int32(XML_READER_TYPE_TEXT.rawValue): .text
        case Int32(XML_READER_TYPE_CDATA.rawValue): .cdata
        case Int32(XML_READER_TYPE_WHITESPACE.rawValue), Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue): .whitespace
        case Int32(XML_READER_TYPE_COMMENT.rawValue): .comment
        case Int32(XML_READER_TYPE_PROCESSING_INSTRUCTION.rawValue): .processingInstruction
        case Int32(XML_READER_TYPE_DOCUMENT_TYPE.rawValue): .documentType
        case Int32(XML_READER_TYPE_ENTITY_REFERENCE.rawValue): .entityReference
        default: .other
        }
    }

    /// Depth of the current node (the root element is at 0).
    public var depth: Int { Int(xmlTextReaderDepth(reader)) }

    /// True for an element written as `<x/>` (no end element follows).
    public var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    /// The local name (without prefix). For a prefix that was never
    /// declared, libxml2 keeps `prefix:name` as the name; this splits it, so
    /// `localName` is `name` and `prefix` the undeclared prefix.
    public var localName: String { nameInfo.local }

    /// The namespace prefix as written, if any.
    public var prefix: String? { nameInfo.prefix }

    /// A small integer naming the current node's qualified name, stable for
    /// the reader's lifetime: equal tokens mean equal names. Lets callers
    /// keep per-name tables without hashing strings.
    public var nameToken: Int { token(xmlTextReaderConstName(reader)) }

    /// The namespace URI of the current element, if it has one.
    public var namespaceURI: String? {
        guard let p = xmlTextReaderConstNamespaceUri(reader) else { return nil }
        return names[token(p)].full
    }

    private struct NameInfo {
        var prefix: String?
        var local: String
        /// The whole interned string (a qualified name or a namespace URI).
        var full: String
    }

    // libxml2 interns names in the reader's dictionary, so the pointer is a
    // stable key for the reader's lifetime: a direct-mapped cache turns it
    // into a token without hashing strings.
    private var names: [NameInfo] = [NameInfo(prefix: nil, local: "", full: "")]
    // Fixed-size tables behind `let` pointers: no exclusivity checks on the
    // hot path (a `var` array property costs a dynamic check per access).
    private let slotKeys: UnsafeMutablePointer<UnsafeRawPointer?> = {
        let p = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: 1024)
        p.initialize(repeating: nil, count: 1024)
        return p
    }()
    private let slotTokens: UnsafeMutablePointer<Int> = {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: 1024)
        p.initialize(repeating: 0, count: 1024)
        return p
    }()
    private var overflow: [UnsafeRawPointer: Int] = [:]

    @inline(__always)
    private func token(_ p: UnsafePointer<xmlChar>?) -> Int {
        guard let p else { return 0 }
        let key = UnsafeRawPointer(p)
        let slot = (Int(bitPattern: key) >> 3) & 1023
        if slotKeys[slot] == key { return slotTokens[slot] }
        let t: Int
        if let known = overflow[key] {
            t = known
        } else {
            let full = String(cString: p)
            if let colon = full.utf8.firstIndex(of: 58) {
                names.append(NameInfo(prefix: String(full[..<colon]), local: String(full[full.index(after: colon)...]), full: full))
            } else {
                names.append(NameInfo(prefix: nil, local: full, full: full))
            }
            t = names.count - 1
            overflow[key] = t
        }
        slotKeys[slot] = key
        slotTokens[slot] = t
        return t
    }

    private var nameInfo: NameInfo {
        let local = names[token(xmlTextReaderConstLocalName(reader))]
        if local.prefix != nil { return local }
        guard let p = xmlTextReaderConstPrefix(reader) else { return local }
        return NameInfo(prefix: names[token(p)].full, local: local.local, full: local.full)
    }

    /// The text of a text, CDATA, whitespace or comment node.
    public var value: String? { LibXML.string(xmlTextReaderConstValue(reader)) }

    /// The 1-based line of the current node.
    public var line: Int {
        if let node = xmlTextReaderCurrentNode(reader) {
            let l = xmlGetLineNo(node)
            if l > 0 { return Int(l) }
        }
        return parserLine
    }

    /// The line the parser has reached (it reads ahead of the current node).
    public var parserLine: Int { Int(max(1, xmlTextReaderGetParserLineNumber(reader))) }

    /// The value of an attribute of the current element by qualified name.
    public func attribute(_ name: String) -> String? {
        LibXML.takeString(xmlTextReaderGetAttribute(reader, name))
    }

    /// The value of an attribute by local name and namespace URI.
    public func attribute(_ localName: String, namespace: String) -> String? {
        LibXML.takeString(xmlTextReaderGetAttributeNs(reader, localName, namespace))
    }

    /// Every attribute of the current element (namespace declarations
    /// included, as libxml2 reports them), as (qualified name, value).
    public var attributes: [(name: String, value: String)] {
        var out: [(String, String)] = []
        guard xmlTextReaderHasAttributes(reader) == 1 else { return out }
        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
            let n = LibXML.string(xmlTextReaderConstName(reader)) ?? ""
            let v = LibXML.string(xmlTextReaderConstValue(reader)) ?? ""
            out.append((n, v))
        }
        xmlTextReaderMoveToElement(reader)
        return out
    }

    /// On a start element: reads all text and CDATA inside it (nested
    /// elements' text included, split CDATA sections joined) and leaves the
    /// reader on the element's end. Returns "" for an empty element.
    public func readElementText() -> String { readElementText(limit: Int.max) }

    /// Like `readElementText()`, keeping at most `limit` bytes of UTF-8
    /// (cut on a character boundary): for fields where only the start
    /// matters, such as a snippet of a long comment.
    public func readElementText(limit: Int) -> String {
        guard kind == .element, !isEmptyElement else { return "" }
        let d = depth
        // Work on a local buffer (borrowed from the reader to keep its
        // capacity): appends to a stored property pay an access check each.
        var buffer = textBuffer
        textBuffer = []
        buffer.removeAll(keepingCapacity: true)
        let textType = Int32(XML_READER_TYPE_TEXT.rawValue), cdataType = Int32(XML_READER_TYPE_CDATA.rawValue)
        let ws = Int32(XML_READER_TYPE_WHITESPACE.rawValue), sws = Int32(XML_READER_TYPE_SIGNIFICANT_WHITESPACE.rawValue)
        let endType = Int32(XML_READER_TYPE_END_ELEMENT.rawValue)
        while read() {
            let t = xmlTextReaderNodeType(reader)
            if t == endType {
                if depth == d { break }
                continue
            }
            if t == textType || t == cdataType || t == sws || t == ws {
                if buffer.count < limit, let p = xmlTextReaderConstValue(reader) {
                    let n = min(Int(xmlStrlen(p)), limit - buffer.count)
                    buffer.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
                }
            }
        }
        if buffer.count >= limit {
            // Do not cut a character in two.
            var end = buffer.count
            while end > 0 && buffer[end - 1] & 0xC0 == 0x80 { end -= 1 }
            if end > 0 && buffer[end - 1] >= 0xC0 { end -= 1 }
            buffer.removeSubrange(end...)
        }
        let text = String(decoding: buffer, as: UTF8.self)
        textBuffer = buffer
        return text
    }

}

/// Feeds libxml2's input callback: pulls from the caller, through the
/// repair filter when asked.
private final class InputBox {
    let upstream: (UnsafeMutableRawBufferPointer) -> Int
    var filter: XMLRepairFilter?
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    var queue: [UInt8] = []
    var queueHead = 0
    var ended = false

    init(_ pull: @escaping (UnsafeMutableRawBufferPointer) -> Int, repair: Bool) {
        upstream = pull
        filter = repair ? XMLRepairFilter() : nil
    }

    func pull(_ out: UnsafeMutableRawBufferPointer) -> Int {
        guard filter != nil else { return upstream(out) }
        while queueHead >= queue.count {
            if ended { return 0 }
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
            let n = chunk.withUnsafeMutableBytes { upstream($0) }
            if n <= 0 {
                ended = true
                filter!.process(UnsafeBufferPointer(start: nil, count: 0), final: true, into: &queue)
            } else {
                chunk.withUnsafeBufferPointer { p in
                    filter!.process(UnsafeBufferPointer(rebasing: p[0..<n]), final: false, into: &queue)
                }
            }
        }
        let k = min(out.count, queue.count - queueHead)
        queue.withUnsafeBytes { src in
            out.baseAddress!.copyMemory(from: src.baseAddress! + queueHead, byteCount: k)
        }
        queueHead += k
        return k
    }
}
