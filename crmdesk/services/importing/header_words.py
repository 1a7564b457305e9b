"""The words tables use in their headers, per field, in the languages of the exports the
guesser knows: Google Contacts, Outlook (English, German, French, Spanish, Dutch, Italian),
Thunderbird, and spreadsheets people make (also Russian). Data only; columns.py reads it."""

from __future__ import annotations

import re

from crmdesk.services.importing.mapping import ColumnTarget, Field, fold


def _words(*phrases: str) -> frozenset[str]:
    return frozenset(fold(p) for p in phrases)


# whole headers, folded; each language's words for one field
EXACT: dict[str, ColumnTarget] = {}


def _exact(target: ColumnTarget, *phrases: str) -> None:
    for phrase in phrases:
        EXACT[fold(phrase)] = target


# fmt: off
_exact(ColumnTarget(Field.GIVEN_NAME), "First Name", "Given Name", "Firstname", "Forename",
       "Vorname", "Prénom", "Nombre", "Voornaam", "Nome", "Primeiro nome")
_exact(ColumnTarget(Field.MIDDLE_NAME), "Middle Name", "Additional Name", "Weitere Vornamen",
       "Zweiter Vorname", "Deuxième prénom", "Segundo nombre", "Middelste naam", "Secondo nome",
       "Tweede naam", "Second prénom")
_exact(ColumnTarget(Field.FAMILY_NAME), "Last Name", "Family Name", "Surname", "Lastname",
       "Nachname", "Familienname", "Nom", "Nom de famille", "Apellidos", "Apellido", "Achternaam",
       "Cognome", "Sobrenome")
_exact(ColumnTarget(Field.FULL_NAME), "Name", "Full Name", "Display Name", "Anzeigename",
       "Nom complet", "Nombre completo", "Volledige naam", "Weergavenaam", "Nome completo",
       "Nom d'affichage", "Nombre para mostrar", "Contact", "Kunde", "Client", "Customer")
_exact(ColumnTarget(Field.SALUTATION), "Title", "Name Prefix", "Prefix", "Salutation", "Anrede",
       "Titel", "Titre", "Civilité", "Tratamiento", "Título", "Aanhef", "Titolo",
       "Formule de politesse")
_exact(ColumnTarget(Field.SUFFIX), "Suffix", "Name Suffix", "Namenszusatz", "Suffixe", "Sufijo",
       "Achtervoegsel", "Titolo straniero", "Generation")
_exact(ColumnTarget(Field.NICKNAME), "Nickname", "Spitzname", "Surnom", "Alias", "Apodo",
       "Bijnaam", "Soprannome")
_exact(ColumnTarget(Field.COMPANY), "Company", "Organization", "Organisation", "Organization Name",
       "Organization 1 - Name", "Firma", "Unternehmen", "Société", "Entreprise", "Organización",
       "Compañía", "Empresa", "Bedrijf", "Società", "Azienda", "Organizzazione")
_exact(ColumnTarget(Field.DEPARTMENT), "Department", "Organization Department",
       "Organization 1 - Department", "Abteilung", "Service", "Departamento", "Afdeling", "Reparto")
_exact(ColumnTarget(Field.JOB_TITLE), "Job Title", "Organization Title", "Organization 1 - Title",
       "Position", "Fonction", "Puesto", "Cargo", "Functie", "Posizione", "Qualifica")
_exact(ColumnTarget(Field.BIRTHDAY), "Birthday", "Date of Birth", "Birth Date", "DOB", "Birthdate",
       "Geburtstag", "Geburtsdatum", "Anniversaire", "Date de naissance", "Cumpleaños",
       "Fecha de nacimiento", "Verjaardag", "Geboortedatum", "Compleanno", "Data di nascita")
_exact(ColumnTarget(Field.BIRTH_YEAR), "Birth Year", "Year of Birth", "Geburtsjahr")
_exact(ColumnTarget(Field.BIRTH_MONTH), "Birth Month", "Month of Birth", "Geburtsmonat")
_exact(ColumnTarget(Field.BIRTH_DAY), "Birth Day", "Day of Birth", "Geburtstag (Tag)")
_exact(ColumnTarget(Field.ANNIVERSARY, "anniversary"), "Anniversary", "Jahrestag", "Hochzeitstag",
       "Anniversaire de mariage", "Aniversario", "Jubileum", "Anniversario", "Wedding Anniversary",
       "Huwelijksverjaardag")
