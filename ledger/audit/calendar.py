"""The working-day calendar: when a period's last day is a rest day (民法典 art. 203).

A period counted as a start plus a number of days whose last day falls on a
rest day ends on the next working day instead (中华人民共和国民法典 art. 203
para. 1: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日).
Rest days follow the State Council's yearly holiday arrangement (国务院办公厅
关于部分节假日安排的通知), 调休 included: a Saturday or Sunday made a working day is
a working day, a weekday made a holiday is a rest day.

The arrangement comes from the maintained ``chinese-calendar`` package
(PyPI ``chinesecalendar``, 1.11 covers 2004–2026), plus a user file that can
add a year before the package is updated, or correct a day.  A year that
neither covers has only Saturdays and Sundays as rest days, and the audit
says so (:attr:`WorkCalendar.uncovered`, ``sources.calendar.weekends_only``).

User file: UTF-8 CSV with the header ``date,type`` (a ``note`` column and
further columns allowed and ignored); ``date`` is ``YYYY-MM-DD``, ``type`` is
``rest`` (休: a holiday, or a weekday made a rest day) or ``work`` (班: a
weekend made a working day).  Every year with at least one row counts as
covered: in it, rest days are the weekends and the ``rest`` rows, less the
``work`` rows.  For a year the package covers, the file's rows override the
package's for the days they name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from ledger.audit.results import CalendarInfo, CalendarSource
from ledger.audit.tablefile import dated_rows
from ledger.errors import BadInput

__all__ = [
    "WorkCalendar",
    "fresh_calendar",
    "load_calendar",
    "packaged_calendar",
    "parse_calendar_csv",
]

_PACKAGE = "chinesecalendar"
_TYPES = {"rest": True, "休": True, "work": False, "班": False}
_ONE = dt.timedelta(days=1)


@dataclass(slots=True)
class WorkCalendar:
    """Rest days by the State Council's arrangement for the covered years, weekends elsewhere.

    ``uncovered`` collects every year outside the coverage that a date was
    looked up in (so the audit can say it used weekends only there).
    """

    overrides: dict[dt.date, bool]
    """Day -> is a rest day, for days the arrangement names (holidays, 调休 working days)."""
    info: CalendarInfo
    covered: frozenset[int]
    uncovered: set[int] = field(default_factory=set)
    ends: dict[dt.date, dt.date] = field(default_factory=dict)
    """Memo of :meth:`period_end` (an audit asks for the same few thousand days again and again)."""

    def is_rest(self, day: dt.date) -> bool:
        """Whether ``day`` is a rest day (a weekend not made a working day, or a holiday)."""
        if day.year not in self.covered:
            self.uncovered.add(day.year)
            return day.weekday() >= 5
        rest = self.overrides.get(day)
        return day.weekday() >= 5 if rest is None else rest

    def period_end(self, day: dt.date) -> dt.date:
        """``day`` as a period's last day: moved to the next working day while it is a rest day.

        民法典 art. 203 (2020): 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日.
        """
        hit = self.ends.get(day)
        if hit is None:
            hit = day
            while self.is_rest(hit):
                hit += _ONE
            self.ends[day] = hit
        return hit

    def add_days(self, start: dt.date, days: int) -> dt.date:
        """The last day of a period of ``days`` days from ``start``, moved off a rest day."""
        return self.period_end(start + dt.timedelta(days=days))


def _package_rows() -> tuple[dict[dt.date, bool], str]:
    from chinese_calendar import constants

    rows: dict[dt.date, bool] = {}
    for day in constants.holidays:
        rows[day] = True
    for day in constants.workdays:
        rows[day] = False
    try:
        version = metadata.version(_PACKAGE)
    except metadata.PackageNotFoundError:  # pragma: no cover - installed another way
        version = "unknown"
    return rows, f"chinese-calendar {version}"


def _years(rows: dict[dt.date, bool]) -> tuple[int, ...]:
    return tuple(sorted({d.year for d in rows}))


def _build(
    rows: dict[dt.date, bool], sources: tuple[CalendarSource, ...], years: set[int]
) -> WorkCalendar:
    covered = tuple(sorted(years))
    info = CalendarInfo(" + ".join(s.source for s in sources), sources, covered)
    return WorkCalendar(rows, info, frozenset(covered))


def packaged_calendar() -> WorkCalendar:
    """The calendar of the installed ``chinese-calendar`` package alone."""
    rows, name = _package_rows()
    years = _years(rows)
    return _build(dict(rows), (CalendarSource(name, None, years),), set(years))


def parse_calendar_csv(data: bytes, source: str) -> dict[dt.date, bool]:
    """Parse a user calendar file; :class:`BadInput` naming ``source``, line and column."""
    rows: dict[dt.date, bool] = {}
    for line, day, cells in dated_rows(data, source, ("date", "type"), "日期", "calendar"):
        kind = cells.get("type", "")
        if kind not in _TYPES:
            raise BadInput(
                f"{source}:{line}：type 列 {kind!r} 须为 rest（休）或 work（班）"
                f"（{source}:{line}: column type: {kind!r} must be rest or work)"
            )
        rows[day] = _TYPES[kind]
    return rows


def fresh_calendar(cal: WorkCalendar | None) -> WorkCalendar:
    """A copy of ``cal`` (the packaged calendar when None) with no uncovered years noted yet,
    so that an audit reports only the years it looked up itself."""
    if cal is None:
        return packaged_calendar()
    return WorkCalendar(cal.overrides, cal.info, cal.covered)


def load_calendar(path: str | Path | None = None) -> WorkCalendar:
    """The packaged calendar, extended by a user file (its years added, its days overriding)."""
    base = packaged_calendar()
    if path is None:
        return base
    name = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BadInput(
            f"{name}：无法读取节假日文件（{name}: cannot read the calendar file: {exc.strerror})"
        ) from exc
    user = parse_calendar_csv(data, name)
    rows = dict(base.overrides)
    rows.update(user)
    user_source = CalendarSource(name, hashlib.sha256(data).hexdigest(), _years(user))
    return _build(rows, (*base.info.sources, user_source), set(base.covered) | set(_years(user)))
