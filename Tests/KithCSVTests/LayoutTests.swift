import KithModel
import KithPlugin
import KithTestSupport
import Testing

@testable import KithCSV

@Suite("CSV layouts: detection by header fingerprint, and what each column becomes")
struct LayoutTests {
    @Test func googleCurrentMultiValuesAndPrimaryMarker() throws {
        let csv = """
            First Name,Middle Name,Last Name,Nickname,Organization Name,Organization Title,Birthday,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Street,Address 1 - City,Address 1 - Postal Code,Address 1 - Country,Custom Field 1 - Label,Custom Field 1 - Value,Event 1 - Label,Event 1 - Value
            Anna-Lena,,Vogt,Lena,,,1986-04-12,* myContacts ::: Friends,* Home,anna.vogt@example.org ::: anna-lena.vogt@example.org,Work,a.vogt@example.com,Mobile ::: Work Fax,+49 30 1234567 ::: +49 30 1234568,Home,Kastanienallee 12,Berlin,10435,Germany,Favourite tea,Earl Grey,Anniversary,2015-06-20

            """
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Google Contacts ("))
        let c = try #require(o.contacts.first)
        #expect(c.name.given == "Anna-Lena" && c.name.family == "Vogt")
        #expect(c.nicknames == ["Lena"])
        #expect(c.emails.map(\.address) == ["anna.vogt@example.org", "anna-lena.vogt@example.org", "a.vogt@example.com"])
        #expect(c.emails.map(\.preferred) == [true, false, false])
        #expect(c.emails.map(\.labels) == [["home"], ["home"], ["work"]])
        #expect(c.phones.map(\.raw) == ["+49 30 1234567", "+49 30 1234568"])
        #expect(c.phones.map(\.labels) == [["mobile"], ["work", "fax"]])
        #expect(c.addresses.first?.street == "Kastanienallee 12" && c.addresses.first?.labels == ["home"])
        #expect(c.birthday == PartialDate(year: 1986, month: 4, day: 12))
        #expect(c.categories == ["myContacts", "Friends"])
        #expect(c.extensions["Favourite tea"] == ["Earl Grey"])
        #expect(c.anniversaries == [PartialDate(year: 2015, month: 6, day: 20)!])
        #expect(o.problems.isEmpty)
    }

    @Test func googleLegacy() throws {
        let csv = """
            Name,Given Name,Additional Name,Family Name,Nickname,Birthday,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Organization 1 - Type,Organization 1 - Name,Organization 1 - Title
            Robert Fischer-Okafor,Robert,,Fischer-Okafor,Bob,--03-05,* My Contacts ::: Work,* Work,bob.okafor@example.com,Work,+44 20 7946 0958,,Northwind Traders,Head of Sales

            """
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Google Contacts (legacy)"))
        let c = try #require(o.contacts.first)
        #expect(c.name.formatted == "Robert Fischer-Okafor")
        #expect(c.birthday == PartialDate(month: 3, day: 5))
        #expect(c.organizations == [Organization(name: "Northwind Traders", title: "Head of Sales")])
        #expect(c.emails == [EmailAddress("bob.okafor@example.com", labels: ["work"], preferred: true)])
        #expect(c.categories == ["My Contacts", "Work"])
    }

    @Test func googleOutlookCSV() throws {
        let csv = """
            First Name,Middle Name,Last Name,Title,Suffix,Web Page,Birthday,Anniversary,Notes,E-mail Address,E-mail 2 Address,Primary Phone,Home Phone,Mobile Phone,Home Address,Home Street,Home City,Home Postal Code,Home Country,Company,Job Title,Categories
            María José,,García López,Dra.,,,,,"Prefers e-mail.",mjgarcia@example.es,,,,+34 612 345 678,"Calle de Alcalá 45
            28014 Madrid
            Spain",Calle de Alcalá 45,Madrid,28014,Spain,,,myContacts;starred

            """
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Google Contacts, Outlook CSV"))
        let c = try #require(o.contacts.first)
        #expect(c.name.prefix == "Dra.")
        #expect(c.addresses.first?.formatted == "Calle de Alcalá 45\n28014 Madrid\nSpain")
        #expect(c.addresses.first?.street == "Calle de Alcalá 45")
        #expect(c.categories == ["myContacts", "starred"])
        #expect(c.phones.first?.labels == ["mobile"])
    }

    @Test func outlookDesktopSample() throws {
        let o = importCSV(bytes: try RepositoryFiles.bytes("SampleExports/outlook-contacts.csv"), name: "outlook-contacts.csv")
        #expect(layoutNote(o).hasPrefix("detected layout: Outlook desktop (UTF-8"))
        #expect(o.summary?.recordsRead == 5)
        let lena = try #require(o.contacts.first)
        #expect(lena.birthday == PartialDate(year: 1986, month: 4, day: 12))  // 4/12/1986, month first
        #expect(lena.gender == "Female")
        #expect(lena.extensions["Priority"] == nil && lena.extensions["Sensitivity"] == nil)  // Outlook defaults dropped
        let liz = o.contacts[2]
        #expect(liz.emails.map(\.address) == ["lizthornton@gmail.com", "liz.thornton+fabrikam@gmail.com"])
        #expect(liz.emails.allSatisfy { $0.labels.isEmpty })
        #expect(liz.notes == ["Moved from Contoso to Fabrikam in 2025.\nStill on the \"Bay Area PM\" list."])
        let jb = o.contacts[3]
        #expect(jb.name.prefix == "M.")
        #expect(jb.urls.map(\.value) == ["https://jb-lefevre.example.fr"])
        #expect(o.contacts[4].phones == [PhoneNumber(raw: "+44 20 7946 0000", labels: ["work", "main"])])
    }

    @Test func outlook97() {
        let o = importCSV("Title,First Name,Last Name,Business Street,Business City,Business Country,Home Street,E-mail Address,E-mail Display Name\n,Henrik,Åberg,1 Canal Street,London,United Kingdom,,henrik.aberg@northwind.example.com,Henrik Åberg\n")
        #expect(layoutNote(o).hasPrefix("detected layout: Outlook 97/2000"))
        #expect(o.contacts.first?.addresses.first?.country == "United Kingdom")
    }

    @Test func outlookCom() throws {
        let csv = "First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,E-mail Address,Mobile Phone,Business Phone,Job Title,Company,Business City,Business Country/Region,Birthday\nElizabeth,,Thornton,,,Liz,,,liz.thornton@gmail.com,+1 (415) 555-0142,,Product Manager,Contoso Ltd,San Francisco,United States,7/9/1990\n"
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Outlook.com / Windows People"))
        let c = try #require(o.contacts.first)
        #expect(c.nicknames == ["Liz"])
        #expect(c.birthday == PartialDate(year: 1990, month: 7, day: 9))
        #expect(c.organizations.first?.name == "Contoso Ltd")
    }

    /// Outlook's localised exports: each language's headers, named in the note.
    @Test(arguments: [
        ("German", "Anrede,Vorname,Nachname,Firma,Position,Straße geschäftlich,Ort geschäftlich,Postleitzahl geschäftlich,Telefon geschäftlich,Mobiltelefon,E-Mail-Adresse,Geburtstag,Notizen"),
        ("French", "Titre,Prénom,Nom,Société,Fonction,Rue (bureau),Ville (bureau),Code postal (bureau),Téléphone (bureau),Tél. mobile,Adresse de messagerie,Anniversaire,Notes"),
        ("Spanish", "Tratamiento,Nombre,Apellidos,Organización,Puesto,Calle del trabajo,Ciudad de trabajo,Código postal del trabajo,Teléfono del trabajo,Móvil,Dirección de correo electrónico,Cumpleaños,Notas"),
        ("Italian", "Titolo,Nome,Cognome,Società,Posizione,Via (uff.),Città (uff.),CAP (uff.),Telefono (uff.),Cellulare,Indirizzo posta elettronica,Compleanno,Note"),
        ("Dutch", "Titel,Voornaam,Achternaam,Bedrijf,Functie,\"Werkadres, straat\",\"Werkadres, plaats\",\"Werkadres, postcode\",Telefoon op werk,Mobiele telefoon,E-mailadres,Verjaardag,Notities"),
        ("Portuguese", "Tratamento,Nome,Sobrenome,Empresa,Cargo,Rua comercial,Cidade comercial,CEP comercial,Telefone comercial,Celular,Endereço de email,Aniversário,Anotações"),
    ])
    func outlookLocalised(_ language: String, _ header: String) throws {
        let row = "Dr.,Jean-Baptiste,Lefèvre,Contoso SARL,Directeur,18 rue de Rivoli,Paris,75004,+33 1 23 45 67 89,+33 6 12 34 56 78,jb.lefevre@example.fr,02.11.1979,Invented person"
        let o = importCSV(header + "\n" + row + "\n")
        #expect(layoutNote(o).hasPrefix("detected layout: Outlook desktop, \(language) headers"), "\(layoutNote(o))")
        let c = try #require(o.contacts.first)
        #expect(c.name.prefix == "Dr.")
        #expect(c.name.given == "Jean-Baptiste" && c.name.family == "Lefèvre")
        #expect(c.organizations == [Organization(name: "Contoso SARL", title: "Directeur")])
        #expect(c.addresses.first?.locality == "Paris" && c.addresses.first?.postalCode == "75004")
        #expect(c.addresses.first?.labels == ["work"])
        #expect(c.phones.map(\.labels) == [["work"], ["mobile"]])
        #expect(c.emails.map(\.address) == ["jb.lefevre@example.fr"])
        #expect(c.birthday == PartialDate(year: 1979, month: 11, day: 2))  // day first outside English
        #expect(c.notes == ["Invented person"])
        #expect(o.problems.isEmpty)
    }

    @Test func linkedInWithPreambleSample() throws {
        let o = importCSV(bytes: try RepositoryFiles.bytes("SampleExports/linkedin-Connections.csv"), name: "Connections.csv")
        #expect(layoutNote(o).hasPrefix("detected layout: LinkedIn Connections ("))
        #expect(o.diagnostics.contains { $0.code == "csv.preamble" })
        #expect(o.summary?.recordsRead == 5)
        let bob = o.contacts[1]
        #expect(bob.urls.first?.labels == ["linkedin"])
        #expect(bob.extensions["Connected On"] == ["2024-03-12"])
        #expect(bob.organizations == [Organization(name: "Northwind Traders", title: "Head of Sales")])
        #expect(o.contacts[1].sources.first?.locator.line == 6)
    }

    @Test func linkedInWithoutPreambleOrURL() throws {
        let o = importCSV("First Name,Last Name,Email Address,Company,Position,Connected On\nPriya,Raman,,Northwind Traders,Sales Operations Manager,15 Jun 2023\n")
        #expect(layoutNote(o).hasPrefix("detected layout: LinkedIn Connections, without URL column"))
        #expect(o.contacts.first?.extensions["Connected On"] == ["2023-06-15"])
        #expect(o.diagnostics.allSatisfy { $0.code != "csv.preamble" })
    }

    @Test func thunderbirdSplitBirthday() throws {
        let csv = "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Work Phone,Mobile Number,Home Address,Home Address 2,Home City,Home ZipCode,Web Page 1,Birth Year,Birth Month,Birth Day,Custom 1,Notes\nSøren,Kierkegaard-Hansen,Søren K.-H.,,soren@example.dk,s.kh@example.net,,+45 32 12 34 56,Nørrebrogade 7,2. sal,København,2200,https://soren.example.dk,1975,5,5,tea,\n"
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Thunderbird ("))
        let c = try #require(o.contacts.first)
        #expect(c.birthday == PartialDate(year: 1975, month: 5, day: 5))
        #expect(c.emails == [EmailAddress("soren@example.dk", preferred: true), EmailAddress("s.kh@example.net", labels: ["other"])])
        #expect(c.addresses.first?.street == "Nørrebrogade 7\n2. sal")
        #expect(c.urls.first?.labels == ["work"])
        #expect(c.extensions["Custom 1"] == ["tea"])
    }

    @Test func thunderbirdGermanHeaders() throws {
        let csv = "Vorname,Nachname,Anzeigename,Primäre E-Mail-Adresse,Tel. dienstlich,Mobil-Tel.-Nr.,Privat: Ort,Geburtsjahr,Geburtsmonat,Geburtstag\nAnna-Lena,Vogt,Lena Vogt,anna.vogt@example.org,,+49 30 1234567,Berlin,1986,4,12\n"
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Thunderbird, German headers"))
        let c = try #require(o.contacts.first)
        #expect(c.birthday == PartialDate(year: 1986, month: 4, day: 12))
        #expect(c.addresses.first?.locality == "Berlin")
    }

    @Test func yahoo() throws {
        let csv = "First,Middle,Last,Nickname,Email,Category,Messenger ID,Home,Work,Mobile,Title,Company,Work City,Alternate Email 1,Comments\nElizabeth,,Thornton,Liz,liz.thornton@gmail.com,Friends,liz_t,,+1 (415) 555-0142,,Product Manager,Contoso Ltd,San Francisco,e.thornton@example.com,Invented\n"
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Yahoo Contacts"))
        let c = try #require(o.contacts.first)
        #expect(c.handles == [LabeledValue("liz_t", labels: ["yahoo"])])
        #expect(c.phones == [PhoneNumber(raw: "+1 (415) 555-0142", labels: ["work"])])
        #expect(c.organizations == [Organization(name: "Contoso Ltd", title: "Product Manager")])
        #expect(c.emails.count == 2 && c.emails[1].labels == ["other"])
    }

    @Test func apple() throws {
        let csv = "First Name,Last Name,Phonetic First Name,Phonetic Last Name,Maiden Name,Email (Home),Email (Work),iPhone,Phone (Work),Birthday,Note\nMaría José,García López,,,,mjgarcia@example.es,,+34 612 345 678,,21 Jul 1990,\n"
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: Apple Contacts"))
        let c = try #require(o.contacts.first)
        #expect(c.emails == [EmailAddress("mjgarcia@example.es", labels: ["home"])])
        #expect(c.phones == [PhoneNumber(raw: "+34 612 345 678", labels: ["iphone"])])
        #expect(c.birthday == PartialDate(year: 1990, month: 7, day: 21))
    }

    @Test func genericSynonyms() throws {
        let csv = "Full Name,E-mail,Cell,Mail Address,Employer,Designation,Town,DOB,Member Since\nJean-Baptiste Lefèvre,jb.lefevre@example.fr,+33 6 12 34 56 78,,Contoso SARL,Directeur,Paris,1979-11-02,2019\n"
        let o = importCSV(csv)
        #expect(layoutNote(o).hasPrefix("detected layout: generic ("))
        #expect(layoutNote(o).contains("1 kept as extension fields"))
        let c = try #require(o.contacts.first)
        #expect(c.name.formatted == "Jean-Baptiste Lefèvre")
        #expect(c.phones.first?.labels == ["mobile"])
        #expect(c.organizations == [Organization(name: "Contoso SARL", title: "Directeur")])
        #expect(c.addresses.first?.locality == "Paris")
        #expect(c.extensions == ["Member Since": ["2019"]])
    }

    @Test func numberedGroupsOfAnyLength() throws {
        let header = (1...12).map { "Email \($0)" }.joined(separator: ",") + ",Phone 1,Phone 2,Phone 3,Name"
        let row = (1...12).map { "p\($0)@example.org" }.joined(separator: ",") + ",1,2,3,Twelve Mails"
        let c = try #require(importCSV(header + "\n" + row + "\n").contacts.first)
        #expect(c.emails.map(\.address) == (1...12).map { "p\($0)@example.org" })
        #expect(c.phones.map(\.raw) == ["1", "2", "3"])
    }

    @Test func recordIdColumnBecomesProvenance() throws {
        let o = importCSV("record_id,Name,Email\nr1,Anna-Lena Vogt,anna.vogt@example.org\nr2,Søren Kierkegaard-Hansen,soren@example.dk\nr1,Duplicate Id,dup@example.org\n")
        #expect(o.contacts.map { $0.sources.first?.recordId } == ["r1", "r2", "r1"])
        #expect(o.contacts[0].id == StableID.record(plugin: "csv", file: "test.csv", locator: Locator(line: 2, record: 1), recordId: "r1"))
        #expect(o.contacts[2].id == StableID.record(plugin: "csv", file: "test.csv", locator: Locator(line: 4, record: 3)))
        #expect(Set(o.contacts.map(\.id)).count == 3)
        #expect(o.diagnostics.contains { $0.code == "csv.duplicate-id" && $0.locator.line == 4 })
    }

    @Test func noHeaderNeedsAMapping() {
        let o = importCSV("Anna-Lena Vogt,Anna-Lena,Vogt,anna.vogt@example.org\n")
        let e = o.thrown as? PluginError
        #expect(e?.code == .badOption)
        #expect(e?.message.contains("mapping") == true)
    }
}

@Suite("CSV contact kinds")
struct ContactKindTests {
    @Test func rowsNamingOnlyAnOrganisationAreOrganisations() {
        let o = importCSV("Name,Company,Email\n,Contoso Ltd,info@contoso.example.com\nContoso Ltd,Contoso Ltd,sales@contoso.example.com\nPriya Raman,Northwind Traders,priya.raman@northwind.example.com\n")
        #expect(o.contacts.map(\.type) == [.organization, .organization, .individual])
    }
}
