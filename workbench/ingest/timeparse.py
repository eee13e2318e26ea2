"""Turn exported timestamps into UTC.

Accepted: epoch seconds, milliseconds or microseconds (numbers or digit strings, told apart by size);
ISO 8601 with an offset or Z; Twitter v1's "Wed Oct 10 20:19:24 +0000 2018"; naive date-times in the
common export layouts (ISO, "2012-09-16 15:05:11", "10/1/2016 19:38", "2012年09月16日 15:05"), which
need an explicit time zone. Values that parse to before 1990 or after 2100 are treated as absurd.

Dates written with slashes ("01/06/2025") are month first, as US exports write them, unless the column
shows otherwise (`TimeEvidence.order`): a date valid only day first ("13/06/2025") is evidence for that
order, one valid only month first ("06/13/2025") for the other. Day first is chosen when at least two
dates show it and they outnumber the month-first ones ten to one; month first when nothing says day first,
or month-first dates outnumber them ten to one (a stray "13/1/2016" among US dates is then a row to
quarantine, not a reason to re-date the rest). Otherwise the ambiguous dates (both numbers 12 or less, and
different) are quarantined, since either reading may be wrong, and each unambiguous one is read in its own
order. What a file's earlier batches showed (`TimeEvidence`) holds for its later ones: the order,
and whether times carry an offset (a time without one among them is then a row to quarantine, not a
reason to refuse the file). Dates that read either way are read in the order the evidence so far shows; when
a later batch shows the other order, they cannot be read again and the file is refused with a message
(nothing stored), never dated two ways. A user who knows the order says so (`--option date_order=day_first` or
`month_first`): then no date is judged ambiguous.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from workbench.errors import InputFileError

EARLIEST = dt.datetime(1990, 1, 1)
LATEST = dt.datetime(2100, 1, 1)

AWARE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
    "%a %b %d %H:%M:%S %z %Y",
)
NAIVE_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y-%m-%d",
)
UTC = pl.Datetime("us", "UTC")
DATE_ORDERS = ("month_first", "day_first")  # (TimeEvidence.order also gives "mixed")
_SLASH_DATE = r"^(\d{1,2})/(\d{1,2})/\d{4}"


@dataclass
class TimeEvidence:
    """What the batches of one time column read so far showed (one per file and column)."""

    offsets_seen: bool = False  # some times carried a UTC offset
    day_first: int = 0  # slash dates valid only day first
    month_first: int = 0  # slash dates valid only month first
    given: str | None = None  # the order the user gave (DATE_ORDERS), which the dates do not overrule
    read_ambiguous_as: str | None = None  # the order earlier batches read dates that read either way in
    rows_seen: int = 0  # rows of the earlier batches (to name where a later one changed the order)

    def order(self) -> str:
        """"month_first", "day_first" or "mixed" (see the module)."""
        if self.given is not None:
            return self.given
        if self.day_first >= 2 and self.day_first >= 10 * self.month_first:
            return "day_first"
        if self.day_first == 0 or self.month_first >= 10 * self.day_first:
            return "month_first"
        return "mixed"


def _day_first(fmt: str) -> str:
    return fmt.replace("%m/%d/", "%d/%m/")


def _epoch_to_utc(numbers: pl.Series) -> pl.Series:
    """Epoch numbers to naive UTC datetimes; magnitude decides the unit (s, ms or us)."""
    values = numbers.cast(pl.Float64, strict=False)
    micros = (
        pl.when(values.abs() >= 1e14).then(values)
        .when(values.abs() >= 1e11).then(values * 1_000)
        .otherwise(values * 1_000_000)
    )
    frame = pl.DataFrame({"v": values}).select(
        micros.round(0).cast(pl.Int64, strict=False).cast(pl.Datetime("us")).alias("t")
    )
    return frame["t"]


def _localise(naive: pl.Series, timezone: str) -> tuple[pl.Series, pl.Series]:
    """(UTC times, unclear): local times in `timezone` as UTC, null where a clock change skips the local time
    (spring) or repeats it (autumn). Neither is guessed: an hour's error would make or break coordination
    within a minute. `unclear` marks those rows."""
    if timezone == "UTC":  # no clock changes: one pass (the default of most presets)
        return naive.dt.replace_time_zone("UTC"), pl.Series([False] * naive.len(), dtype=pl.Boolean)
    earliest = naive.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC")
    latest = naive.dt.replace_time_zone(timezone, ambiguous="latest", non_existent="null").dt.convert_time_zone("UTC")
    unclear = (naive.is_not_null() & (earliest.is_null() | (earliest != latest))).fill_null(False)
    return earliest.zip_with(~unclear, pl.Series([None] * naive.len(), dtype=earliest.dtype)), unclear


def _first_bad(values: pl.Series, mask: pl.Series) -> str:
    bad = values.filter(mask)
    return repr(bad[0])[:80] if bad.len() else ""


def parse_times(values: pl.Series, column: str, timezone: str | None = None, path: str = "",
                evidence: TimeEvidence | None = None) -> tuple[pl.Series, pl.Series]:
    """Parse a column of timestamps.

    Returns (created_at as naive UTC Datetime[us], reason) where reason is null for good values and says
    what is wrong otherwise. Raises InputFileError when the column holds times without a zone and no
    `timezone` was given (and no earlier batch of the file had an offset): that is a decision for the user,
    not a per-row problem. evidence: what earlier batches of this column showed; updated in place.
    """
    evidence = evidence if evidence is not None else TimeEvidence()
    dtype = values.dtype
    naive_seen = pl.Series([False] * values.len(), dtype=pl.Boolean)
    ambiguous = pl.Series([False] * values.len(), dtype=pl.Boolean)
    unclear = pl.Series([False] * values.len(), dtype=pl.Boolean)
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is None:
            if timezone is None:
                raise InputFileError(
                    f"{path}: column {column!r} holds times without a time zone; pass --timezone "
                    "(for example UTC or Asia/Shanghai) to say which zone they are in"
                )
            parsed, unclear = _localise(values.cast(pl.Datetime("us")), timezone)
        else:
            parsed = values.dt.convert_time_zone("UTC").cast(UTC)
    elif dtype == pl.Date:
        parsed, unclear = _localise(values.cast(pl.Datetime("us")), timezone or "UTC")
    elif dtype.is_numeric():
        parsed = _epoch_to_utc(values).dt.replace_time_zone("UTC")
    else:
        text = values.cast(pl.String).str.strip_chars()
        is_number = text.str.contains(r"^-?\d+(\.\d+)?$")
        parsed = pl.Series([None] * values.len(), dtype=UTC)
        numbers = text.filter(is_number)
        if numbers.len():
            epoch = _epoch_to_utc(text.zip_with(is_number, pl.Series([None] * values.len(), dtype=pl.String)))
            parsed = epoch.dt.replace_time_zone("UTC")
        for fmt in AWARE_FORMATS:
            missing = parsed.is_null() & text.is_not_null()
            if not missing.any():
                break
            candidate = text.str.strptime(UTC, fmt, strict=False)
            parsed = parsed.fill_null(candidate)
        evidence.offsets_seen |= bool(parsed.is_not_null().any())
        slash = text.str.extract_groups(_SLASH_DATE)
        first = slash.struct.field("1").cast(pl.Int32, strict=False)
        second = slash.struct.field("2").cast(pl.Int32, strict=False)
        small, large = first.is_between(1, 12), first.is_between(13, 31)
        evidence.day_first += int((large & second.is_between(1, 12)).sum())
        evidence.month_first += int((small & second.is_between(13, 31)).sum())
        formats = list(NAIVE_FORMATS)
        slash_formats = [f for f in formats if "%m/%d/" in f]
        order = evidence.order()
        either_way = ((first <= 12) & (second <= 12) & (first != second) & parsed.is_null()).fill_null(False)
        if evidence.read_ambiguous_as == "mixed":
            order = "mixed"  # earlier batches quarantined such dates: so do the later ones, whatever they show
        elif evidence.read_ambiguous_as not in (None, order):
            # Earlier batches read dates that read either way in one order; this batch's dates show another.
            # They cannot be read again: the file is refused (nothing stored) rather than dated two ways.
            shown = {"month_first": "month first", "day_first": "day first", "mixed": "both orders"}
            raise InputFileError(
                f"{path}: column {column!r}: dates that read either way (day and month both 12 or less) were read "
                f"{shown[evidence.read_ambiguous_as]} in the first {evidence.rows_seen:,} rows, but later dates show "
                f"{shown[order]}; pass --option date_order=day_first or month_first to say which order the file uses")
        if bool(either_way.any()) and evidence.given is None:
            evidence.read_ambiguous_as = order
        evidence.rows_seen += values.len()
        if order == "day_first":
            formats = [_day_first(f) if f in slash_formats else f for f in formats]
        elif order == "mixed":  # both orders: each unambiguous date in its own, the others quarantined
            formats += [_day_first(f) for f in slash_formats]
            ambiguous = either_way
        naive = pl.Series([None] * values.len(), dtype=pl.Datetime("us"))
        for fmt in formats:
            missing = parsed.is_null() & naive.is_null() & text.is_not_null()
            if not missing.any():
                break
            naive = naive.fill_null(text.str.strptime(pl.Datetime("us"), fmt, strict=False))
        naive = naive.zip_with(~ambiguous, pl.Series([None] * values.len(), dtype=pl.Datetime("us")))
        naive_seen = naive.is_not_null() & parsed.is_null()
        if naive_seen.any():
            if timezone is None:
                if not evidence.offsets_seen:
                    # No time in this batch has an offset: the file's times are naive, a decision for the user.
                    example = _first_bad(text, naive_seen)
                    raise InputFileError(
                        f"{path}: column {column!r} holds times without a UTC offset (for example {example}); "
                        "pass --timezone (for example UTC or Asia/Shanghai) to say which zone they are in"
                    )
                # Some times have an offset and some do not: the ones without are rows to quarantine.
                utc = parsed.dt.replace_time_zone(None).cast(pl.Datetime("us"))
                return utc, _reasons(values, utc, column, naive_seen, ambiguous)
            local, unclear = _localise(naive, timezone)
            unclear = unclear & parsed.is_null()
            parsed = parsed.fill_null(local)
    utc = parsed.dt.replace_time_zone(None).cast(pl.Datetime("us"))
    if not (utc.is_null() | (utc < EARLIEST) | (utc >= LATEST)).any():  # ambiguous and unclear rows are null
        return utc, pl.repeat(None, utc.len(), dtype=pl.String, eager=True).alias("reason")
    return utc, _reasons(values, utc, column, ambiguous=ambiguous, clock_change=(unclear, timezone or "UTC"))


def _reasons(values: pl.Series, utc: pl.Series, column: str, naive: pl.Series | None = None,
             ambiguous: pl.Series | None = None, clock_change: tuple[pl.Series, str] | None = None) -> pl.Series:
    """Why each time could not be loaded (null where it could)."""
    original = values.cast(pl.String, strict=False)
    no = pl.repeat(False, utc.len(), eager=True)
    frame = pl.DataFrame({"t": utc, "raw": original, "naive": naive if naive is not None else no,
                          "ambiguous": ambiguous if ambiguous is not None else no,
                          "clock": clock_change[0] if clock_change is not None else no})
    zone = clock_change[1] if clock_change is not None else ""
    return frame.select(
        pl.when(pl.col("raw").is_null() | (pl.col("raw").str.strip_chars() == ""))
        .then(pl.lit(f"missing {column}"))
        .when(pl.col("clock"))
        .then(pl.lit(f"local time in {column} that a clock change in {zone} skips or repeats, so its UTC time is not "
                     "known: ") + pl.col("raw").str.slice(0, 60))
        .when(pl.col("ambiguous"))
        .then(pl.lit(f"ambiguous date in {column}: the column's dates do not settle whether the day or the month "
                     "comes first, and this one reads either way (if you know, pass --option date_order=day_first "
                     "or month_first): ") + pl.col("raw").str.slice(0, 60))
        .when(pl.col("naive"))
        .then(pl.lit(f"time without a UTC offset in {column}, among times with one (pass --timezone to load it): ")
              + pl.col("raw").str.slice(0, 60))
        .when(pl.col("t").is_null())
        .then(pl.lit(f"unparseable time in {column}: ") + pl.col("raw").str.slice(0, 60))
        .when((pl.col("t") < EARLIEST) | (pl.col("t") >= LATEST))
        .then(pl.lit(f"absurd time in {column} (outside 1990-2100): ") + pl.col("raw").str.slice(0, 60))
        .otherwise(None)
        .alias("reason")
    )["reason"]


def check_timezone(name: str) -> str:
    """`name` when it is a time zone this machine knows (IANA names such as Asia/Shanghai, or UTC); else an
    error naming the closest known zones."""
    import difflib
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(name)
        return name
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        pass
    zones = sorted(zoneinfo.available_timezones() | {"UTC"})
    lowered = {zone.lower(): zone for zone in zones}
    if name.lower() in lowered:
        close = [lowered[name.lower()]]
    else:
        close = difflib.get_close_matches(name, zones, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; use an IANA name such as UTC, Asia/Shanghai or Europe/Berlin"
    raise InputFileError(f"unknown --timezone {name!r}{hint}")
