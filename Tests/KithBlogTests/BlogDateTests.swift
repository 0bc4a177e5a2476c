import KithBlog
import KithModel
import Testing

@Suite("Blog dates")
struct BlogDateTests {
    @Test(arguments: [
        ("2009-12-14 18:35:00", "2009-12-14T18:35:00Z", nil),
        ("2009-12-14T10:35:00-08:00", "2009-12-14T18:35:00Z", -480),
        ("2007-06-25T09:55:00.001+05:30", "2007-06-25T04:25:00Z", 330),
        ("2021-03-02T18:30:00Z", "2021-03-02T18:30:00Z", 0),
        ("Mon, 14 Dec 2009 18:35:00 +0000", "2009-12-14T18:35:00Z", 0),
        ("14 Dec 2009 10:35 AM PST", "2009-12-14T18:35:00Z", -480),
        ("December 14, 2009 at 1:12 pm", "2009-12-14T13:12:00Z", nil),
        ("Monday, March 8, 2010", "2010-03-08T00:00:00Z", nil),
        ("8. März 2010 um 14:05 CET", "2010-03-08T13:05:00Z", 60),
        ("12:00 AM, 1 Jan 2010 EST", "2010-01-01T05:00:00Z", -300),
    ] as [(String, String, Int?)])
    func parses(text: String, iso: String, offset: Int?) throws {
        let d = try #require(BlogDate.parse(text))
        #expect(d.timestamp.isoString == iso)
        #expect(d.utcOffsetMinutes == offset)
    }

    @Test(arguments: ["0000-00-00 00:00:00", "", "yesterday", "Posted by Ann", "2009-13-45 00:00:00", "Feb 30, 2010"])
    func rejects(text: String) {
        #expect(BlogDate.parse(text) == nil)
    }
}
