public import KithModel

/// Reads canonical records from JSON Lines, straight from bytes (see
/// `JSONLWriter` for why this is hand-written).
///
/// Lenient where it costs nothing: keys in any order, absent arrays empty,
/// `null` for absent values, a plain string where a labelled value is
/// expected. Unknown keys are kept in `extensions` as `jsonl:KEY` with their
/// raw JSON text, so nothing is lost.
public enum JSONLReader {
    /// Decodes one line (without its newline).
    public static func decode(_ line: UnsafeBufferPointer<UInt8>) throws(JSONLError) -> CanonicalRecord {
        var c = JSONCursor(line)
        // Find "kind" first: it is the first key in what Kith writes; other
        // writers may put it anywhere, so fall back to a scan.
        let kind = try findKind(line)
        let record: CanonicalRecord
        switch kind {
        case "contact": record = .contact(try contact(&c))
        case "interaction": record = .interaction(try interaction(&c))
        case "diagnostic": record = .diagnostic(try diagnostic(&c))
        default: throw JSONLError(column: 1, message: "unknown record kind '\(kind)' (expected contact, interaction or diagnostic)")
        }
        try c.expectEnd()
        return record
    }

    /// Decodes one line given as bytes.
    public static func decode(_ line: [UInt8]) throws(JSONLError) -> CanonicalRecord {
        try line.withUnsafeBufferPointer { (p) throws(JSONLError) -> CanonicalRecord in try decode(p) }
    }

    /// Decodes one line given as a string.
    public static func decode(_ line: String) throws(JSONLError) -> CanonicalRecord {
        try decode(Array(line.utf8))
    }

    private static func findKind(_ line: UnsafeBufferPointer<UInt8>) throws(JSONLError) -> String {
        var c = JSONCursor(line)
        // Fast path: Kith writes "kind" first.
        var probe = JSONCursor(line)
        if probe.peek() == 123 {
            probe.i += 1
            if probe.peek() == 34, let key = try? probe.readKey(), key.is("kind"), (try? probe.expect(58, "':'")) != nil,
                let kind = try? probe.readString()
            {
                return kind
            }
        }
        var kind: String?
        try c.object { (c: inout JSONCursor, key) throws(JSONLError) in
            if key.is("kind") {
                kind = try c.readString()
            } else {
                _ = try c.skipValue()
            }
        }
        guard let kind else { throw JSONLError(column: 1, message: "the object has no \"kind\" key") }
        return kind
    }

    // MARK: - Records

