"""Fictional brands of the synthetic case: one target and its competitors (all names invented).

The texts refer to brands through slots ({BRAND}, {SUV}, {CHIP}, {PHONE}, {COMP}, {COMP_CAR},
{COMP_PHONE}); a `BrandSet` supplies the values per language, so a scenario can swap the whole cast.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Brand:
    """One fictional maker. `*_zh` names are what Chinese posts write; en and de share the Latin names."""

    key: str
    name_en: str
    name_zh: str
    car_en: str
    car_zh: str
    phone_en: str
    phone_zh: str
    chip_en: str = ""
    chip_zh: str = ""
    official_handle: str = ""
    site: str = ""  # official web domain (a reserved .example name, so no real site is ever linked)

    def names(self, lang: str) -> dict[str, str]:
        """Slot values for this brand in `lang` ("zh", "en" or "de")."""
        zh = lang == "zh"
        return {
            "BRAND": self.name_zh if zh else self.name_en,
            "SUV": self.car_zh if zh else self.car_en,
            "PHONE": self.phone_zh if zh else self.phone_en,
            "CHIP": (self.chip_zh if zh else self.chip_en) or (self.phone_zh if zh else self.phone_en),
        }


@dataclass(frozen=True)
class BrandSet:
    """The target of the campaign and three or four competitors."""

    target: Brand
    competitors: tuple[Brand, ...] = field(default_factory=tuple)

    @property
    def all(self) -> tuple[Brand, ...]:
        return (self.target, *self.competitors)

    def target_terms(self) -> dict[str, list[str]]:
        """Terms a report should search for by default, per language."""
        t = self.target
        latin = [t.name_en, t.car_en, t.phone_en] + ([t.chip_en] if t.chip_en else [])
        zh = [t.name_zh, t.car_zh, t.phone_zh] + ([t.chip_zh] if t.chip_zh else [])
        return {"zh": zh, "en": list(latin), "de": list(latin), "ja": list(latin)}

    def to_dict(self) -> dict:
        return {"target": asdict(self.target), "competitors": [asdict(b) for b in self.competitors]}


DEFAULT_BRANDS = BrandSet(
    target=Brand(
        key="qilora", name_en="Qilora", name_zh="启珑",
        car_en="Qilora Q7", car_zh="启珑Q7", phone_en="Qilora 15", phone_zh="启珑15",
        chip_en="Xuanji X1", chip_zh="璇玑X1", official_handle="Qilora_Official", site="qilora.example",
    ),
    competitors=(
        Brand("norvane", "Norvane", "诺梵", "Norvane N6", "诺梵N6", "Norvane Z30", "诺梵Z30",
              official_handle="Norvane_Global", site="norvane.example"),
        Brand("halvex", "Halvex", "翰维", "Halvex HX8", "翰维HX8", "Halvex Pro 12", "翰维Pro12",
              official_handle="HalvexAuto", site="halvex.example"),
        Brand("corvia", "Corvia", "科维亚", "Corvia C5", "科维亚C5", "Corvia S9", "科维亚S9",
              official_handle="CorviaMobility", site="corvia.example"),
        Brand("pentara", "Pentara", "潘塔", "Pentara P9", "潘塔P9", "Pentara Air", "潘塔Air",
              official_handle="Pentara_CN", site="pentara.example"),
    ),
)
