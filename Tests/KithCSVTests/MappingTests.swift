import Foundation
import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithCSV

@Suite("CSV user mappings")
struct MappingTests {
    /// Invented rows in the FEBRL column layout.
    static let febrlLike = """
        rec_id,given_name,surname,street_number,address_1,address_2,suburb,postcode,state,date_of_birth,soc_sec_id
        rec-1-org,anna-lena,vogt,12,kastanienallee,hinterhaus,prenzlauer berg,10435,be,19860412,1234567
        rec-1-dup-0,lena,vogt,12,kastanien allee,,prenzlauer berg,10435,be,19860421,1234567
        rec-2-org,soren,kierkegaard-hansen,7,norrebrogade,,kobenhavn,2200,hs,,7654321

        """

    @Test func febrlWithTheShippedMapping() throws {
        let path = RepositoryFiles.root.appendingPathComponent("docs/csv-febrl-mapping.json").path
        let o = importCSV(Self.febrlLike, name: "febrl-like.csv", options: ["mapping": path])
        #expect(o.thrown == nil)
        #expect(layoutNote(o).contains("with the user mapping"))
        #expect(o.contacts.map { $0.sources.first?.recordId } == ["rec-1-org", "rec-1-dup-0", "rec-2-org"])
        let a = o.contacts[0]
        #expect(a.name == PersonName(given: "anna-lena", family: "vogt"))
        #expect(a.addresses == [PostalAddress(extended: "hinterhaus", street: "12 kastanienallee", locality: "prenzlauer berg", region: "be", postalCode: "10435")])
        #expect(a.birthday == PartialDate(year: 1986, month: 4, day: 12))
        #expect(a.extensions == ["soc_sec_id": ["1234567"]])
        #expect(o.contacts[2].birthday == nil)
        #expect(o.problems.isEmpty)
    }

    @Test func febrlWithoutMappingStillReadsTheGenericColumns() throws {
        let o = importCSV(Self.febrlLike)
        #expect(layoutNote(o).hasPrefix("detected layout: generic"))
        #expect(o.contacts.first?.sources.first?.recordId == "rec-1-org")
        #expect(o.contacts.first?.extensions["street_number"] == ["12"])
    }

    @Test func headerlessFileWithPositionalMapping() throws {
        let mapping = #"{"header": false, "columns": {"1": "name.formatted", "2": "given", "3": "family", "4": "email:home"}}"#
        let o = importCSV("Anna-Lena Vogt,Anna-Lena,Vogt,anna.vogt@example.org\nSøren Kierkegaard-Hansen,Søren,Kierkegaard-Hansen,soren@example.dk\n", options: ["mapping": mapping])
        #expect(o.thrown == nil)
        #expect(o.contacts.count == 2)
        #expect(o.contacts[1].emails == [EmailAddress("soren@example.dk", labels: ["home"])])
        #expect(o.contacts[0].sources.first?.locator.line == 1)
    }

    @Test func mappingOverridesTheVocabularyAndGroupsColumns() throws {
        let mapping = #"""
            {"columns": {
              "Kunde": "name.formatted",
              "Title": "name.prefix",
              "Ort 2": {"field": "address.locality", "labels": ["other"], "group": "b"},
              "PLZ 2": {"field": "address.postalCode", "group": "b"},
              "Intern": "ignore",
              "Seit": "date:Kunde seit"
            }}
            """#
        let o = importCSV("Kunde,Title,Ort 2,PLZ 2,Intern,Seit,Email\nAnna-Lena Vogt,Dr.,Potsdam,14467,geheim,24.04.2019,anna.vogt@example.org\n", options: ["mapping": mapping])
        let c = try #require(o.contacts.first)
        #expect(c.name.formatted == "Anna-Lena Vogt" && c.name.prefix == "Dr.")
        #expect(c.addresses == [PostalAddress(locality: "Potsdam", postalCode: "14467", labels: ["other"])])
        #expect(c.extensions == ["Kunde seit": ["2019-04-24"]])
        #expect(c.emails.count == 1)
    }

    @Test(arguments: [
        ("{not json", "not valid JSON"),
        (#"{"columns": {"a": "no.such.field"}}"#, "unknown field"),
        (#"{"header": true}"#, "columns"),
        (#"{"columns": {}, "encoding": "klingon"}"#, "unknown encoding"),
    ])
    func badMappingsAreClearErrors(_ json: String, _ fragment: String) {
        let o = importCSV("Name,Email\nA,a@example.org\n", options: ["mapping": json])
        let e = o.thrown as? PluginError
        #expect(e?.code == .badOption)
        #expect(e?.message.contains(fragment) == true, "\(String(describing: e))")
    }

    @Test func missingMappingFile() {
        let o = importCSV("Name,Email\nA,a@example.org\n", options: ["mapping": "/nonexistent/mapping.json"])
        #expect((o.thrown as? PluginError)?.code == .badOption)
    }
}
