import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithMail

@Suite("dates")
struct DateTests {
    func iso(_ s: String) -> String? { MailDate(s)?.timestamp.isoString }
    func offset(_ s: String) -> Int?? { MailDate(s).map(\.utcOffsetMinutes) }

    @Test(arguments: [
        ("Mon, 4 Mar 2024 10:12:44 +0100", "2024-03-04T09:12:44Z", 60),
        ("4 Mar 2024 10:12:44 +0100", "2024-03-04T09:12:44Z", 60),
        ("Mon, 04 Mar 2024 10:12 +0100", "2024-03-04T09:12:00Z", 60),
        ("Mon, 4 Mar 24 10:12:44 -0500", "2024-03-04T15:12:44Z", -300),
        ("Thu, 13 Jun 96 23:25:49 -0700", "1996-06-14T06:25:49Z", -420),
        ("Mon, 4 Mar 2024 10:12:44 EST", "2024-03-04T15:12:44Z", -300),
        ("Mon, 4 Mar 2024 10:12:44 (XYZ) +0530", "2024-03-04T04:42:44Z", 330),
        ("Mon, 4 Mar 2024 10:12:44 +0200 (CEST)", "2024-03-04T08:12:44Z", 120),
        ("Fri, 8 Mar 2024 07:00:00 PM +0000", "2024-03-08T19:00:00Z", 0),
        ("Fri, 8 Mar 2024 12:30:00 AM +0000", "2024-03-08T00:30:00Z", 0),
        ("Fri, 8 Mar 2024 10:00:00 GMT", "2024-03-08T10:00:00Z", 0),
        ("Friday, 8-Mar-2024 10:00:00 UT", "2024-03-08T10:00:00Z", 0),
        ("2024-03-12T10:15:00+01:00", "2024-03-12T09:15:00Z", 60),
    ])
    func readsWithAZone(text: String, utc: String, minutes: Int) {
        #expect(iso(text) == utc)
        #expect(offset(text) == .some(minutes))
    }

    @Test(arguments: [
        "Mon, 4 Mar 2024 10:12:44 -0000",
        "Mon, 4 Mar 2024 10:12:44",
        "Mon, 4 Mar 2024 10:12:44 XYZT",
        "Mon Jun  3 12:50:27 1996",
        "Mon, 4 Mar 2024 10:12:44 IST",
        "Mon, 4 Mar 2024 10:12:44 J",
    ])
    func unknownZonesAreNotGuessed(text: String) {
        #expect(MailDate(text) != nil)
        #expect(offset(text) == .some(nil))
    }

    @Test func asctimeOrder() {
        #expect(iso("Mon Jun  3 12:50:27 1996") == "1996-06-03T12:50:27Z")
    }

    @Test(arguments: ["", "yesterday", "31 Feb 2024 10:00:00 +0000", "Mon, 4 Foo 2024", "12:00", "((((", "Mon, 99 Mar 2024 25:61:00 +0000"])
    func unreadableDatesGiveNil(text: String) {
        #expect(MailDate(text) == nil)
    }

    @Test func unknownZoneIsFlaggedOnTheMessage() {
        let o = importMail(message("From: a@example.org\nDate: Mon, 4 Mar 2024 10:12:44 -0000"))
        #expect(o.interactions.first?.timestamp?.isoString == "2024-03-04T10:12:44Z")
        #expect(o.interactions.first?.utcOffsetMinutes == nil)
        #expect(o.codes().contains("mail.date.zone"))
    }

    @Test func missingDateFallsBackToTheEnvelopeWithANote() {
        let o = importMail(message("From: a@example.org\nSubject: no date"))
        #expect(o.interactions.first?.timestamp?.isoString == "2024-03-04T09:12:44Z")
        #expect(o.interactions.first?.utcOffsetMinutes == nil)
        #expect(o.codes().contains("mail.date.envelope"))
        let eml = importMail(message("From: a@example.org", envelope: nil), name: "x.eml")
        #expect(eml.interactions.first?.timestamp == nil)
        #expect(eml.codes().contains("mail.date.missing"))
        let bad = importMail(message("From: a@example.org\nDate: sometime soon", envelope: nil), name: "x.eml")
        #expect(bad.codes().contains("mail.date.invalid"))
    }
}
