"""Satisfaction surveys: what is asked, forms handed out (each with its own code), answers
typed in from the forms or taken by phone, and the clients to call back or thank.

The Net Promoter question is always first: "How likely are you to recommend us to a
friend?" 0–10; 9–10 promoters, 7–8 passives, 0–6 detractors (services.nps).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmdesk.documents.scripts import cannot_print, unprintable
from crmdesk.errors import CrmError, NotFoundError, ValidationError
from crmdesk.model.enums import HistoryKind
from crmdesk.model.ids import now
from crmdesk.model.names import display_name
from crmdesk.services import limits
from crmdesk.services.changes import Changes, from_bulk, from_write
from crmdesk.services.date_text import moment_text
from crmdesk.services.survey_questions import (
    EXTRA_KINDS,
    MAX_EXTRA,
    Question,
    check_extra,
    describe,
)
from crmdesk.store.database import Database, Write
from crmdesk.wording import count

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crmdesk.documents.form_geometry import FormSpec
    from crmdesk.documents.survey_form import FormText

BUILTIN_ID = "5e1f0000-0000-4000-8000-000000000001"  # the same on every machine
DETRACTOR_DAYS, PROMOTER_DAYS = 2, 7  # call back within 48 hours; thank within a week
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: read off paper
FORM_SUBJECT = "Survey form"
CODE_LENGTH = 7


@dataclass(frozen=True)
class SurveyDefinition:
    nps_question: str = "How likely are you to recommend us to a friend?"
    low_label: str = "Not at all likely"
    high_label: str = "Extremely likely"
    reason_question: str = "What is the main reason for your score?"
    extra: tuple[Question, ...] = ()
    ask_contact: bool = True  # "May we contact you about your answer?"
    ask_quote: bool = True  # "May we quote you?"
    ask_referral: bool = True  # "Who else would enjoy us?"

    def to_json(self) -> str:
        data = asdict(self)
        data["extra"] = [asdict(q) for q in self.extra]
        return json.dumps(data, ensure_ascii=False)

    @staticmethod
    def from_json(text: str) -> SurveyDefinition:
        data = json.loads(text or "{}")
        extra = tuple(
            Question(q["kind"], q["text"], tuple(q.get("choices", ())))
            for q in data.pop("extra", [])
        )
        known = {k: v for k, v in data.items() if k in SurveyDefinition.__dataclass_fields__}
        return SurveyDefinition(**known, extra=extra)

    def problems(self) -> dict[str, str]:
        found = {}
        if not self.nps_question.strip():
            found["nps_question"] = "The 0–10 question needs its words."
        if len(self.extra) > MAX_EXTRA:
            found["extra"] = f"At most {MAX_EXTRA} extra questions fit on the form."
        for n, q in enumerate(self.extra, 1):
            if q.kind not in EXTRA_KINDS:
                found[f"extra{n}"] = f"Question {n}: choose rating, yes/no, one of, or text."
            elif not q.text.strip():
                found[f"extra{n}"] = f"Question {n} needs its words."
            elif q.kind == "choice" and not 2 <= len(q.choices) <= 5:
                found[f"extra{n}"] = f"Question {n}: give 2 to 5 choices."
        return found


@dataclass(frozen=True)
class SurveyRecord:
    id: str
    name: str
    definition: SurveyDefinition


BUILTIN_NAME = "How are we doing?"
BUILTIN = SurveyDefinition(
    extra=(Question("rating", "How did we do on service today? (1 = poor, 5 = excellent)"),)
)


def builtin_survey(db: Database, *, keep: bool = True) -> SurveyRecord:
    """The survey every shop starts with, with an id that is the same on every machine (so
    two copies agree on it), written in the file on first use. `keep=False` reads only (a
    window opening on it writes nothing): the first form, answer or edit that names it then
    writes it (`keep_builtin`)."""
    rows = db.query("SELECT id, name, definition FROM surveys WHERE id = ?", (BUILTIN_ID,))
    if rows:
        survey_id, name, stored = rows[0]
        return SurveyRecord(survey_id, name, SurveyDefinition.from_json(stored))
    if keep:
        with db.write() as w:
            keep_builtin(w.session)
    return SurveyRecord(BUILTIN_ID, BUILTIN_NAME, BUILTIN)


def keep_builtin(session: Session) -> None:
    """Write the built-in survey in this write, if it is not in the file yet."""
    from crmdesk import model

    if session.get(model.Survey, BUILTIN_ID) is None:
        session.add(model.Survey(id=BUILTIN_ID, name=BUILTIN_NAME, definition=BUILTIN.to_json()))
        session.flush()


def list_surveys(db: Database) -> list[SurveyRecord]:
    """The built-in survey first (written or not yet: this reads only), then the shop's
    own by name."""
    rows = db.query(
        "SELECT id, name, definition FROM surveys WHERE deleted_at IS NULL AND id <> ?"
        " ORDER BY name COLLATE NOCASE",
        (BUILTIN_ID,),
    )
    own = [SurveyRecord(survey_id, name, SurveyDefinition.from_json(definition))
           for survey_id, name, definition in rows]  # fmt: skip
    return [builtin_survey(db, keep=False), *own]


def get_survey(db: Database, survey_id: str) -> SurveyRecord:
    for survey in list_surveys(db):
        if survey.id == survey_id:
            return survey
    raise NotFoundError("That survey is not there any more.")


def find_survey(db: Database, name: str) -> SurveyRecord:
    surveys = list_surveys(db)
    for survey in surveys:
        if survey.name.casefold() == name.strip().casefold():
            return survey
    names = ", ".join(f"“{s.name}”" for s in surveys)
    raise NotFoundError(f"There is no survey called “{name}”. The surveys are {names}.")


def check_survey(name: str, definition: SurveyDefinition) -> None:
    """ValidationError (field → what to type) if the survey cannot be saved as it is."""
    problems = definition.problems()
    if not name.strip():
        problems["name"] = "Give the survey a name."
    if problems:
        raise ValidationError(problems)


def save_survey(
    db: Database, survey_id: str | None, name: str, definition: SurveyDefinition
) -> Changes:
    from crmdesk import model

    check_survey(name, definition)
    with db.write() as w:
        if survey_id == BUILTIN_ID:
            keep_builtin(w.session)
        if survey_id:
            row = w.session.get(model.Survey, survey_id)
            if row is None or row.deleted_at is not None:
                raise NotFoundError("That survey is not there any more.")
            row.name, row.definition = name.strip(), definition.to_json()
            created = None
        else:
            row = model.Survey(name=name.strip(), definition=definition.to_json())
            w.session.add(row)
            w.session.flush()
            created = row.id
    return from_write(f"Save survey “{name.strip()}”", w, created_id=created)


# ---------------------------------------------------------------------- forms


@dataclass(frozen=True)
class IssuedForm:
    code: str
    client_id: str | None
    client_name: str  # "" for a blank form


def new_code() -> str:
    """A form code: "S-" and 7 characters easy to read off paper (34 bits)."""
    return "S-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code as typed or scanned — any case, with or without "S-", spaces or dashes —
    in its printed form."""
    text = typed.strip().upper().replace(" ", "").replace("-", "")
    if len(text) == CODE_LENGTH + 1 and text.startswith("S"):
        text = text[1:]
    return f"S-{text}" if text else ""


