"""Which field of a contact each column of a table holds, guessed from the headers.

The guess knows the headers Google Contacts (old and current layouts), Outlook (in English,
German, French, Spanish, Dutch and Italian), Thunderbird and people's own spreadsheets use.
It is a `ColumnMapping` the preview shows and the user can change column by column; a
mapping's `layout` identifies the headers, so a changed mapping can be remembered for the
next file of the same layout.
"""

from __future__ import annotations

import enum
import hashlib
import re
import unicodedata
from dataclasses import dataclass, replace


class Field(enum.StrEnum):
    GIVEN_NAME = "given name"
    MIDDLE_NAME = "middle name"
    FAMILY_NAME = "family name"
    FULL_NAME = "full name"
    SALUTATION = "salutation"
    SUFFIX = "suffix"
    NICKNAME = "nickname"
    COMPANY = "company"
    DEPARTMENT = "department"
    JOB_TITLE = "job title"
    PHONE = "phone"
    EMAIL = "email"
    STREET = "street"
    EXTENDED = "address line 2"
    PO_BOX = "PO box"
    CITY = "city"
    REGION = "region"
    POSTCODE = "postcode"
    COUNTRY = "country"
    BIRTHDAY = "birthday"
    BIRTH_YEAR = "year of birth"
    BIRTH_MONTH = "month of birth"
    BIRTH_DAY = "day of birth"
    ANNIVERSARY = "anniversary"
    DATE = "other date"
    NOTES = "notes"
    GROUPS = "groups"
    LABEL = "label"  # the label of the phone, email or address of its group ("Phone 1 - Type")
    EXTRA = "keep as a fact"
    SKIP = "do not import"


ADDRESS_FIELDS = frozenset(
    {Field.STREET, Field.EXTENDED, Field.PO_BOX, Field.CITY, Field.REGION, Field.POSTCODE,
     Field.COUNTRY}
)  # fmt: skip


@dataclass(frozen=True)
class ColumnTarget:
    """Where one column goes. `label`: the phone's, email's or address's label ("mobile",
    "home") or a fact's; `group`: columns that make one thing together (the parts of the
    home address, "Phone 1 - Type" with "Phone 1 - Value")."""

    field: Field
    label: str = ""
    group: str = ""

    def __str__(self) -> str:
        return f"{self.field} ({self.label})" if self.label else str(self.field)


@dataclass(frozen=True)
class ColumnMapping:
    headers: tuple[str, ...]
    targets: tuple[ColumnTarget, ...]

    @property
    def layout(self) -> str:
        """The same for every file with these headers (case, spaces and accents aside)."""
        key = "\x1f".join(_fold(h) for h in self.headers)
        return hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()

    def with_target(self, column: int, target: ColumnTarget) -> ColumnMapping:
        """The mapping with one column changed (what the preview's column menu does)."""
        targets = list(self.targets)
        targets[column] = target
        return replace(self, targets=tuple(targets))

    def not_imported(self) -> list[str]:
        """The headers of the columns that will not be imported."""
        return [h for h, t in zip(self.headers, self.targets, strict=True) if t.field is Field.SKIP]


def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "E-Mail-Adresse" → "e mail adresse"."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("ß", "ss"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


def _words(*phrases: str) -> frozenset[str]:
    return frozenset(_fold(p) for p in phrases)


# whole headers, folded; each language's words for one field
_EXACT: dict[str, ColumnTarget] = {}


def _exact(target: ColumnTarget, *phrases: str) -> None:
    for phrase in phrases:
        _EXACT[_fold(phrase)] = target


