"""Complaints as cases: opened, worked on, resolved — and how long that took.

A complaint resolved quickly and well often makes a more loyal client than one who never
had a problem; an open one that sits for more than 48 hours is how clients are lost.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from crmdesk.errors import NotFoundError, ValidationError
from crmdesk.model.ids import now
from crmdesk.model.names import display_name
from crmdesk.services import limits
from crmdesk.services.changes import Changes, from_write
from crmdesk.services.clients import live_client
from crmdesk.services.trash import live, soft_delete
from crmdesk.store.database import Database

CHANNELS = ("in person", "phone", "email", "letter", "survey", "online review")
CATEGORIES = ("product", "service", "waiting time", "delivery", "price or bill", "staff", "other")
SEVERITIES = ("low", "medium", "high")
STATUSES = ("open", "in progress", "resolved")
STANDS_OUT_AFTER = timedelta(hours=48)  # an open case older than this is shown in red
APOLOGY_TEMPLATE = "Apology after a complaint"
_MISSING = "That complaint is not there any more."


@dataclass
class ComplaintForm:
    description: str = ""
    channel: str = "in person"
    category: str = "service"
    severity: str = "medium"
    status: str = "open"
    resolution: str = ""
    opened_at: datetime | None = None  # None: now
    resolved_at: datetime | None = None  # None when resolving: now


@dataclass(frozen=True)
class ComplaintRecord:
    id: str
    client_id: str
    client_name: str
    opened_at: datetime
    channel: str
    category: str
    description: str
    severity: str
    status: str
    resolution: str
    resolved_at: datetime | None

    def age(self, at: datetime) -> timedelta:
        """How long it has been open (or took, once resolved)."""
        return (self.resolved_at or at) - self.opened_at

    def stands_out(self, at: datetime) -> bool:
        return self.status != "resolved" and self.age(at) > STANDS_OUT_AFTER

    def to_form(self) -> ComplaintForm:
        return ComplaintForm(
            self.description,
            self.channel,
            self.category,
            self.severity,
            self.status,
            self.resolution,
            self.opened_at,
            self.resolved_at,
        )


def describe_age(age: timedelta) -> str:
    """ "3 h", "2 days 4 h", "12 days": how long a case has been open."""
    hours = int(age.total_seconds() // 3600)
    if hours < 1:
        return f"{max(0, int(age.total_seconds() // 60))} min"
    if hours < 48:
        return f"{hours} h"
    days, rest = divmod(hours, 24)
    return f"{days} days" + (f" {rest} h" if days < 7 and rest else "")


def _check(form: ComplaintForm) -> dict[str, Any]:
    problems = {}
    if not form.description.strip():
        problems["description"] = "Say what the complaint is about."
    problems.update(
        limits.check(
            {"description": form.description.strip(), "category": form.category.strip(),
             "resolution": form.resolution.strip()},
            limits.COMPLAINT,
        )
    )  # fmt: skip
    if form.channel not in CHANNELS:
        problems["channel"] = f"Choose how it came in: {', '.join(CHANNELS)}."
    if form.severity not in SEVERITIES:
        problems["severity"] = "Severity is low, medium or high."
    if form.status not in STATUSES:
        problems["status"] = "Status is open, in progress or resolved."
    opened = form.opened_at or now()
    resolved = None
    if form.status == "resolved":
        if not form.resolution.strip():
            problems["resolution"] = "Say how it was put right before marking it resolved."
        resolved = form.resolved_at or now()
        if resolved < opened:
            problems["resolved_at"] = "It cannot be resolved before it was opened."
    if problems:
        raise ValidationError(problems)
    return {
        "description": form.description.strip(),
        "channel": form.channel,
        "category": form.category.strip() or "other",
        "severity": form.severity,
        "status": form.status,
        "resolution": form.resolution.strip(),
        "opened_at": opened,
        "resolved_at": resolved,
    }


def open_complaint(db: Database, client_id: str, form: ComplaintForm) -> Changes:
    from crmdesk import model

    values = _check(form)
    with db.write() as w:
        live_client(w.session, client_id)
        row = model.Complaint(client_id=client_id, **values)
        w.session.add(row)
        w.session.flush()
        created = row.id
    return from_write("Record complaint", w, created_id=created)


def update_complaint(db: Database, complaint_id: str, form: ComplaintForm) -> Changes:
    from crmdesk import model

    values = _check(form)
    with db.write() as w:
        row = live(w.session.get(model.Complaint, complaint_id), _MISSING)
        was_resolved = row.status == "resolved"
        if was_resolved and values["status"] == "resolved" and form.resolved_at is None:
            values["resolved_at"] = row.resolved_at  # editing a resolved case keeps its date
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    label = (
        "Resolve complaint"
        if values["status"] == "resolved" and not was_resolved
        else ("Edit complaint")
    )
    return from_write(label, w)


def delete_complaint(db: Database, complaint_id: str) -> Changes:
    from crmdesk import model

    with db.write() as w:
        soft_delete(live(w.session.get(model.Complaint, complaint_id), _MISSING))
    return from_write("Delete complaint", w)


_COLUMNS = """
SELECT k.id, k.client_id, c.given_name, c.family_name, c.company, k.opened_at, k.channel,
       k.category, k.description, k.severity, k.status, k.resolution, k.resolved_at