def form_text(db: Database, survey: SurveyRecord) -> FormText:
    from crmdesk.documents.survey_form import FormText, options_of
    from crmdesk.services.shop import get_shop

    shop = get_shop(db)
    d = survey.definition
    where = ", ".join(shop.address_lines[:2])
    footer = "Thank you! Hand this form in at the counter" + (
        f" or post it to {where}." if where else "."
    )
    return FormText(
        shop_name=shop.name or "Your shop", title=survey.name, nps_question=d.nps_question,
        low_label=d.low_label, high_label=d.high_label, reason_question=d.reason_question,
        extra=tuple((q.kind, q.text, options_of(q.kind, q.choices)) for q in d.extra),
        ask_contact=d.ask_contact, ask_quote=d.ask_quote, ask_referral=d.ask_referral,
        footer=footer,
    )  # fmt: skip


@dataclass(frozen=True)
class FormRun:
    forms: list[IssuedForm]
    path: Path
    changes: Changes
    held_back: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


def print_forms(
    db: Database,
    survey: SurveyRecord,
    out: Path,
    client_ids: Sequence[str] = (),
    blank: int = 0,
    paper: str | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> FormRun:
    """Forms as one PDF (a page each): personalised for `client_ids`, or `blank` ones for
    the counter. Once the file is written the forms are recorded as issued (code → survey,
    client, date) and each client's history says a form went out. A cancel or a failure
    leaves no file and records nothing."""
    from crmdesk.documents.output import write_atomically
    from crmdesk.documents.survey_form import FormCopy, form_spec, write_forms
    from crmdesk.services.shop import get_shop

    if not client_ids and blank <= 0:
        raise ValidationError({"forms": "Choose clients, or how many blank forms to print."})
    if blank > 5000:
        raise ValidationError({"forms": "Print at most 5,000 blank forms at a time."})
    names = _names(db, client_ids)
    held_back = []
    for cid, name in list(names.items()):
        missing = unprintable(name)
        if missing:  # it would print as empty boxes
            held_back.append((name, cannot_print(missing)))
            del names[cid]
    issued = [IssuedForm(new_code(), cid, names[cid]) for cid in dict.fromkeys(client_ids)
              if cid in names]  # fmt: skip
    issued += [IssuedForm(new_code(), None, "") for _ in range(blank)]
    if not issued:
        if held_back:
            raise CrmError("No form was printed: " + "; ".join(
                f"{name}: {why}" for name, why in held_back[:5]))  # fmt: skip
        raise CrmError("None of the chosen clients is there any more.")
    text = form_text(db, survey)
    copies = [FormCopy(f.code, f.client_name) for f in issued]
    report = (lambda n: progress(n, len(copies))) if progress is not None else None
    spec = form_spec(text, paper or get_shop(db).paper)
    write_atomically(out, lambda part: write_forms(part, copies, text, spec.paper, report))
    changes = _record_forms(db, survey, issued, spec)
    return FormRun(issued, out, changes, held_back)


def _record_forms(
    db: Database, survey: SurveyRecord, issued: list[IssuedForm], spec: FormSpec
) -> Changes:
    """Each form with its code, survey, client, date, and the paper and layout it was
    printed with (so a scan of it reads however the survey is edited later)."""
    from crmdesk import model

    when = now()
    frozen = spec.to_json()
    if survey.id == BUILTIN_ID and not db.query(
        "SELECT 1 FROM surveys WHERE id = ?", (BUILTIN_ID,)
    ):
        with db.write() as w:  # (the first forms of a file: they name it)
            keep_builtin(w.session)
    with db.bulk() as bulk:
        forms = [{"code": f.code, "survey_id": survey.id, "client_id": f.client_id,
                  "issued_at": when, "paper": spec.paper, "layout": frozen,
                  "created_at": datetime.now(), "deleted_at": None}
                 for f in issued]  # fmt: skip
        form_ids = bulk.insert(model.SurveyForm.__table__, forms)
        entries = [{"client_id": f.client_id, "kind": HistoryKind.LETTER.value,
                    "direction": "out", "occurred_at": when, "subject": FORM_SUBJECT,
                    "body": f"“{survey.name}” form {f.code}", "outcome": "Printed",
                    "follow_up_on": None, "created_at": datetime.now(), "deleted_at": None,
                    "personal": False}  # a printed form is not a contact the owner made
                   for f in issued if f.client_id]  # fmt: skip
        entry_ids = bulk.insert(model.HistoryEntry.__table__, entries)
    label = f"Print {count(len(issued), 'survey form')}"
    created = {"survey_forms": form_ids, "history": entry_ids}
    return from_bulk(label, created, (f.client_id for f in issued if f.client_id))


def _names(db: Database, client_ids: Sequence[str]) -> dict[str, str]:
    rows = db.query_ids(
        "SELECT id, given_name, family_name, company FROM clients"
        " WHERE deleted_at IS NULL AND id IN ({ids})",
        client_ids,
    )
    return {cid: display_name(given, family, company) for cid, given, family, company in rows}


@dataclass(frozen=True)
class FormInfo:
    code: str
    form_id: str
    survey: SurveyRecord
    client_id: str | None
    client_name: str
    issued_at: datetime
    paper: str | None = None  # what it was printed on and with: None before migration 0013
    layout: str | None = None  # (form_geometry.FormSpec as JSON)


def look_up_form(db: Database, typed_code: str) -> FormInfo:
    """The form with this code, if it was issued and not entered yet; else a CrmError that
    says which."""
    code = normalise_code(typed_code)
    rows = db.query(
        "SELECT f.id, f.survey_id, f.client_id, f.issued_at, c.given_name, c.family_name,"
        " c.company, f.paper, f.layout, (SELECT a.answered_at FROM survey_answers AS a"
        "  WHERE a.form_id = f.id AND a.deleted_at IS NULL LIMIT 1)"
        " FROM survey_forms AS f LEFT JOIN clients AS c ON c.id = f.client_id"
        " WHERE f.code = ? AND f.deleted_at IS NULL",
        (code,),
    )
    if not rows:
        raise NotFoundError(
            f"No survey form has the code {code or '(empty)'}. Check the code printed under "
            "the QR code, or enter the answer without a code."
        )
    form_id, survey_id, client_id, issued, given, family, company, paper, frozen, answered = rows[0]
    if answered:
        when = moment_text(datetime.fromisoformat(answered))
        raise CrmError(f"Form {code} was already entered on {when}; each form counts once.")
    name = display_name(given, family, company) if client_id else ""
    return FormInfo(code, form_id, get_survey(db, survey_id), client_id, name,
                    datetime.fromisoformat(issued), paper, frozen)  # fmt: skip


@dataclass
class AnswerForm:
    score: int | None = None
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)  # question number → answer as typed
    consent_contact: bool = False
    consent_quote: bool = False
    referral_name: str = ""
    referral_phone: str = ""
    channel: str = "form"  # or phone, in person
    answered_at: datetime | None = None
    # from a scanned form: its handwriting as PNGs, part → image (services.answer_images)
    handwriting: dict[str, bytes] = field(default_factory=dict)