_exact(
    ColumnTarget(Field.GIVEN_NAME),
    "First Name",
    "Given Name",
    "Firstname",
    "Forename",
    "Vorname",
    "Prénom",
    "Nombre",
    "Voornaam",
    "Nome",
    "Primeiro nome",
)
_exact(
    ColumnTarget(Field.MIDDLE_NAME),
    "Middle Name",
    "Additional Name",
    "Weitere Vornamen",
    "Zweiter Vorname",
    "Deuxième prénom",
    "Segundo nombre",
    "Middelste naam",
    "Secondo nome",
    "Tweede naam",
    "Second prénom",
)
_exact(
    ColumnTarget(Field.FAMILY_NAME),
    "Last Name",
    "Family Name",
    "Surname",
    "Lastname",
    "Nachname",
    "Familienname",
    "Nom",
    "Nom de famille",
    "Apellidos",
    "Apellido",
    "Achternaam",
    "Cognome",
    "Sobrenome",
)
_exact(
    ColumnTarget(Field.FULL_NAME),
    "Name",
    "Full Name",
    "Display Name",
    "Anzeigename",
    "Nom complet",
    "Nombre completo",
    "Volledige naam",
    "Weergavenaam",
    "Nome completo",
    "Nom d'affichage",
    "Nombre para mostrar",
    "Contact",
    "Kunde",
    "Client",
    "Customer",
)
_exact(
    ColumnTarget(Field.SALUTATION),
    "Title",
    "Name Prefix",
    "Prefix",
    "Salutation",
    "Anrede",
    "Titel",
    "Titre",
    "Civilité",
    "Tratamiento",
    "Título",
    "Aanhef",
    "Titolo",
    "Formule de politesse",
)
_exact(
    ColumnTarget(Field.SUFFIX),
    "Suffix",
    "Name Suffix",
    "Namenszusatz",
    "Suffixe",
    "Sufijo",
    "Achtervoegsel",
    "Titolo straniero",
    "Generation",
)
_exact(
    ColumnTarget(Field.NICKNAME),
    "Nickname",
    "Spitzname",
    "Surnom",
    "Alias",
    "Apodo",
    "Bijnaam",
    "Soprannome",
)
_exact(
    ColumnTarget(Field.COMPANY),
    "Company",
    "Organization",
    "Organisation",
    "Organization Name",
    "Organization 1 - Name",
    "Firma",
    "Unternehmen",
    "Société",
    "Entreprise",
    "Organización",
    "Compañía",
    "Empresa",
    "Bedrijf",
    "Società",
    "Azienda",
    "Organizzazione",
)
_exact(
    ColumnTarget(Field.DEPARTMENT),
    "Department",
    "Organization Department",
    "Organization 1 - Department",
    "Abteilung",
    "Service",
    "Departamento",
    "Afdeling",
    "Reparto",
)
_exact(
    ColumnTarget(Field.JOB_TITLE),
    "Job Title",
    "Organization Title",
    "Organization 1 - Title",
    "Position",
    "Fonction",
    "Puesto",
    "Cargo",
    "Functie",
    "Posizione",
    "Qualifica",
)
_exact(
    ColumnTarget(Field.BIRTHDAY),
    "Birthday",
    "Date of Birth",
    "Birth Date",
    "DOB",
    "Birthdate",
    "Geburtstag",
    "Geburtsdatum",
    "Anniversaire",
    "Date de naissance",
    "Cumpleaños",
    "Fecha de nacimiento",
    "Verjaardag",
    "Geboortedatum",
    "Compleanno",
    "Data di nascita",
)
_exact(ColumnTarget(Field.BIRTH_YEAR), "Birth Year", "Year of Birth", "Geburtsjahr")
_exact(ColumnTarget(Field.BIRTH_MONTH), "Birth Month", "Month of Birth", "Geburtsmonat")
_exact(ColumnTarget(Field.BIRTH_DAY), "Birth Day", "Day of Birth", "Geburtstag (Tag)")
_exact(
    ColumnTarget(Field.ANNIVERSARY, "anniversary"),
    "Anniversary",
    "Jahrestag",
    "Hochzeitstag",
    "Anniversaire de mariage",
    "Aniversario",
    "Jubileum",
    "Anniversario",
    "Wedding Anniversary",
    "Huwelijksverjaardag",
)
_exact(
    ColumnTarget(Field.NOTES),
    "Notes",
    "Note",
    "Notizen",
    "Notiz",
    "Bemerkungen",
    "Kommentar",
    "Remarques",
    "Commentaires",
    "Notas",
    "Comentarios",
    "Notities",
    "Opmerkingen",
    "Note",
    "Commenti",
    "Comments",
    "Remarks",
    "Memo",
)
_exact(
    ColumnTarget(Field.GROUPS),
    "Labels",
    "Group Membership",
    "Categories",
    "Kategorien",
    "Catégories",
    "Categorías",
    "Categorieën",
    "Categorie",
    "Groups",
    "Tags",
)
_exact(
    ColumnTarget(Field.EMAIL),
    "E-mail Address",
    "Email",
    "E-mail",
    "Email Address",
    "Primary Email",
    "E-Mail-Adresse",
    "Adresse de messagerie",
    "Adresse e-mail",
    "Dirección de correo electrónico",
    "Correo electrónico",
    "E-mailadres",
    "Indirizzo posta elettronica",
    "Indirizzo e-mail",
    "Mail",
)
_exact(
    ColumnTarget(Field.EMAIL),
    "E-mail 2 Address",
    "E-mail 3 Address",
    "Secondary Email",
    "E-Mail 2: Adresse",
    "E-Mail 3: Adresse",
    "Adresse de messagerie 2",
    "Adresse de messagerie 3",
    "Dirección de correo electrónico 2",
    "Dirección de correo electrónico 3",
    "E-mailadres 2",
    "E-mailadres 3",
    "Indirizzo posta elettronica 2",
    "Indirizzo posta elettronica 3",
)
_exact(
    ColumnTarget(Field.PHONE),
    "Phone",
    "Telephone",
    "Tel",
    "Telefon",
    "Téléphone",
    "Teléfono",
    "Telefoon",
    "Telefono",
    "Phone Number",
    "Telefonnummer",
)
_exact(
    ColumnTarget(Field.PHONE, "mobile"),
    "Mobile Phone",
    "Mobile",
    "Mobile Number",
    "Cell",
    "Cell Phone",
    "Mobiltelefon",
    "Handy",
    "Mobil",
    "Tél. mobile",
    "Téléphone mobile",
    "Portable",
    "Móvil",
    "Teléfono móvil",
    "Celular",
    "Mobiele telefoon",
    "Mobiel",
    "Cellulare",
    "Telefono cellulare",
)
_exact(ColumnTarget(Field.PHONE, "pager"), "Pager", "Pager Number", "Pager Phone")
# Thunderbird's address columns
_exact(ColumnTarget(Field.STREET, "home", "home"), "Home Address")
_exact(ColumnTarget(Field.EXTENDED, "home", "home"), "Home Address 2")
_exact(ColumnTarget(Field.POSTCODE, "home", "home"), "Home ZipCode")
_exact(ColumnTarget(Field.STREET, "work", "work"), "Work Address")
_exact(ColumnTarget(Field.EXTENDED, "work", "work"), "Work Address 2")
_exact(ColumnTarget(Field.POSTCODE, "work", "work"), "Work ZipCode")
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
_exact(ColumnTarget(Field.SKIP), "Initials", "Initialen", "Priority", "Sensitivity",
       "Private", "Privat", "Vertraulichkeit", "Priorität", "Billing Information",
       "Mileage", "Gender", "Language", "Directory Server", "Location", "Account",
       "Schedule+ Priority", "Schedule+ Private", "Other Address PO Box", "Keywords",
       "Internet Free Busy", "Web Page", "E-mail Type", "E-mail Display Name",
       "E-mail 2 Type", "E-mail 2 Display Name", "E-mail 3 Type", "E-mail 3 Display Name",
       "E-Mail-Typ", "E-Mail: Angezeigter Name", "E-Mail 2: Typ", "E-Mail 2: Angezeigter Name",
       "E-Mail 3: Typ", "E-Mail 3: Angezeigter Name", "Type de messagerie",
       "Nom complet de l'adresse de messagerie", "Tipo de correo electrónico",
       "Nombre para mostrar del correo electrónico", "E-mailtype", "Weergavenaam e-mail",
       "Tipo posta elettronica", "Nome visualizzato posta elettronica")  # fmt: skip

