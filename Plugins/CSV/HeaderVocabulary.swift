import Foundation

// Every column name the importer knows, in the languages Outlook and
// Thunderbird localise their exports into.
//
// One line per meaning: `target | family | languages | names;…`.
// - target: what the column holds (see `FieldSpec.parse`): `given`, `email:work`,
//   `phone:work,fax`, `phone:main!` (! = preferred), `adr:home:city`, `org:title`, …
// - family: the exporter whose layout the name is typical of (`ol` Outlook,
//   `tb` Thunderbird, `g` Google, `y` Yahoo, `ap` Apple, `li` LinkedIn), or `*`.
// - languages: ISO 639-1 codes, comma-separated.
// Names are matched after folding case and accents and dropping everything but
// letters and digits ("E-mail 2 Address" → "email2address"); a name with one
// number that is not listed is looked up without it and numbered ("Email 7").
let headerVocabularyTable = """
    id|*|en|ID;UID;Record ID;RecordID;Rec ID;Contact ID;Unique ID;Identifier;Person ID;Customer ID;Key
    fn|*|en|Name;Full Name;Display Name;Contact Name;Formatted Name;Person;Complete Name;FN
    given|*|en|First Name;Given Name;First;Firstname;Forename;FName;Given;Christian Name
    middle|*|en|Middle Name;Additional Name;Middle;Middle Names;Middle Initial;Other Names
    family|*|en|Last Name;Family Name;Surname;Last;Lastname;LName
    prefix|*|en|Name Prefix;Prefix;Salutation;Honorific
    suffix|*|en|Name Suffix;Suffix
    pgiven|*|en|Phonetic First Name;Given Name Yomi;Given Yomi;Yomi First Name;Phonetic Given Name
    pfamily|*|en|Phonetic Last Name;Family Name Yomi;Surname Yomi;Yomi Last Name;Phonetic Family Name
    nick|*|en|Nickname;Nick Name;Nick;Alias;Known As;Short Name;Nicknames
    email|*|en|Email;E-mail;Email Address;E-mail Address;Mail;Emails;Email Addresses;Mail Address;Emails Address;Email ID
    email!|tb|en|Primary Email
    email:home|*|en|Home Email;Personal Email;Email (Home);Home E-mail;Private Email;Email Home
    email:work|*|en|Work Email;Business Email;Email (Work);Work E-mail;Office Email;Email Work
    email:other|*|en|Other Email;Email (Other);Alternate Email;Alternative Email
    email:other|tb|en|Secondary Email
    phone|*|en|Phone;Telephone;Phone Number;Tel;Phones;Telephone Number;Contact Number;Phone Numbers
    phone:mobile|*|en|Mobile;Mobile Phone;Cell;Cell Phone;Cellphone;Mobile Number;Phone (Mobile);Mobile Phone Number;Cell Number
    phone:home|*|en|Home Phone;Phone (Home);Home Telephone;Private Phone;Home Number
    phone:home|y|en|Home
    phone:work|*|en|Work Phone;Business Phone;Office Phone;Phone (Work);Direct Line;Work Number
    phone:work|y|en|Work
    phone:fax|*|en|Fax;Fax Number;Phone (Fax)
    phone:work,fax|*|en|Business Fax;Work Fax
    phone:home,fax|*|en|Home Fax
    phone:pager|*|en|Pager;Pager Number;Beeper
    phone:other|*|en|Other Phone;Alternate Phone
    phone:iphone|ap|en|iPhone;Phone (iPhone)
    phone:main!|*|en|Primary Phone;Main Phone
    phone:main!|y|en|Primary
    phone:work,main|ol|en|Company Main Phone
    phone:car|ol|en|Car Phone
    phone:assistant|ol|en|Assistant's Phone;Assistant Phone
    phone:callback|ol|en|Callback
    phone:isdn|ol|en|ISDN
    phone:radio|ol|en|Radio Phone
    phone:textphone|ol|en|TTY/TDD Phone
    phone:telex|ol|en|Telex
    phone:other,fax|ol|en|Other Fax
    adr:-:street|*|en|Street;Address;Street Address;Address Line 1;Address 1;Street 1;Street Line 1
    adr:-:street2|*|en|Address Line 2;Address 2;Street 2;Street Line 2
    adr:-:street3|*|en|Address Line 3;Address 3;Street 3
    adr:-:city|*|en|City;Town;Locality;Suburb
    adr:-:region|*|en|State;Region;Province;County;State/Province
    adr:-:zip|*|en|Zip;ZIP Code;Postal Code;Postcode;Post Code;Zipcode
    adr:-:country|*|en|Country;Country/Region;Nation;Country Code
    adr:-:pobox|*|en|PO Box;P.O. Box;Post Office Box
    adr:home:street|*|en|Home Street;Home Address;Home Street Address
    adr:home:street2|*|en|Home Street 2;Home Address 2
    adr:home:street3|*|en|Home Street 3;Home Address 3
    adr:home:city|*|en|Home City
    adr:home:region|*|en|Home State;Home Region;Home Province
    adr:home:zip|*|en|Home Postal Code;Home ZIP;Home ZipCode;Home Zip Code;Home Postcode
    adr:home:country|*|en|Home Country;Home Country/Region
    adr:home:pobox|ol|en|Home Address PO Box
    adr:work:street|*|en|Business Street;Work Address;Work Street;Business Address;Office Address
    adr:work:street2|*|en|Business Street 2;Work Address 2;Work Street 2
    adr:work:street3|*|en|Business Street 3;Work Address 3
    adr:work:city|*|en|Business City;Work City
    adr:work:region|*|en|Business State;Work State;Work Region
    adr:work:zip|*|en|Business Postal Code;Work ZIP;Work ZipCode;Work Postal Code;Work Zip Code
    adr:work:country|*|en|Business Country;Business Country/Region;Work Country;Work Country/Region
    adr:work:pobox|ol|en|Business Address PO Box
    adr:other:street|*|en|Other Street;Other Address
    adr:other:street2|ol|en|Other Street 2
    adr:other:street3|ol|en|Other Street 3
    adr:other:city|*|en|Other City
    adr:other:region|*|en|Other State
    adr:other:zip|*|en|Other Postal Code;Other ZIP
    adr:other:country|*|en|Other Country;Other Country/Region
    adr:other:pobox|ol|en|Other Address PO Box
    org:name|*|en|Company;Organization;Organisation;Company Name;Employer;Org;Organization Name;Business Name;Account Name
    org:title|*|en|Job Title;Title;Position;Job;Organization Title;Designation;Jobtitle
    org:dept|*|en|Department;Dept;Organization Department;Division
    org:role|*|en|Role;Profession;Job Role
    url|*|en|Web Page;Website;Web Site;URL;Homepage;Home Page;Web;Webpage;Web Address;Websites
    url:home|*|en|Personal Website;Personal Web Page;Home Website;Home Web Page
    url:work|*|en|Business Website;Work Website;Business Web Page;Work Web Page;Company Website
    url:work|tb|en|Web Page 1
    url:home|tb|en|Web Page 2
    url:linkedin|li|en|Profile URL;LinkedIn URL;LinkedIn Profile;LinkedIn
    im|*|en|IM;IM Address;IMAddress;Messenger;Instant Messenger;Chat
    im|tb|en|Screen Name
    im:yahoo|y|en|Messenger ID
    im:skype|*|en|Skype;Skype ID;Skype Name
    im:twitter|*|en|Twitter;Twitter Handle;X Handle
    im:xmpp|*|en|Jabber;XMPP
    im:icq|*|en|ICQ
    im:aim|*|en|AIM
    rel:spouse|*|en|Spouse;Partner;Spouse Name;Spouse/Partner
    rel:child|*|en|Children;Child
    rel:manager|*|en|Manager's Name;Manager;Manager Name
    rel:assistant|*|en|Assistant's Name;Assistant;Assistant Name
    rel:referred-by|ol|en|Referred By
    bday|*|en|Birthday;Birth Date;Date of Birth;DOB;Birthdate;Born;Date Of Birth
    byear|tb|en|Birth Year
    bmonth|tb|en|Birth Month
    anniv|*|en|Anniversary;Wedding Anniversary
    gender|*|en|Gender;Sex
    photo|*|en|Photo;Picture;Avatar;Photo URL;Image;Photo Url
    note|*|en|Notes;Note;Comments;Comment;Description;Remarks;About
    cat|*|en|Categories;Category;Groups;Group;Tags;Labels;Group Membership;Lists;Tag
    date|li|en|Connected On

    prefix|ol|de|Anrede
    given|*|de|Vorname
    middle|*|de|Weitere Vornamen;Zweiter Vorname
    family|*|de|Nachname;Familienname
    suffix|ol|de|Namenszusatz
    fn|tb|de|Anzeigename
    nick|*|de|Spitzname
    org:name|*|de|Firma;Unternehmen;Organisation
    org:dept|*|de|Abteilung
    org:title|*|de|Position;Berufsbezeichnung;Arbeitstitel
    adr:work:street|ol|de|Straße geschäftlich;Strasse geschäftlich
    adr:work:street2|ol|de|Straße geschäftlich 2
    adr:work:street3|ol|de|Straße geschäftlich 3
    adr:work:city|ol|de|Ort geschäftlich
    adr:work:region|ol|de|Region geschäftlich;Bundesland/Kanton geschäftlich
    adr:work:zip|ol|de|Postleitzahl geschäftlich
    adr:work:country|ol|de|Land/Region geschäftlich;Land geschäftlich
    adr:work:pobox|ol|de|Postfach geschäftlich
    adr:home:street|ol|de|Straße privat;Strasse privat
    adr:home:street2|ol|de|Straße privat 2
    adr:home:street3|ol|de|Straße privat 3
    adr:home:city|ol|de|Ort privat
    adr:home:region|ol|de|Region privat;Bundesland/Kanton privat
    adr:home:zip|ol|de|Postleitzahl privat
    adr:home:country|ol|de|Land/Region privat;Land privat
    adr:home:pobox|ol|de|Postfach privat
    adr:other:street|ol|de|Weitere Straße
    adr:other:city|ol|de|Weiterer Ort
    adr:other:region|ol|de|Weitere Region;Weiteres/r Bundesland/Kanton
    adr:other:zip|ol|de|Weitere Postleitzahl
    adr:other:country|ol|de|Weiteres/r Land/Region;Weiteres Land
    adr:home:street|tb|de|Privat: Adresse
    adr:home:street2|tb|de|Privat: Adresse 2
    adr:home:city|tb|de|Privat: Ort
    adr:home:region|tb|de|Privat: Bundesland
    adr:home:zip|tb|de|Privat: PLZ
    adr:home:country|tb|de|Privat: Land
    adr:work:street|tb|de|Dienstlich: Adresse
    adr:work:street2|tb|de|Dienstlich: Adresse 2
    adr:work:city|tb|de|Dienstlich: Ort
    adr:work:region|tb|de|Dienstlich: Bundesland
    adr:work:zip|tb|de|Dienstlich: PLZ
    adr:work:country|tb|de|Dienstlich: Land
    phone:assistant|ol|de|Telefon Assistent
    phone:work,fax|ol|de|Fax geschäftlich
    phone:work|ol|de|Telefon geschäftlich
    phone:callback|ol|de|Rückmeldung
    phone:car|ol|de|Autotelefon
    phone:work,main|ol|de|Telefon Firma
    phone:home,fax|ol|de|Fax privat
    phone:home|ol|de|Telefon privat
    phone:mobile|*|de|Mobiltelefon;Handy;Mobil
    phone:other,fax|ol|de|Weiteres Fax
    phone:other|ol|de|Weiteres Telefon
    phone:main!|ol|de|Haupttelefon
    phone:textphone|ol|de|Telefon für Hörbehinderte
    phone:work|tb|de|Tel. dienstlich
    phone:home|tb|de|Tel. privat
    phone:fax|tb|de|Fax-Nummer
    phone:pager|tb|de|Pager-Nummer
    phone:mobile|tb|de|Mobil-Tel.-Nr.
    email|ol|de|E-Mail-Adresse;E-Mail Adresse;E-Mail: Adresse
    email!|tb|de|Primäre E-Mail-Adresse
    email:other|tb|de|Sekundäre E-Mail-Adresse
    url|*|de|Webseite;Internetseite
    bday|*|de|Geburtstag;Geburtsdatum
    byear|tb|de|Geburtsjahr
    bmonth|tb|de|Geburtsmonat
    anniv|*|de|Jahrestag;Hochzeitstag
    gender|*|de|Geschlecht
    note|*|de|Notizen;Notiz;Bemerkungen
    cat|*|de|Kategorien

    prefix|ol|fr|Titre;Civilité
    given|*|fr|Prénom
    middle|*|fr|Deuxième prénom;Autre prénom
    family|*|fr|Nom;Nom de famille
    suffix|ol|fr|Suffixe
    fn|tb|fr|Nom à afficher
    nick|*|fr|Surnom
    org:name|*|fr|Société;Entreprise
    org:dept|*|fr|Service;Département
    org:title|*|fr|Fonction;Poste;Titre du poste
    adr:work:street|ol|fr|Rue (bureau)
    adr:work:street2|ol|fr|Rue (bureau) 2
    adr:work:street3|ol|fr|Rue (bureau) 3
    adr:work:city|ol|fr|Ville (bureau)
    adr:work:region|ol|fr|Dép/Région (bureau);État/Prov (bureau)
    adr:work:zip|ol|fr|Code postal (bureau)
    adr:work:country|ol|fr|Pays/Région (bureau);Pays (bureau)
    adr:home:street|ol|fr|Rue (domicile)
    adr:home:street2|ol|fr|Rue (domicile) 2
    adr:home:street3|ol|fr|Rue (domicile) 3
    adr:home:city|ol|fr|Ville (domicile)
    adr:home:region|ol|fr|Dép/Région (domicile);État/Prov (domicile)
    adr:home:zip|ol|fr|Code postal (domicile)
    adr:home:country|ol|fr|Pays/Région (domicile);Pays (domicile)
    adr:other:street|ol|fr|Rue (autre)
    adr:other:city|ol|fr|Ville (autre)
    adr:other:region|ol|fr|Dép/Région (autre)
    adr:other:zip|ol|fr|Code postal (autre)
    adr:other:country|ol|fr|Pays/Région (autre)
    phone:assistant|ol|fr|Téléphone de l'assistant(e);Téléphone de l'assistant
    phone:work,fax|ol|fr|Télécopie (bureau)
    phone:work|ol|fr|Téléphone (bureau)
    phone:callback|ol|fr|Rappel
    phone:car|ol|fr|Téléphone (voiture)
    phone:work,main|ol|fr|Téléphone société
    phone:home,fax|ol|fr|Télécopie (domicile)
    phone:home|ol|fr|Téléphone (domicile)
    phone:isdn|ol|fr|RNIS
    phone:mobile|*|fr|Tél. mobile;Téléphone mobile;Portable
    phone:other,fax|ol|fr|Télécopie (autre)
    phone:other|ol|fr|Téléphone (autre)
    phone:pager|ol|fr|Récepteur de radiomessagerie
    phone:main!|ol|fr|Téléphone principal
    phone:radio|ol|fr|Radio téléphone
    phone:textphone|ol|fr|Téléphone TDD/TTY
    phone:work|tb|fr|Tél. professionnel
    phone:home|tb|fr|Tél. personnel
    email|ol|fr|Adresse de messagerie;Adresse e-mail;Courriel;Adresse électronique
    email!|tb|fr|Adresse électronique principale
    email:other|tb|fr|Adresse électronique secondaire
    url|*|fr|Page Web;Site Web
    bday|*|fr|Anniversaire;Date de naissance
    byear|tb|fr|Année de naissance
    bmonth|tb|fr|Mois de naissance
    anniv|*|fr|Anniversaire de mariage ou fête;Anniversaire de mariage
    gender|*|fr|Sexe;Genre
    rel:spouse|*|fr|Conjoint(e);Conjoint
    note|*|fr|Remarques;Notes
    cat|*|fr|Catégories

    prefix|ol|es|Tratamiento
    given|*|es|Nombre
    middle|*|es|Segundo nombre
    family|*|es|Apellidos;Apellido
    suffix|ol|es|Sufijo
    fn|tb|es|Nombre para mostrar
    nick|*|es|Apodo;Sobrenombre
    org:name|*|es|Organización;Compañía;Empresa
    org:dept|*|es|Departamento
    org:title|*|es|Puesto;Cargo
    adr:work:street|ol|es|Calle del trabajo
    adr:work:street2|ol|es|Calle del trabajo 2
    adr:work:street3|ol|es|Calle del trabajo 3
    adr:work:city|ol|es|Ciudad de trabajo;Ciudad del trabajo
    adr:work:region|ol|es|Provincia o estado de trabajo;Estado o provincia del trabajo
    adr:work:zip|ol|es|Código postal del trabajo;Código postal de trabajo
    adr:work:country|ol|es|País o región del trabajo;País/Región del trabajo
    adr:home:street|ol|es|Calle del domicilio
    adr:home:street2|ol|es|Calle del domicilio 2
    adr:home:street3|ol|es|Calle del domicilio 3
    adr:home:city|ol|es|Ciudad de residencia;Ciudad del domicilio
    adr:home:region|ol|es|Provincia o estado de residencia;Estado o provincia del domicilio
    adr:home:zip|ol|es|Código postal de residencia;Código postal del domicilio
    adr:home:country|ol|es|País o región de residencia;País/Región del domicilio
    adr:other:street|ol|es|Otra calle
    adr:other:city|ol|es|Otra ciudad
    adr:other:region|ol|es|Otra provincia o estado
    adr:other:zip|ol|es|Otro código postal
    adr:other:country|ol|es|Otro país o región
    phone:work|ol|es|Teléfono del trabajo;Teléfono de trabajo
    phone:home|ol|es|Teléfono particular;Teléfono de casa
    phone:mobile|*|es|Móvil;Teléfono móvil;Celular
    phone:work,fax|ol|es|Fax del trabajo
    phone:home,fax|ol|es|Fax particular
    phone:other|ol|es|Otro teléfono
    phone:other,fax|ol|es|Otro fax
    phone:main!|ol|es|Teléfono principal
    phone:work,main|ol|es|Número de centralita de la organización;Teléfono de la compañía
    phone:car|ol|es|Teléfono del automóvil
    phone:assistant|ol|es|Teléfono del asistente
    phone:pager|ol|es|Localizador;Buscapersonas
    email|ol|es|Dirección de correo electrónico;Correo electrónico
    email!|tb|es|Correo electrónico principal
    url|*|es|Página web;Sitio web
    bday|*|es|Cumpleaños;Fecha de nacimiento
    byear|tb|es|Año de nacimiento
    anniv|*|es|Aniversario
    gender|*|es|Sexo;Género
    note|*|es|Notas
    cat|*|es|Categorías

    prefix|ol|it|Titolo;Appellativo
    given|*|it,pt|Nome
    middle|*|it|Secondo nome
    family|*|it|Cognome
    suffix|ol|it|Suffisso
    fn|tb|it|Nome visualizzato
    nick|*|it|Soprannome
    org:name|*|it|Società;Azienda
    org:dept|*|it|Reparto
    org:title|*|it|Posizione;Qualifica
    adr:work:street|ol|it|Via (uff.);Indirizzo (uff.)
    adr:work:street2|ol|it|Via (uff.) 2
    adr:work:street3|ol|it|Via (uff.) 3
    adr:work:city|ol|it|Città (uff.)
    adr:work:region|ol|it|Provincia (uff.)
    adr:work:zip|ol|it|CAP (uff.)
    adr:work:country|ol|it|Paese (uff.);Paese/area geografica (uff.)
    adr:home:street|ol|it|Via (ab.);Indirizzo (ab.)
    adr:home:street2|ol|it|Via (ab.) 2
    adr:home:street3|ol|it|Via (ab.) 3
    adr:home:city|ol|it|Città (ab.)
    adr:home:region|ol|it|Provincia (ab.)
    adr:home:zip|ol|it|CAP (ab.)
    adr:home:country|ol|it|Paese (ab.);Paese/area geografica (ab.)
    adr:other:street|ol|it|Via (altro)
    adr:other:city|ol|it|Città (altro)
    adr:other:region|ol|it|Provincia (altro)
    adr:other:zip|ol|it|CAP (altro)
    adr:other:country|ol|it|Paese (altro)
    phone:work|ol|it|Telefono (uff.)
    phone:home|ol|it|Telefono (ab.)
    phone:mobile|*|it|Cellulare
    phone:work,fax|ol|it|Fax (uff.)
    phone:home,fax|ol|it|Fax (ab.)
    phone:other|ol|it|Altro telefono
    phone:other,fax|ol|it|Altro fax
    phone:main!|ol|it|Telefono principale
    phone:work,main|ol|it|Telefono principale società
    phone:car|ol|it|Telefono auto
    phone:assistant|ol|it|Telefono assistente
    phone:pager|ol|it|Cercapersone
    email|ol|it|Indirizzo posta elettronica;Indirizzo e-mail;Posta elettronica
    email!|tb|it|Indirizzo email principale
    url|*|it|Pagina Web;Sito Web
    bday|*|it|Compleanno;Data di nascita
    byear|tb|it|Anno di nascita
    anniv|*|it|Anniversario
    gender|*|it|Sesso
    note|*|it|Note
    cat|*|it|Categorie

    prefix|ol|nl|Titel;Aanhef
    given|*|nl|Voornaam
    middle|*|nl|Middelste naam;Tweede voornaam
    family|*|nl|Achternaam
    suffix|ol|nl|Achtervoegsel
    fn|tb|nl|Weergavenaam
    nick|*|nl|Bijnaam
    org:name|*|nl|Bedrijf;Organisatie
    org:dept|*|nl|Afdeling
    org:title|*|nl|Functie
    adr:work:street|ol|nl|Werkadres, straat;Straat (werk)
    adr:work:street2|ol|nl|Werkadres, straat 2
    adr:work:city|ol|nl|Werkadres, plaats;Plaats (werk)
    adr:work:region|ol|nl|Werkadres, provincie;Provincie (werk)
    adr:work:zip|ol|nl|Werkadres, postcode;Postcode (werk)
    adr:work:country|ol|nl|Werkadres, land/regio;Werkadres, land;Land (werk)
    adr:home:street|ol|nl|Huisadres, straat;Straat (thuis)
    adr:home:street2|ol|nl|Huisadres, straat 2
    adr:home:city|ol|nl|Huisadres, plaats;Plaats (thuis)
    adr:home:region|ol|nl|Huisadres, provincie;Provincie (thuis)
    adr:home:zip|ol|nl|Huisadres, postcode;Postcode (thuis)
    adr:home:country|ol|nl|Huisadres, land/regio;Huisadres, land;Land (thuis)
    adr:other:street|ol|nl|Ander adres, straat
    adr:other:city|ol|nl|Ander adres, plaats
    adr:other:zip|ol|nl|Ander adres, postcode
    adr:other:country|ol|nl|Ander adres, land/regio
    phone:work|ol|nl|Telefoon op werk;Telefoon werk
    phone:home|ol|nl|Telefoon thuis
    phone:mobile|*|nl|Mobiele telefoon;Mobiel
    phone:work,fax|ol|nl|Fax op werk;Fax werk
    phone:home,fax|ol|nl|Fax thuis
    phone:other|ol|nl|Andere telefoon
    phone:other,fax|ol|nl|Andere fax
    phone:main!|ol|nl|Hoofdtelefoon
    phone:work,main|ol|nl|Hoofdtelefoon bedrijf
    phone:car|ol|nl|Autotelefoon
    phone:assistant|ol|nl|Telefoon assistent
    phone:pager|ol|nl|Pieper
    email|ol|nl|E-mailadres
    email!|tb|nl|Primair e-mailadres
    url|*|nl|Webpagina
    bday|*|nl|Verjaardag;Geboortedatum
    byear|tb|nl|Geboortejaar
    bmonth|tb|nl|Geboortemaand
    anniv|*|nl|Jubileum;Huwelijksdatum
    gender|*|nl|Geslacht
    note|*|nl|Notities;Opmerkingen
    cat|*|nl|Categorieën

    prefix|ol|pt|Tratamento
    middle|*|pt|Segundo Nome
    family|*|pt|Sobrenome;Apelido;Último nome
    suffix|ol|pt|Sufixo
    fn|tb|pt|Nome de exibição;Nome a mostrar
    nick|*|pt|Alcunha
    org:name|*|pt|Organização
    adr:work:street|ol|pt|Rua comercial;Endereço comercial
    adr:work:street2|ol|pt|Rua comercial 2
    adr:work:street3|ol|pt|Rua comercial 3
    adr:work:city|ol|pt|Cidade comercial
    adr:work:region|ol|pt|Estado comercial;Distrito comercial
    adr:work:zip|ol|pt|CEP comercial;Código postal comercial
    adr:work:country|ol|pt|País/Região comercial;País comercial
    adr:home:street|ol|pt|Rua residencial;Endereço residencial
    adr:home:street2|ol|pt|Rua residencial 2
    adr:home:street3|ol|pt|Rua residencial 3
    adr:home:city|ol|pt|Cidade residencial
    adr:home:region|ol|pt|Estado residencial;Distrito residencial
    adr:home:zip|ol|pt|CEP residencial;Código postal residencial
    adr:home:country|ol|pt|País/Região residencial;País residencial
    adr:other:street|ol|pt|Outra rua
    adr:other:city|ol|pt|Outra cidade
    adr:other:region|ol|pt|Outro estado
    adr:other:zip|ol|pt|Outro CEP;Outro código postal
    adr:other:country|ol|pt|Outro país/região
    phone:work|ol|pt|Telefone comercial
    phone:home|ol|pt|Telefone residencial
    phone:mobile|*|pt|Telemóvel;Telefone celular
    phone:work,fax|ol|pt|Fax comercial
    phone:home,fax|ol|pt|Fax residencial
    phone:other|ol|pt|Outro telefone
    phone:other,fax|ol|pt|Outro fax
    phone:main!|ol|pt|Telefone principal
    phone:work,main|ol|pt|Telefone principal da empresa
    phone:car|ol|pt|Telefone do carro
    phone:assistant|ol|pt|Telefone do assistente
    email|ol|pt|Endereço de email;Endereço de e-mail;Endereço de correio eletrónico;Endereço de correio eletrônico
    email!|tb|pt|Email principal
    url|*|pt|Página da Web
    bday|*|pt|Aniversário;Data de nascimento
    byear|tb|pt|Ano de nascimento
    anniv|*|pt|Aniversário de casamento
    note|*|pt|Anotações
    cat|*|pt|Categorias
    """

