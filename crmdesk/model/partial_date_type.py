"""The column type of a birthday: a `PartialDate` as text in a DATE column (see
model.partial_date for why "1980-04-15" and "XXXX-04-15")."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Dialect
from sqlalchemy.types import TypeDecorator, UserDefinedType

from crmdesk.model.partial_date import PartialDate


class _DateColumn(UserDefinedType[str]):
    """The column as the file declares it (DATE, as every file already has it)."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "DATE"


class PartialDateType(TypeDecorator[PartialDate]):
    """A `PartialDate` in a DATE column, as text: "1980-04-15" or "XXXX-04-15"."""

    impl = _DateColumn
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, date):  # a full date: a birthday whose year is known
            value = PartialDate.of(value)
        if not isinstance(value, PartialDate):
            raise TypeError(f"a birthday is a PartialDate, not {type(value).__name__}")
        return value.stored()

    def process_result_value(self, value: Any, dialect: Dialect) -> PartialDate | None:
        return PartialDate.from_stored(value)