    static func contact(_ c: inout JSONCursor) throws(JSONLError) -> Contact {
        var x = Contact(id: "")
        var sawID = false
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("kind") {
                _ = try c.readString()
            } else if k.is("id") {
                x.id = try c.readString()
                sawID = true
            } else if k.is("type") {
                let t = try c.readString()
                guard let v = Contact.ContactType(rawValue: t) else { throw c.fail("unknown contact type") }
                x.type = v
            } else if k.is("name") {
                x.name = try name(&c)
            } else if k.is("alternateNames") {
                try c.array { (c: inout JSONCursor) throws(JSONLError) in x.alternateNames.append(try name(&c)) }
            } else if k.is("nicknames") {
                x.nicknames = try c.readStrings()
            } else if k.is("emails") {
                try c.array { (c: inout JSONCursor) throws(JSONLError) in x.emails.append(try email(&c)) }
            } else if k.is("phones") {
                try c.array { (c: inout JSONCursor) throws(JSONLError) in x.phones.append(try phone(&c)) }
            } else if k.is("addresses") {
                try c.array { (c: inout JSONCursor) throws(JSONLError) in x.addresses.append(try address(&c)) }
            } else if k.is("organizations") {
                try c.array { (c: inout JSONCursor) throws(JSONLError) in x.organizations.append(try organization(&c)) }
            } else if k.is("urls") {
                x.urls = try labeledValues(&c)
            } else if k.is("handles") {
                x.handles = try labeledValues(&c)
            } else if k.is("related") {
                x.related = try labeledValues(&c)
            } else if k.is("birthday") {
                if let s = try c.readOptionalString() {
                    guard let d = PartialDate(iso: s) else { throw c.fail("birthday is not an ISO 8601 date") }
                    x.birthday = d
                }
            } else if k.is("anniversaries") {
                for s in try c.readStrings() {
                    guard let d = PartialDate(iso: s) else { throw c.fail("anniversary is not an ISO 8601 date") }
                    x.anniversaries.append(d)
                }
            } else if k.is("gender") {
                x.gender = try c.readOptionalString()
            } else if k.is("photo") {
                x.photo = try c.readOptionalString()
            } else if k.is("notes") {
                x.notes = try c.readStrings()
            } else if k.is("categories") {
                x.categories = try c.readStrings()
            } else if k.is("members") {
                x.members = try c.readStrings()
            } else if k.is("extensions") {
                try extensions(&c, into: &x.extensions)
            } else if k.is("sources") {
                x.sources = try sources(&c)
            } else {
                x.extensions["jsonl:" + k.string, default: []].append(try c.skipValue())
            }
        }
        if !sawID { throw JSONLError(column: 1, message: "the contact has no \"id\"") }
        return x
    }

    static func interaction(_ c: inout JSONCursor) throws(JSONLError) -> Interaction {
        var x = Interaction(id: "", type: "")
        var sawID = false, sawType = false
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("kind") {
                _ = try c.readString()
            } else if k.is("id") {
                x.id = try c.readString()
                sawID = true
            } else if k.is("type") {
                x.type = InteractionType(try c.readString())
                sawType = true
            } else if k.is("timestamp") {
                if let s = try c.readOptionalString() {
                    guard let t = Timestamp(iso: s) else { throw c.fail("timestamp is not an ISO 8601 date-time") }
                    x.timestamp = t
                }
            } else if k.is("utcOffsetMinutes") {
                x.utcOffsetMinutes = try c.readOptionalInt()
            } else if k.is("participants") {
                try c.array { (c: inout JSONCursor) throws(JSONLError) in x.participants.append(try participant(&c)) }
            } else if k.is("subject") {
                x.subject = try c.readOptionalString()
            } else if k.is("snippet") {
                x.snippet = try c.readOptionalString()
            } else if k.is("messageId") {
                x.messageId = try c.readOptionalString()
            } else if k.is("threadId") {
                x.threadId = try c.readOptionalString()
            } else if k.is("parentId") {
                x.parentId = try c.readOptionalString()
            } else if k.is("url") {
                x.url = try c.readOptionalString()
            } else if k.is("status") {
                x.status = try c.readOptionalString()
            } else if k.is("extensions") {
                try extensions(&c, into: &x.extensions)
            } else if k.is("sources") {
                x.sources = try sources(&c)
            } else {
                x.extensions["jsonl:" + k.string, default: []].append(try c.skipValue())
            }
        }
        if !sawID { throw JSONLError(column: 1, message: "the interaction has no \"id\"") }
        if !sawType { throw JSONLError(column: 1, message: "the interaction has no \"type\"") }
        return x
    }

    static func diagnostic(_ c: inout JSONCursor) throws(JSONLError) -> Diagnostic {
        var x = Diagnostic(severity: .warning, file: "", message: "")
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("severity") {
                let s = try c.readString()
                guard let v = Diagnostic.Severity(rawValue: s) else { throw c.fail("unknown severity") }
                x.severity = v
            } else if k.is("file") {
                x.file = try c.readString()
            } else if k.is("locator") {
                x.locator = try locator(&c)
            } else if k.is("message") {
                x.message = try c.readString()
            } else if k.is("code") {
                x.code = try c.readOptionalString()
            } else {
                _ = try c.skipValue()
            }
        }
        return x
    }

    // MARK: - Values

    static func name(_ c: inout JSONCursor) throws(JSONLError) -> PersonName {
        var n = PersonName()
        if c.consumeNull() { return n }
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            let v = try c.readOptionalString()
            if k.is("formatted") {
                n.formatted = v
            } else if k.is("given") {
                n.given = v
            } else if k.is("family") {
                n.family = v
            } else if k.is("middle") {
                n.middle = v
            } else if k.is("prefix") {
                n.prefix = v
            } else if k.is("suffix") {
                n.suffix = v
            } else if k.is("phoneticGiven") {
                n.phoneticGiven = v
            } else if k.is("phoneticFamily") {
                n.phoneticFamily = v
            }
        }
        return n
    }

    static func email(_ c: inout JSONCursor) throws(JSONLError) -> EmailAddress {
        if c.peek() == 34 { return EmailAddress(try c.readString()) }
        var e = EmailAddress("")
        var saw = false
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("address") {
                e.address = try c.readString()
                saw = true
            } else if try !sharedValueKey(k, &c, &e.labels, &e.preferred, &e.sourceRefs) {
                _ = try c.skipValue()
            }
        }
        if !saw { throw c.fail("an e-mail has no \"address\"") }
        return e
    }

    static func phone(_ c: inout JSONCursor) throws(JSONLError) -> PhoneNumber {
        if c.peek() == 34 { return PhoneNumber(raw: try c.readString()) }
        var e = PhoneNumber(raw: "")
        var saw = false
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("raw") {
                e.raw = try c.readString()
                saw = true
            } else if k.is("e164") {
                e.e164 = try c.readOptionalString()
            } else if try !sharedValueKey(k, &c, &e.labels, &e.preferred, &e.sourceRefs) {
                _ = try c.skipValue()
            }
        }
        if !saw {
            guard let e164 = e.e164 else { throw c.fail("a phone has no \"raw\"") }
            e.raw = e164
        }
        return e
    }

    static func address(_ c: inout JSONCursor) throws(JSONLError) -> PostalAddress {
        var a = PostalAddress()
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if try sharedValueKey(k, &c, &a.labels, &a.preferred, &a.sourceRefs) {
                return
            } else if k.is("poBox") {
                a.poBox = try c.readOptionalString()
            } else if k.is("extended") {
                a.extended = try c.readOptionalString()
            } else if k.is("street") {
                a.street = try c.readOptionalString()
            } else if k.is("locality") {
                a.locality = try c.readOptionalString()
            } else if k.is("region") {
                a.region = try c.readOptionalString()
            } else if k.is("postalCode") {
                a.postalCode = try c.readOptionalString()
            } else if k.is("country") {
                a.country = try c.readOptionalString()
            } else if k.is("formatted") {
                a.formatted = try c.readOptionalString()
            } else {
                _ = try c.skipValue()
            }
        }
        return a
    }

    /// Reads a key every labelled value has (`labels`, `preferred`,
    /// `sourceRefs`); false when `k` is none of them.
    static func sharedValueKey(
        _ k: JSONCursor.Key, _ c: inout JSONCursor, _ labels: inout [String], _ preferred: inout Bool, _ refs: inout [Int]
    ) throws(JSONLError) -> Bool {
        if k.is("labels") {
            labels = try c.readStrings()
        } else if k.is("preferred") {
            preferred = try c.readBool()
        } else if k.is("sourceRefs") {
            refs = try c.readInts()
        } else {
            return false
        }
        return true
    }

    static func organization(_ c: inout JSONCursor) throws(JSONLError) -> Organization {
        if c.peek() == 34 { return Organization(name: try c.readString()) }
        var o = Organization()
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("name") {
                o.name = try c.readOptionalString()
            } else if k.is("department") {
                o.department = try c.readOptionalString()
            } else if k.is("title") {
                o.title = try c.readOptionalString()
            } else if k.is("role") {
                o.role = try c.readOptionalString()
            } else if k.is("sourceRefs") {
                o.sourceRefs = try c.readInts()
            } else {
                _ = try c.skipValue()
            }
        }
        return o
    }

    static func labeledValues(_ c: inout JSONCursor) throws(JSONLError) -> [LabeledValue] {
        var out: [LabeledValue] = []
        try c.array { (c: inout JSONCursor) throws(JSONLError) in
            if c.peek() == 34 {
                out.append(LabeledValue(try c.readString()))
                return
            }
            var v = LabeledValue("")
            var saw = false
            try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
                if k.is("value") {
                    v.value = try c.readString()
                    saw = true
                } else if try !sharedValueKey(k, &c, &v.labels, &v.preferred, &v.sourceRefs) {
                    _ = try c.skipValue()
                }
            }
            if !saw { throw c.fail("a labelled value has no \"value\"") }
            out.append(v)
        }
        return out
    }

    static func participant(_ c: inout JSONCursor) throws(JSONLError) -> Participant {
        var x = Participant(role: "")
        var saw = false
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("role") {
                x.role = ParticipantRole(try c.readString())
                saw = true
            } else if k.is("name") {
                x.name = try c.readOptionalString()
            } else if k.is("email") {
                x.email = try c.readOptionalString()
            } else if k.is("url") {
                x.url = try c.readOptionalString()
            } else if k.is("contactId") {
                x.contactId = try c.readOptionalString()
            } else {
                _ = try c.skipValue()
            }
        }
        if !saw { throw c.fail("a participant has no \"role\"") }
        return x
    }

    static func extensions(_ c: inout JSONCursor, into ext: inout [String: [String]]) throws(JSONLError) {
        if c.consumeNull() { return }
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if c.peek() == 34 {
                ext[k.string, default: []].append(try c.readString())
            } else {
                ext[k.string, default: []].append(contentsOf: try c.readStrings())
            }
        }
    }

    static func sources(_ c: inout JSONCursor) throws(JSONLError) -> [Provenance] {
        var out: [Provenance] = []
        try c.array { (c: inout JSONCursor) throws(JSONLError) in
            var s = Provenance(plugin: "", file: "")
            try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
                if k.is("plugin") {
                    s.plugin = try c.readString()
                } else if k.is("file") {
                    s.file = try c.readString()
                } else if k.is("locator") {
                    s.locator = try locator(&c)
                } else if k.is("recordId") {
                    s.recordId = try c.readOptionalString()
                } else {
                    _ = try c.skipValue()
                }
            }
            out.append(s)
        }
        return out
    }

    static func locator(_ c: inout JSONCursor) throws(JSONLError) -> Locator {
        var l = Locator()
        if c.consumeNull() { return l }
        try c.object { (c: inout JSONCursor, k) throws(JSONLError) in
            if k.is("line") {
                l.line = try c.readOptionalInt()
            } else if k.is("record") {
                l.record = try c.readOptionalInt()
            } else if k.is("path") {
                l.path = try c.readOptionalString()
            } else {
                _ = try c.skipValue()
            }
        }
        return l
    }
}
