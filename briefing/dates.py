"""Dates known to some precision, as sources give them: a day, a month, a season, a year."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, model_validator

Precision = Literal["day", "month", "season", "year"]


_SEASONS: dict[str, int] = {"winter": 1, "spring": 3, "summer": 6, "autumn": 9, "fall": 9}
_SEASON_OF_MONTH = {
    1: "winter",
    2: "winter",
    3: "spring",
    4: "spring",
    5: "spring",
    6: "summer",
    7: "summer",
    8: "summer",
    9: "autumn",
    10: "autumn",
    11: "autumn",
    12: "winter",
}


class EventDate(BaseModel):
    """A date known to some precision: "2025-04-28", "2025-03", "autumn 2024", "2024".

    `value` is the first day of the period, so dates of any precision sort together.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    value: dt.date
    precision: Precision = "day"

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, dt.datetime):
            return {"value": data.date(), "precision": "day"}
        if isinstance(data, dt.date):
            return {"value": data, "precision": "day"}
        if isinstance(data, int):
            data = str(data)
        if isinstance(data, str):
            return cls.parse_text(data)
        return data

    @staticmethod
    def parse_text(text: str) -> dict[str, Any]:
        raw = text.strip().lower()
        if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", raw):
            return {"value": dt.date(int(m[1]), int(m[2]), int(m[3])), "precision": "day"}
        if m := re.fullmatch(r"(\d{4})-(\d{2})", raw):
            return {"value": dt.date(int(m[1]), int(m[2]), 1), "precision": "month"}
        if m := re.fullmatch(r"(winter|spring|summer|autumn|fall) (\d{4})", raw):
            return {"value": dt.date(int(m[2]), _SEASONS[m[1]], 1), "precision": "season"}
        if m := re.fullmatch(r"(\d{4})", raw):
            return {"value": dt.date(int(m[1]), 1, 1), "precision": "year"}
        raise ValueError(
            f"unreadable date {text!r}: use YYYY-MM-DD, YYYY-MM, '<season> YYYY' or YYYY"
        )

    @model_validator(mode="after")
    def _aligned(self) -> Self:
        v = self.value
        if self.precision in ("month", "season", "year") and v.day != 1:
            raise ValueError(f"a {self.precision} date must start on day 1")
        if self.precision == "year" and v.month != 1:
            raise ValueError("a year date must start in January")
        if self.precision == "season" and v.month not in (1, 3, 6, 9):
            raise ValueError("a season date must start in January, March, June or September")
        return self

    def end(self) -> dt.date:
        """The last day of the period: "2024" ends on 31 December 2024."""
        v = self.value
        months = {"day": 0, "month": 1, "season": 3, "year": 12}[self.precision]
        if self.precision == "season" and v.month == 1:
            months = 2  # winter is stored from January; it ends with February
        if months == 0:
            return v
        total = v.month - 1 + months
        year = v.year + total // 12
        if year > dt.MAXYEAR:  # a period ending on the last day there is
            return dt.date.max
        return dt.date(year, total % 12 + 1, 1) - dt.timedelta(days=1)

    def sort_key(self) -> str:
        """Orders dates so a vague one never comes before a more precise one it contains:
        by the end of the period, then the more precise first ("June 2024" before "2024")."""
        rank = ("day", "month", "season", "year").index(self.precision)
        return f"{self.end().isoformat()}:{rank}"

    @property
    def approximate(self) -> bool:
        return self.precision != "day"

    def text(self) -> str:
        """The canonical text form (round-trips through `EventDate.model_validate`)."""
        v = self.value
        match self.precision:
            case "day":
                return v.isoformat()
            case "month":
                return f"{v.year:04d}-{v.month:02d}"
            case "season":
                return f"{_SEASON_OF_MONTH[v.month]} {v.year:04d}"
            case "year":
                return f"{v.year:04d}"