/// One meaning a column name can have in one language.
struct VocabularyEntry {
    var spec: FieldSpec
    /// The exporter family the name is typical of ("ol", "tb", …, or "*").
    var family: String
    var languages: [String]
}

/// The parsed vocabulary: normalised name → its meanings.
enum HeaderVocabulary {
    static let entries: [String: [VocabularyEntry]] = {
        var out: [String: [VocabularyEntry]] = [:]
        // Split on bytes (the separators are ASCII): splitting a String walks
        // Characters, which cost more than building the table itself.
        func text(_ bytes: Substring.UTF8View) -> String { String(decoding: bytes, as: UTF8.self) }
        for line in headerVocabularyTable.utf8.split(separator: 0x0A) {
            let parts = line.split(separator: 0x7C, omittingEmptySubsequences: false)  // |
            guard parts.count == 4, let spec = FieldSpec.parse(text(parts[0])) else { continue }
            let entry = VocabularyEntry(
                spec: spec, family: text(parts[1]), languages: parts[2].split(separator: 0x2C).map(text))  // ,
            for name in parts[3].split(separator: 0x3B) {  // ;
                let key = normalize(text(name))
                guard !key.isEmpty else { continue }
                // Mutated in place: a copy of the list per name was most of
                // the cost of building the vocabulary.
                if let same = out[key]?.firstIndex(where: { $0.spec == spec && $0.family == entry.family }) {
                    for l in entry.languages where !out[key]![same].languages.contains(l) { out[key]![same].languages.append(l) }
                } else {
                    out[key, default: []].append(entry)
                }
            }
        }
        return out
    }()

    /// Folds case and accents and keeps letters and digits only:
    /// "E-mail 2 Address" → "email2address", "Straße privat" → "strasseprivat".
    static func normalize(_ s: String) -> String {
        // Most headers are ASCII: lower-case their letters and digits
        // directly (Foundation's folding cost ~10k instructions a name, and
        // the vocabulary folds a few thousand names when first used).
        if s.utf8.allSatisfy({ $0 < 0x80 }) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(s.utf8.count)
            for b in s.utf8 {
                switch b {
                case 0x41...0x5A: bytes.append(b | 0x20)
                case 0x61...0x7A, 0x30...0x39: bytes.append(b)
                default: break
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var out = ""
        out.reserveCapacity(s.utf8.count)
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        for scalar in folded.unicodeScalars {
            if scalar == "ß" {
                out += "ss"
            } else if scalar.properties.isAlphabetic || (scalar.value >= 48 && scalar.value <= 57) {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The meanings of a normalised name.
    static func lookup(_ key: String) -> [VocabularyEntry] { entries[key] ?? [] }
}

