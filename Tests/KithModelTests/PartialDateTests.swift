import Foundation
import KithModel
import Testing

@Suite("PartialDate")
struct PartialDateTests {
    @Test(arguments: [
        ("1986-04-12", "1986-04-12"), ("19860412", "1986-04-12"), ("--04-12", "--04-12"), ("--0412", "--04-12"),
        ("1986", "1986"), ("1986-04", "1986-04"), ("---12", "---12"), ("--04", "--04"),
        ("1986-04-12T00:00:00Z", "1986-04-12"),
    ])
    func parsesAndFormats(input: String, iso: String) throws {
        let d = try #require(PartialDate(iso: input))
        #expect(d.isoString == iso)
    }

    @Test(arguments: ["", "1986-13-01", "1986-02-30", "--02-30", "abcd", "1986-4-12", "12-04-1986", "1986-04-12-01", "--"])
    func rejectsInvalid(input: String) {
        #expect(PartialDate(iso: input) == nil)
    }

    @Test func leapDays() {
        #expect(PartialDate(year: 2024, month: 2, day: 29) != nil)
        #expect(PartialDate(year: 2023, month: 2, day: 29) == nil)
        #expect(PartialDate(year: 1900, month: 2, day: 29) == nil)
        #expect(PartialDate(year: 2000, month: 2, day: 29) != nil)
        #expect(PartialDate(month: 2, day: 29) != nil, "a birthday without a year may be 29 February")
    }

    @Test func codableIsTheISOString() throws {
        let d = try #require(PartialDate(month: 3, day: 14))
        let data = try JSONEncoder().encode([d])
        #expect(String(decoding: data, as: UTF8.self) == #"["--03-14"]"#)
        #expect(try JSONDecoder().decode([PartialDate].self, from: data) == [d])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([PartialDate].self, from: Data(#"["nope"]"#.utf8)) }
    }
}

@Suite("Timestamp")
struct TimestampTests {
    @Test(arguments: [
        ("2024-03-12T10:15:00Z", "2024-03-12T10:15:00Z"),
        ("2024-03-12T11:15:00+01:00", "2024-03-12T10:15:00Z"),
        ("2024-03-12T05:15:00-0500", "2024-03-12T10:15:00Z"),
        ("2024-03-12 10:15", "2024-03-12T10:15:00Z"),
        ("2024-03-12T10:15:00.123Z", "2024-03-12T10:15:00Z"),
        ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"),
        ("2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"),
        ("2024-03-12", "2024-03-12T00:00:00Z"),
    ])
    func parsesToUTC(input: String, utc: String) throws {
        #expect(try #require(Timestamp(iso: input)).isoString == utc)
    }

    @Test(arguments: ["", "2024-13-01T00:00:00Z", "2024-03-12T25:00:00Z", "2024-03-12T10:15:00X", "yesterday"])
    func rejectsInvalid(input: String) {
        #expect(Timestamp(iso: input) == nil)
    }

    @Test func agreesWithFoundationOverManyInstants() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let seconds = Int64.random(in: -2_000_000_000...4_000_000_000, using: &rng)
            let t = Timestamp(secondsSince1970: seconds)
            #expect(t.isoString == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))))
            #expect(Timestamp(iso: t.isoString) == t)
        }
    }
}