FROM complaints AS k JOIN clients AS c ON c.id = k.client_id
"""


def _record(row: Any) -> ComplaintRecord:
    (complaint_id, client_id, given, family, company, opened, channel, category, description,
     severity, status, resolution, resolved) = row  # fmt: skip
    return ComplaintRecord(
        complaint_id,
        client_id,
        display_name(given, family, company),
        datetime.fromisoformat(opened),
        channel,
        category,
        description,
        severity,
        status,
        resolution,
        datetime.fromisoformat(resolved) if resolved else None,
    )


def get_complaint(db: Database, complaint_id: str) -> ComplaintRecord:
    rows = db.query(_COLUMNS + " WHERE k.id = ? AND k.deleted_at IS NULL", (complaint_id,))
    if not rows:
        raise NotFoundError("That complaint is not there any more.")
    return _record(rows[0])


def complaints_of(db: Database, client_id: str) -> list[ComplaintRecord]:
    """A client's complaints, open ones first, newest first."""
    rows = db.query(
        _COLUMNS + " WHERE k.client_id = ? AND k.deleted_at IS NULL"
        " ORDER BY k.status = 'resolved', k.opened_at DESC",
        (client_id,),
    )
    return [_record(r) for r in rows]


def open_cases(
    db: Database, limit: int | None = None, client_ids: Collection[str] | None = None
) -> tuple[list[ComplaintRecord], int]:
    """Cases not resolved yet, oldest first (the longest waiting at the top); and how many.
    With `client_ids`, only theirs."""
    where = " WHERE k.status IN ('open', 'in progress') AND k.deleted_at IS NULL"
    where += " AND c.deleted_at IS NULL"
    if client_ids is not None:
        rows = db.query_each(_COLUMNS + where + " AND k.client_id = :id", client_ids)
    else:
        limited = " LIMIT :limit" if limit is not None else ""
        rows = db.query(_COLUMNS + where + " ORDER BY k.opened_at, k.id" + limited,
                        {"limit": limit})  # fmt: skip
    found = sorted((_record(r) for r in rows), key=lambda k: (k.opened_at, k.id))
    if limit is None:
        return found, len(found)
    [(total,)] = db.query(
        f"SELECT count(*) FROM complaints AS k JOIN clients AS c ON c.id = k.client_id{where}"
    )
    return found[:limit], int(total)


@dataclass(frozen=True)
class ResolutionTimes:
    resolved: int
    median_hours: float | None
    mean_hours: float | None
    within_48h: int  # how many were resolved within 48 hours

    @property
    def within_48h_share(self) -> float | None:
        return self.within_48h / self.resolved if self.resolved else None


def resolution_times(
    db: Database, since: datetime | None = None, until: datetime | None = None
) -> ResolutionTimes:
    """Time to resolve the cases resolved in [since, until)."""
    sql = (
        "SELECT (julianday(resolved_at) - julianday(opened_at)) * 24 FROM complaints"
        " WHERE status = 'resolved' AND deleted_at IS NULL AND resolved_at IS NOT NULL"
    )
    params: list[object] = []
    if since is not None:
        sql += " AND resolved_at >= ?"
        params.append(since.isoformat(" "))
    if until is not None:
        sql += " AND resolved_at < ?"
        params.append(until.isoformat(" "))
    hours = [float(taken) for (taken,) in db.query(sql, params)]
    if not hours:
        return ResolutionTimes(0, None, None, 0)
    return ResolutionTimes(
        len(hours),
        statistics.median(hours),
        statistics.fmean(hours),
        sum(1 for h in hours if h <= 48),
    )