def score_problem(typed: str) -> str | None:
    """Why a typed score cannot be saved ("11 is not a score: a score is 0 to 10"), or
    None if it can."""
    text = typed.strip()
    if not text:
        return "Enter the score the client ticked: 0 to 10."
    if not text.isdigit() or not 0 <= int(text) <= 10:
        return f"{text} is not a score: a score is 0 to 10 (the boxes on the form)."
    return None


def record_answer(
    db: Database,
    answer: AnswerForm,
    *,
    code: str | None = None,
    client_id: str | None = None,
    survey_id: str | None = None,
) -> Changes:
    """Save an answer from a form (`code`) or taken by phone or in person (`client_id`,
    or neither for an anonymous one). Refuses unknown or already entered codes. A form
    printed for a client is that client's answer; a blank form is `client_id`'s (the name
    written on it), or anonymous. Every question the survey asks is kept (services.
    survey_questions) and written into the client's history with the score."""
    checked = check_answer(db, answer, code=code, client_id=client_id, survey_id=survey_id)
    with db.write() as w:
        created = add_answer(w, checked)
    return from_write(f"Survey answer {answer.score}/10", w, created_id=created)


@dataclass(frozen=True)
class CheckedAnswer:
    """An answer checked and ready to save (check_answer), in one write with others."""

    answer: AnswerForm
    form: FormInfo | None
    client_id: str | None
    survey: SurveyRecord
    extra_json: str


