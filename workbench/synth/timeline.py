"""Calendar of the synthetic case: launch events, day weights and daily rhythms (times in UTC seconds)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from workbench.synth.brands import BrandSet

DAY_S = 86_400

# Local-time posting rhythm of ordinary users (relative weight per hour 0..23): quiet at night,
# a lunch bump and an evening peak.
ORGANIC_HOURLY = np.array([2.0, 1.2, 0.7, 0.4, 0.3, 0.4, 1.0, 2.0, 3.5, 4.0, 4.0, 4.2,
                           5.0, 4.5, 4.0, 4.0, 4.2, 4.5, 5.0, 5.5, 6.5, 7.0, 6.0, 4.0])
# Shift pattern of the people operating fake accounts (Beijing time): office hours and a late shift.
OPERATOR_HOURLY = np.array([0.6, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 2.0, 5.0, 6.0, 6.0,
                            3.0, 4.0, 6.0, 6.0, 6.0, 5.5, 3.0, 4.0, 5.0, 5.0, 4.0, 2.0])


def to_seconds(iso: str) -> int:
    """ISO date or datetime (UTC) to Unix seconds."""
    value = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return int(value.timestamp())


def iso_z(seconds: int) -> str:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Event:
    event_id: str
    name: str
    occurred_s: int
    kind: str        # launch | announcement
    brand: int       # index into BrandSet.all (0 = target)
    product: str     # car | chip | phone
    description: str


# (day, hour UTC, brand index, product, kind): the case's calendar. The target's chip and SUV launches
# are the campaign's focus; competitor launches give organic and fan activity of their own.
_CALENDAR = (
    ("2025-01-15", 11, 1, "car", "launch"),
    ("2025-03-20", 11, 0, "car", "announcement"),
    ("2025-04-08", 6, 2, "car", "launch"),
    ("2025-05-22", 11, 0, "chip", "launch"),
    ("2025-06-26", 11, 0, "car", "launch"),
)


def build_events(brands: BrandSet, start_s: int, end_s: int) -> list[Event]:
    """The events that fall inside [start_s, end_s), in time order."""
    events = []
    for day, hour, brand_index, product, kind in _CALENDAR:
        if brand_index >= len(brands.all):
            continue
        brand = brands.all[brand_index]
        occurred = to_seconds(day) + hour * 3600
        if not start_s <= occurred < end_s:
            continue
        product_name = {"car": brand.car_en, "chip": brand.chip_en or brand.phone_en, "phone": brand.phone_en}[product]
        verb = "launch" if kind == "launch" else "first look"
        events.append(Event(
            event_id=f"ev-{brand.key}-{product}-{kind}-{day}",
            name=f"{product_name} {verb}",
            occurred_s=occurred,
            kind=kind,
            brand=brand_index,
            product=product,
            description=f"{brand.name_en} {kind} event for the {product_name} (livestream)",
        ))
    return events


def day_weights(n_days: int, start_s: int) -> np.ndarray:
    """Organic volume per day: weekends a little busier, slow growth over the window. Sums to 1."""
    weekday = ((start_s // DAY_S) + np.arange(n_days) + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
    weights = np.where(weekday >= 5, 1.15, 1.0) * np.linspace(1.0, 1.2, n_days)
    return weights / weights.sum()


def event_proximity(days: np.ndarray, start_s: int, events: list[Event], scale_days: float = 3.0,
                    brand: int | None = None) -> np.ndarray:
    """For day indices, max over events of exp(-|distance in days| / scale_days), in [0, 1]."""
    out = np.zeros(len(days))
    for event in events:
        if brand is not None and event.brand != brand:
            continue
        event_day = (event.occurred_s - start_s) / DAY_S
        out = np.maximum(out, np.exp(-np.abs(days + 0.5 - event_day) / scale_days))
    return out


def sample_local_times(rng: np.random.Generator, days: np.ndarray, hourly: np.ndarray, tz_hours: np.ndarray,
                       shift_hours: np.ndarray | int, start_s: int) -> np.ndarray:
    """UTC seconds for posts on given day indices, at local hours drawn from `hourly` (per-account shift)."""
    n = len(days)
    hours = rng.choice(24, size=n, p=hourly / hourly.sum())
    hours = (hours + shift_hours) % 24
    return start_s + days.astype(np.int64) * DAY_S + (hours - tz_hours).astype(np.int64) * 3600 \
        + rng.integers(0, 3600, n)
