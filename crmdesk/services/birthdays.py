"""A client's birthday, with or without its year: the one way in and out for callers that
have a `PartialDate` (an import, a sync tool, a script).

A birthday whose year is not known is kept as the day and month alone ("15 April"): no year
is ever made up for it, no age is worked out from it, and it comes round every year like any
other (see crmdesk/model/partial_date.py for how the file holds it).
"""

from __future__ import annotations

from datetime import date

from crmdesk import model
from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model.partial_date import PartialDate
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.trash import live
from crmdesk.store.database import Database

__all__ = ["PartialDate", "birthday_of", "problem", "set_birthday"]


def problem(when: PartialDate | None, today: date | None = None) -> str | None:
    """What is wrong with `when` as a birthday, or None: only a full date can be in the
    future (a day and month alone comes round every year)."""
    full = when.to_date() if when is not None else None
    if full is not None and full > (today or date.today()):
        return "The birthday is in the future; check the year."
    return None


def birthday_of(db: Database, client_id: str) -> PartialDate | None:
    """The client's birthday (its year None when not known), or None when there is none."""
    rows = db.query("SELECT birthday FROM clients WHERE id = ?", (client_id,))
    if not rows:
        raise NotFoundError(f"No client with id {client_id}.")
    return PartialDate.from_stored(rows[0][0])


def set_birthday(db: Database, client_id: str, when: PartialDate | None) -> Changes:
    """Set (or with None, clear) a client's birthday as given: a year only if `when` has
    one. One step for Undo; refused (ValidationError on "birthday") if it is in the future."""
    said = problem(when)
    if said:
        raise ValidationError({"birthday": said})
    with db.write() as w:
        gone = f"The client {client_id} is not there any more (deleted?)."
        client = live(w.session.get(model.Client, client_id), gone)
        if client.birthday != when:
            client.birthday = when
        name = client.display_name
    return from_write(f"Birthday of {name}", w)