def check_answer(
    db: Database,
    answer: AnswerForm,
    *,
    code: str | None = None,
    client_id: str | None = None,
    survey_id: str | None = None,
) -> CheckedAnswer:
    """The answer as record_answer saves it, or ValidationError / CrmError saying why not."""
    problems: dict[str, str] = {}
    typed = "" if answer.score is None else str(answer.score)
    if why := score_problem(typed):
        problems["score"] = why
    problems.update(
        limits.check(
            {"reason": answer.reason.strip(), "referral_name": answer.referral_name.strip(),
             "referral_phone": answer.referral_phone.strip()},
            limits.ANSWER,
        )
    )  # fmt: skip
    form = look_up_form(db, code) if code else None
    if form is not None:
        client_id, survey = form.client_id or client_id, form.survey
    else:
        survey = get_survey(db, survey_id) if survey_id else builtin_survey(db, keep=False)
    try:
        extra = check_extra(survey.definition.extra, answer.extra)
    except ValidationError as exc:
        problems.update(exc.problems)
    if problems:
        raise ValidationError(problems)
    return CheckedAnswer(answer, form, client_id, survey, json.dumps(extra, ensure_ascii=False))


def add_answer(w: Write, checked: CheckedAnswer) -> str:
    """Save a checked answer in the write `w` (and its history entry); returns its id."""
    from crmdesk import model
    from crmdesk.services.answer_images import add_images, kept_line
    from crmdesk.services.clients import live_client

    answer, form, client_id = checked.answer, checked.form, checked.client_id
    assert answer.score is not None
    if client_id:
        live_client(w.session, client_id)
    if checked.survey.id == BUILTIN_ID:
        keep_builtin(w.session)
    row = model.SurveyAnswer(
        survey_id=checked.survey.id, form_id=form.form_id if form else None,
        client_id=client_id, answered_at=answer.answered_at or now(),
        channel=answer.channel if not form else "form", score=answer.score,
        reason=answer.reason.strip(), extra=checked.extra_json,
        consent_contact=answer.consent_contact, consent_quote=answer.consent_quote,
        referral_name=answer.referral_name.strip(),
        referral_phone=answer.referral_phone.strip(),
    )  # fmt: skip
    w.session.add(row)
    entry = None
    if client_id:
        said = describe(checked.extra_json, row.consent_contact, row.consent_quote,
                        row.referral_name, row.referral_phone)  # fmt: skip
        # an answer typed in from a form is not a contact the owner made; one taken by
        # phone or in person is
        entry = model.HistoryEntry(
            client_id=client_id, kind=HistoryKind.OTHER.value, direction="in",
            occurred_at=row.answered_at, subject=f"Survey answer: {answer.score}/10",
            body="\n".join(line for line in (row.reason, *said, kept_line(answer.handwriting))
                           if line),
            outcome=group_of(answer.score).capitalize(), personal=form is None,
        )  # fmt: skip
        w.session.add(entry)
    w.session.flush()
    if answer.handwriting:
        add_images(w, row.id, client_id, entry.id if entry else None, answer.handwriting)
    return str(row.id)