_exact(ColumnTarget(Field.NOTES), "Notes", "Note", "Notizen", "Notiz", "Bemerkungen", "Kommentar",
       "Remarques", "Commentaires", "Notas", "Comentarios", "Notities", "Opmerkingen", "Note",
       "Commenti", "Comments", "Remarks", "Memo")
_exact(ColumnTarget(Field.GROUPS), "Labels", "Group Membership", "Categories", "Kategorien",
       "Catégories", "Categorías", "Categorieën", "Categorie", "Groups", "Tags")
_exact(ColumnTarget(Field.EMAIL), "E-mail Address", "Email", "E-mail", "Email Address",
       "Primary Email", "E-Mail-Adresse", "Adresse de messagerie", "Adresse e-mail",
       "Dirección de correo electrónico", "Correo electrónico", "E-mailadres",
       "Indirizzo posta elettronica", "Indirizzo e-mail", "Mail")
_exact(ColumnTarget(Field.EMAIL), "E-mail 2 Address", "E-mail 3 Address", "Secondary Email",
       "E-Mail 2: Adresse", "E-Mail 3: Adresse", "Adresse de messagerie 2",
       "Adresse de messagerie 3", "Dirección de correo electrónico 2",
       "Dirección de correo electrónico 3", "E-mailadres 2", "E-mailadres 3",
       "Indirizzo posta elettronica 2", "Indirizzo posta elettronica 3")
_exact(ColumnTarget(Field.PHONE), "Phone", "Telephone", "Tel", "Telefon", "Téléphone", "Teléfono",
       "Telefoon", "Telefono", "Phone Number", "Telefonnummer")
_exact(ColumnTarget(Field.PHONE, "mobile"), "Mobile Phone", "Mobile", "Mobile Number", "Cell",
       "Cell Phone", "Mobiltelefon", "Handy", "Mobil", "Tél. mobile", "Téléphone mobile",
       "Portable", "Móvil", "Teléfono móvil", "Celular", "Mobiele telefoon", "Mobiel", "Cellulare",
       "Telefono cellulare")
_exact(ColumnTarget(Field.PHONE, "pager"), "Pager", "Pager Number", "Pager Phone")
# Thunderbird's address columns
_exact(ColumnTarget(Field.STREET, "home", "home"), "Home Address")
_exact(ColumnTarget(Field.EXTENDED, "home", "home"), "Home Address 2")
_exact(ColumnTarget(Field.POSTCODE, "home", "home"), "Home ZipCode")
_exact(ColumnTarget(Field.STREET, "work", "work"), "Work Address")
_exact(ColumnTarget(Field.EXTENDED, "work", "work"), "Work Address 2")
_exact(ColumnTarget(Field.POSTCODE, "work", "work"), "Work ZipCode")
# Outlook's other phones
_exact(ColumnTarget(Field.PHONE, "main"), "Primary Phone", "Haupttelefon", "Téléphone principal",
       "Teléfono principal", "Hoofdtelefoon", "Telefono principale")
_exact(ColumnTarget(Field.PHONE, "assistant"), "Assistant's Phone", "Telefon Assistent",
       "Téléphone de l'assistant(e)", "Teléfono del ayudante", "Telefoon assistent",
       "Telefono assistente")
_exact(ColumnTarget(Field.PHONE, "car"), "Car Phone", "Autotelefon", "Téléphone (voiture)",
       "Teléfono del automóvil", "Autotelefoon", "Telefono auto")
_exact(ColumnTarget(Field.PHONE, "callback"), "Callback", "Rückmeldung", "Rappel",
       "Devolución de llamada", "Terugbellen", "Richiamata automatica")
_exact(ColumnTarget(Field.PHONE, "ISDN"), "ISDN", "RNIS")
_exact(ColumnTarget(Field.PHONE, "radio"), "Radio Phone", "Funktelefon", "Radiotéléphone",
       "Radioteléfono", "Radiotelefoon", "Radiotelefono")