_FAMILY_IF_GIVEN = _words("Name", "Nom", "Naam", "Nome")
_HOME = _words("home", "private", "privat", "domicile", "personnel", "personal", "particular",
               "residencia", "domicilio", "casa", "thuis", "prive", "huis", "huisadres",
               "abitazione", "ab", "priv", "personale")  # fmt: skip
_WORK = _words("business", "work", "office", "geschaftlich", "geschaeftlich", "firma",
               "dienstlich", "bureau", "professionnel", "professionnelle", "travail", "trabajo",
               "oficina", "empresa", "werk", "zakelijk", "kantoor", "ufficio", "lavoro", "uff",
               "company")  # fmt: skip
_OTHER = _words("other", "weitere", "andere", "autre", "otro", "otra", "overig", "ander",
                "altro", "altra")  # fmt: skip
_FAX = _words("fax", "telefax", "télécopie", "telecopie")
_MOBILE = _words("mobile", "mobil", "mobiltelefon", "handy", "cell", "cellular", "portable",
                 "movil", "celular", "mobiel", "mobiele", "gsm", "cellulare")  # fmt: skip
_PHONE = _words("phone", "telephone", "tel", "telefon", "telefono", "telefoon", "number") | _FAX
_STREET = _words("street", "strasse", "rue", "adresse", "calle", "direccion", "straat", "via",
                 "indirizzo", "address", "anschrift")  # fmt: skip
_CITY = _words("city", "town", "ort", "stadt", "ville", "ciudad", "localidad", "plaats",
               "woonplaats", "citta", "localita")  # fmt: skip
_POSTCODE = _words("postal", "postcode", "zip", "zipcode", "postleitzahl", "plz", "cap",
                   "cp")  # fmt: skip
_REGION = _words("state", "region", "province", "provincia", "bundesland", "departement",
                 "estado", "staat", "provincie", "county")  # fmt: skip