@dataclass(frozen=True)
class SavedAnswer:
    id: str
    score: int
    client_id: str | None
    client_name: str  # "" when anonymous
    channel: str  # form, phone, in person
    code: str  # the form's code ("" without a form)

    def __str__(self) -> str:
        """ "7/10 (passive) from Margaret Webber, form S-7K3M9QA"."""
        who = f"from {self.client_name}" if self.client_name else "anonymous"
        how = f"form {self.code}" if self.code else self.channel.replace("phone", "by phone")
        return f"{self.score}/10 ({group_of(self.score)}) {who}, {how}"


def get_answer(db: Database, answer_id: str) -> SavedAnswer:
    """An answer as saved: whose it is, as the database says."""
    rows = db.query(
        "SELECT a.id, a.score, a.client_id, c.given_name, c.family_name, c.company, a.channel,"
        " coalesce(f.code, '') FROM survey_answers AS a"
        " LEFT JOIN clients AS c ON c.id = a.client_id"
        " LEFT JOIN survey_forms AS f ON f.id = a.form_id WHERE a.id = ?",
        (answer_id,),
    )
    if not rows:
        raise NotFoundError("That survey answer is not there any more.")
    aid, score, cid, given, family, company, channel, code = rows[0]
    name = display_name(given, family, company) if cid else ""
    return SavedAnswer(aid, score, cid, name, channel, code)