_exact(ColumnTarget(Field.PHONE, "TTY/TDD"), "TTY/TDD Phone", "Telefon für Hörbehinderte")
# Russian spreadsheets
_exact(ColumnTarget(Field.FAMILY_NAME), "Фамилия")
_exact(ColumnTarget(Field.GIVEN_NAME), "Имя")
_exact(ColumnTarget(Field.MIDDLE_NAME), "Отчество")
_exact(ColumnTarget(Field.PHONE), "Телефон")
_exact(ColumnTarget(Field.PHONE, "mobile"), "Мобильный", "Мобильный телефон")
_exact(ColumnTarget(Field.EMAIL), "Электронная почта", "Эл. почта")
_exact(ColumnTarget(Field.CITY, group="address"), "Город")
_exact(ColumnTarget(Field.STREET, group="address"), "Адрес", "Улица")
_exact(ColumnTarget(Field.POSTCODE, group="address"), "Индекс")
_exact(ColumnTarget(Field.BIRTHDAY), "Дата рождения", "День рождения")
_exact(ColumnTarget(Field.NOTES), "Примечание", "Заметки")
_exact(ColumnTarget(Field.COMPANY), "Организация", "Компания")
_exact(ColumnTarget(Field.SKIP), "Initials", "Initialen", "Priority", "Sensitivity", "Private",
       "Privat", "Vertraulichkeit", "Priorität", "Billing Information", "Mileage",
       "Directory Server", "Schedule+ Priority", "Schedule+ Private", "Internet Free Busy",
       "Abrechnungsinformation", "Reisekilometer", "Verzeichnisserver", "Internet Frei/Gebucht",
       "E-mail Type", "E-mail Display Name", "E-mail 2 Type", "E-mail 2 Display Name",
       "E-mail 3 Type", "E-mail 3 Display Name", "E-Mail-Typ", "E-Mail: Angezeigter Name",
       "E-Mail 2: Typ", "E-Mail 2: Angezeigter Name", "E-Mail 3: Typ", "E-Mail 3: Angezeigter Name",
       "Type de messagerie", "Nom complet de l'adresse de messagerie", "Tipo de correo electrónico",
       "Nombre para mostrar del correo electrónico", "E-mailtype", "Weergavenaam e-mail",
       "Tipo posta elettronica", "Nome visualizzato posta elettronica")
FAMILY_IF_GIVEN = _words("Name", "Nom", "Naam", "Nome")
HOME = _words("home", "private", "privat", "domicile", "personnel", "personal", "particular",
               "residencia", "domicilio", "casa", "thuis", "prive", "huis", "huisadres",
               "abitazione", "ab", "priv", "personale")
WORK = _words("business", "work", "office", "geschaftlich", "geschaeftlich", "firma",
               "dienstlich", "bureau", "professionnel", "professionnelle", "travail", "trabajo",
               "oficina", "empresa", "werk", "zakelijk", "kantoor", "ufficio", "lavoro", "uff",
               "company")
OTHER = _words("other", "weitere", "weiterer", "weiteres", "andere", "autre", "otro", "otra",
               "overig", "ander", "altro", "altra")
FAX = _words("fax", "telefax", "télécopie", "telecopie")
MOBILE = _words("mobile", "mobil", "mobiltelefon", "handy", "cell", "cellular", "portable",
                 "movil", "celular", "mobiel", "mobiele", "gsm", "cellulare")
PHONE = _words("phone", "telephone", "tel", "telefon", "telefono", "telefoon") | FAX
STREET = _words("street", "strasse", "rue", "adresse", "calle", "direccion", "straat", "via",
                 "indirizzo", "address", "anschrift")
CITY = _words("city", "town", "ort", "stadt", "ville", "ciudad", "localidad", "plaats",
               "woonplaats", "citta", "localita")
POSTCODE = _words("postal", "postcode", "zip", "zipcode", "postleitzahl", "plz", "cap",
                   "cp")
REGION = _words("state", "region", "province", "provincia", "bundesland", "departement",
                 "estado", "staat", "provincie", "county")
COUNTRY = _words("country", "land", "pays", "pais", "paese", "nazione")
PO_BOX = ("po box", "postfach", "boite postale", "apartado", "postbus", "casella postale")
EMAIL = _words("email", "mail", "messagerie", "correo", "courriel", "mailadres")
GOOGLE = re.compile(
    r"(?P<kind>e mail|phone|address|website|relation|event|im|custom field|organization|"
    r"external id|location) (?P<n>\d+) (?P<part>.+)"
)
# fmt: on