_COUNTRY = _words("country", "land", "pays", "pais", "paese", "nazione")
_PO_BOX = ("po box", "postfach", "boite postale", "apartado", "postbus", "casella postale")
_EMAIL = _words("email", "mail", "messagerie", "correo", "courriel", "mailadres")
_GOOGLE = re.compile(
    r"(?P<kind>e mail|phone|address|website|relation|event|im|custom field|organization|"
    r"external id|location) (?P<n>\d+) (?P<part>.+)"
)


def _place(words: set[str]) -> str:
    if words & _HOME:
        return "home"
    if words & _WORK:
        return "work"
    if words & _OTHER:
        return "other"
    return ""


def _google(found: re.Match[str], header: str) -> ColumnTarget:
    """Google's numbered columns: "Phone 1 - Type" (old) or "- Label" (current) names the
    label of "Phone 1 - Value"; "Address 1 - Street" … are the parts of one address."""
    kind, part = found["kind"], found["part"]
    group = f"{kind} {found['n']}"
    if part in ("type", "label"):
        return ColumnTarget(Field.LABEL, group=group)
    if kind in ("e mail", "phone") and part == "value":
        return ColumnTarget(Field.EMAIL if kind == "e mail" else Field.PHONE, group=group)
    if kind == "address":
        parts = {
            "street": Field.STREET, "city": Field.CITY, "po box": Field.PO_BOX,
            "region": Field.REGION, "postal code": Field.POSTCODE, "country": Field.COUNTRY,
            "extended address": Field.EXTENDED,
        }  # fmt: skip
        if part in parts:
            return ColumnTarget(parts[part], group=group)
        return ColumnTarget(Field.SKIP, group=group)  # "Formatted": the same address again
    if kind == "event" and part == "value":
        return ColumnTarget(Field.DATE, group=group)
    if kind == "organization":
        named = {"name": Field.COMPANY, "title": Field.JOB_TITLE, "department": Field.DEPARTMENT}
        if part in named:
            return ColumnTarget(named[part])
    return ColumnTarget(Field.EXTRA, header, group=group)


def guess_column(header: str) -> ColumnTarget:
    """Where a column with this header goes; a header nobody knows is kept as a fact."""
    folded = _fold(header)
    if not folded:
        return ColumnTarget(Field.SKIP)
    if folded in _EXACT:
        return _EXACT[folded]
    found = _GOOGLE.fullmatch(folded)
    if found:
        return _google(found, header)
    words = set(folded.split())
    place = _place(words)
    group = place or "address"
    if any(p in folded for p in _PO_BOX):
        return ColumnTarget(Field.PO_BOX, place, group)
    if words & _EMAIL:
        return ColumnTarget(Field.EMAIL, place)
    if words & _FAX:
        return ColumnTarget(Field.PHONE, f"{place} fax".strip())
    if words & _MOBILE:
        return ColumnTarget(Field.PHONE, "mobile")
    if words & _PHONE:
        label = place or ("main" if "main" in words or "haupttelefon" in words else "")
        return ColumnTarget(Field.PHONE, label)
    for part, field in (
        (_POSTCODE, Field.POSTCODE),
        (_CITY, Field.CITY),
        (_COUNTRY, Field.COUNTRY),  # before the region: "Country/Region" is the country
        (_REGION, Field.REGION),
    ):
        if words & part or (part is _POSTCODE and "code postal" in folded):
            return ColumnTarget(field, place, group)
    if words & _STREET:
        second = bool(words & {"2", "3"})
        return ColumnTarget(Field.EXTENDED if second else Field.STREET, place, group)
    return ColumnTarget(Field.EXTRA, header.strip())


def guess_mapping(headers: list[str] | tuple[str, ...]) -> ColumnMapping:
    """The mapping guessed from a table's header row."""
    targets = [guess_column(h) for h in headers]
    # a second column for the same single field (two "Notes") is kept as a fact
    seen: set[Field] = set()
    for at, target in enumerate(targets):
        single = target.field not in {
            Field.PHONE, Field.EMAIL, Field.LABEL, Field.EXTRA, Field.SKIP, Field.NOTES,
            Field.DATE, Field.GROUPS, *ADDRESS_FIELDS,
        }  # fmt: skip
        if single and target.field in seen:
            targets[at] = ColumnTarget(Field.EXTRA, headers[at].strip())
        seen.add(target.field)
    fields = [t.field for t in targets]
    if Field.GIVEN_NAME in fields and Field.FAMILY_NAME not in fields:
        # a German or French spreadsheet's "Name" / "Nom" beside "Vorname" is the family name
        for at, target in enumerate(targets):
            if target.field is Field.FULL_NAME and _fold(headers[at]) in _FAMILY_IF_GIVEN:
                targets[at] = ColumnTarget(Field.FAMILY_NAME)
                break
    return ColumnMapping(tuple(headers), tuple(targets))