def group_of(score: int) -> str:
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


# ---------------------------------------------------------------------- closing the loop


@dataclass(frozen=True)
class FollowUp:
    answer_id: str
    client_id: str
    client_name: str
    score: int
    reason: str
    answered_at: datetime
    due_at: datetime
    action: str  # "call back" (detractor) or "thank and ask for a referral" (promoter)

    def overdue(self, at: datetime) -> bool:
        return at > self.due_at


# An answer is followed up once a contact the owner made *to* the client is logged after it
# (to the minute: the contact dialog records minutes, an answer is saved to the second). A
# letter printed for many clients at once or a printed survey form is not one (personal = 0).
_OPEN = """
SELECT a.id, a.client_id, c.given_name, c.family_name, c.company, a.score, a.reason,
       a.answered_at
FROM survey_answers AS a JOIN clients AS c ON c.id = a.client_id
WHERE a.deleted_at IS NULL AND c.deleted_at IS NULL AND (a.score <= 6 OR a.score >= 9)
  AND NOT EXISTS (
      SELECT 1 FROM history AS h
      WHERE h.client_id = a.client_id AND h.deleted_at IS NULL AND h.direction = 'out'
        AND h.occurred_at >= strftime('%Y-%m-%d %H:%M', a.answered_at) AND h.personal)
"""


def follow_ups(db: Database, client_ids: Collection[str] | None = None) -> list[FollowUp]:
    """Detractors to call back within 48 hours (first), then promoters to thank and ask for
    a referral or a review within 7 days, each the oldest first; logging a contact with
    them closes the item. With `client_ids`, only theirs."""
    rows = (
        db.query(_OPEN)
        if client_ids is None
        else db.query_each(_OPEN + " AND a.client_id = :id", client_ids)
    )
    found = []
    for aid, cid, given, family, company, score, reason, answered in rows:
        at = datetime.fromisoformat(answered)
        detractor = score <= 6
        due = at + timedelta(days=DETRACTOR_DAYS if detractor else PROMOTER_DAYS)
        action = "call back" if detractor else "thank and ask for a referral or a review"
        found.append(FollowUp(aid, cid, display_name(given, family, company), score, reason,
                              at, due, action))  # fmt: skip
    found.sort(key=lambda f: (f.score > 6, f.answered_at, f.answer_id))
    return found


def close_the_loop_rate(db: Database) -> tuple[int, int]:
    """(followed up, to follow up) over every detractor and promoter answer of a client."""
    total = db.query(
        "SELECT count(*) FROM survey_answers AS a JOIN clients AS c ON c.id = a.client_id"
        " WHERE a.deleted_at IS NULL AND c.deleted_at IS NULL AND (a.score <= 6 OR a.score >= 9)"
    )[0][0]
    return int(total) - len(follow_ups(db)), int(total)
