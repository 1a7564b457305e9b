"""The questions a survey asks besides the 0–10 one, and what an answer to them holds:
checked as typed in from the paper, stored with the question's words (so an answer still
reads the same after the survey is edited), and put back into words for the client's
history and the survey results."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crmdesk.errors import ValidationError

EXTRA_KINDS = ("rating", "yesno", "choice", "text")
MAX_EXTRA = 3  # what fits on one page with the rest
MAX_TEXT = 2000  # a free-text answer: more than the box on paper holds
_YES, _NO = {"y", "yes", "true", "1"}, {"n", "no", "false", "0"}


@dataclass(frozen=True)
class Question:
    kind: str  # rating (1-5), yesno, choice, text
    text: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtraAnswer:
    number: int  # 1..3, the question's place on the form
    question: str  # the words the form asked
    answer: str  # as shown: "4 of 5", "Yes", "Peonies", the text written

    def __str__(self) -> str:
        return f"{self.question} — {self.answer}"


def check_extra(
    questions: Sequence[Question], typed: Mapping[str, object]
) -> dict[str, dict[str, object]]:
    """The extra answers to store: question number ("1".."3") → {"question", "answer"}.

    `typed` holds the answers as typed in, by question number: a rating 1–5, yes or no, one
    of the choices (any case) or its number, free text. An empty answer (the question was
    left blank on paper) is left out. A wrong one raises ValidationError naming the field
    ("extra1")."""
    stored: dict[str, dict[str, object]] = {}
    problems: dict[str, str] = {}
    unknown = sorted(set(typed) - {str(n) for n in range(1, len(questions) + 1)})
    if unknown:
        problems["extra"] = f"This survey has no question {', '.join(unknown)}."
    for n, q in enumerate(questions, 1):
        raw = typed.get(str(n))
        text = "" if raw is None else str(raw).strip()
        if not text:
            continue
        value: object = text
        if q.kind == "rating":
            if not (text.isdigit() and 1 <= int(text) <= 5):
                problems[f"extra{n}"] = f"Question {n} is a rating: type 1 to 5, or leave it empty."
                continue
            value = int(text)
        elif q.kind == "yesno":
            if isinstance(raw, bool):
                text = "yes" if raw else "no"
            if text.casefold() not in _YES | _NO:
                problems[f"extra{n}"] = f"Question {n}: type yes or no, or leave it empty."
                continue
            value = "Yes" if text.casefold() in _YES else "No"
        elif q.kind == "choice":
            by_name = {c.casefold(): c for c in q.choices}
            if text.isdigit() and 1 <= int(text) <= len(q.choices):
                value = q.choices[int(text) - 1]
            elif text.casefold() in by_name:
                value = by_name[text.casefold()]
            else:
                problems[f"extra{n}"] = (
                    f"Question {n}: choose one of {', '.join(q.choices)}, or leave it empty."
                )
                continue
        elif len(text) > MAX_TEXT:
            problems[f"extra{n}"] = f"Question {n}: at most {MAX_TEXT:,} characters."
            continue
        stored[str(n)] = {"question": q.text, "answer": value}
    if problems:
        raise ValidationError(problems)
    return stored


def read_extra(stored: str) -> list[ExtraAnswer]:
    """The extra answers as saved (survey_answers.extra), in the order of the form."""
    try:
        data = json.loads(stored or "{}")
    except ValueError:
        return []
    found = []
    for key, item in data.items() if isinstance(data, dict) else ():
        if not (isinstance(item, dict) and str(key).isdigit()):
            continue
        value = item.get("answer")
        rating = isinstance(value, int) and not isinstance(value, bool)
        shown = f"{value} of 5" if rating else str(value)
        found.append(ExtraAnswer(int(key), str(item.get("question", f"Question {key}")), shown))
    return sorted(found, key=lambda a: a.number)


def describe(
    extra: str,
    consent_contact: bool,
    consent_quote: bool,
    referral_name: str,
    referral_phone: str,
) -> list[str]:
    """Everything an answer holds besides its score and reason, a line each, in the order
    of the form: the extra questions, the consents given, who else would enjoy us."""
    lines = [str(a) for a in read_extra(extra)]
    if consent_contact:
        lines.append("May contact them about their answer")
    if consent_quote:
        lines.append("May quote them")
    referral = ", ".join(p for p in (referral_name.strip(), referral_phone.strip()) if p)
    if referral:
        lines.append(f"Who else would enjoy us: {referral}")
    return lines
