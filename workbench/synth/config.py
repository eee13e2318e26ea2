"""Knobs of the synthetic corpus and the named scenarios that set them.

A scenario name is one of SCENARIOS or several joined with "+" ("slow+llm"); explicit keyword knobs
passed to `generate` override the scenario. Every knob is recorded in manifest.json.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields, replace

from workbench.errors import WorkbenchError
from workbench.synth.brands import DEFAULT_BRANDS, BrandSet
from workbench.synth.timeline import to_seconds


@dataclass(frozen=True)
class SynthConfig:
    """All knobs. Times are ISO dates (UTC); shares are fractions in [0, 1]; delays are seconds."""

    posts: int = 100_000
    seed: int = 0
    start: str = "2024-12-01"            # first day of the corpus
    end: str = "2025-07-15"              # day after the last post
    campaign_start: str = "2024-12-10"   # the campaign is active from this day to `end`
    posts_per_account: float = 10.0      # mean posts per account: sets the account count
    lang_mix: tuple[float, float, float] = (0.80, 0.12, 0.08)  # zh, en, de share of accounts
    # campaigns
    n_campaigns: int = 1
    campaign_share: float = 0.07         # fraction of accounts that are fake (over all campaigns)
    campaign_activity: float = 2.0       # posts of a fake account relative to the organic mean
    campaign_lang_mix: tuple[float, float, float] = (0.85, 0.10, 0.05)
    squad_size_min: int = 5
    squad_size_max: int = 30
    bought_share: float = 0.15           # fake accounts that are older, bought accounts (no batch registration)
    registration_batches: int = 0        # batch registration days per campaign (0: scale with size, 3 to 8)
    camouflage_share: float = 0.30       # campaign posts that are organic-looking camouflage
    participation: float = 0.75          # chance a squad member joins a wave
    member_delay_s: float = 90.0         # median delay of squad members after the seed post
    member_delay_sigma: float = 1.0      # lognormal spread of that delay
    surge_strength: float = 6.0          # extra campaign intensity at target launches (x baseline)
    surge_days: float = 2.5              # decay (days) of the launch surge
    event_hijack_share: float = 0.25     # waves timed within hours of a target launch (hashtag hijacking)
    templated: bool = True               # False: LLM-style writing, no template reuse
    llm_tell_rate: float = 0.0           # share of LLM-written posts with a pasted AI-text tell
    campaign_duplicate_rate: float = 0.0  # share of template posts that exactly copy an earlier one
    aged_profiles: bool = False          # bought accounts look organic in every profile field and client
    member_pacing: str = "burst"         # "burst": members follow the seed; "relay": one after another
    relay_gap_s: float = 2400.0          # relay: median gap between consecutive members (working time)
    relay_gap_sigma: float = 0.7         # relay: lognormal spread of that gap
    operator_hours: tuple[int, int] = (9, 18)  # relay: operators' working hours (local, [start, end))
    operator_tz_hours: int = 8           # the operators' UTC offset (Beijing)
    campaigns_distinct: bool = False     # campaigns differ in narratives, launches and time spans
    shared_suppliers: bool = False       # every campaign's fresh accounts come from the same registration days
    rewrite: bool = False                # template posts are rewrites of one manuscript per claim (editing software)
    news_bots: int = 0                   # accounts of a neutral news-aggregator network (0: none)
    news_bot_post_share: float = 0.03    # share of all posts written by the news bots
    # organic population
    activity_sigma: float = 1.3          # lognormal spread of organic activity (heavy tail)
    fan_club_share: float = 0.01         # fraction of accounts in fan clubs (honest coordination)
    fan_club_size_min: int = 8
    fan_club_size_max: int = 40
    official_accounts_per_brand: int = 1  # >1: extra official accounts (auto, mobile, CEO) echo launch posts
    organic_duplicate_rate: float = 0.02  # organic copy-pasta posts ("打卡", lottery reposts)
    organic_url_rate: float = 0.06       # organic originals sharing a news/blog link
    # output
    row_group_size: int = 100_000        # posts per Parquet row group (also the text-generation chunk)
    brands: BrandSet = field(default=DEFAULT_BRANDS)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["brands"] = self.brands.to_dict()
        return out


SCENARIOS: dict[str, dict] = {
    "default": {},
    # Squad members follow the seed hours, not seconds, apart: windowed co-action detectors with
    # short windows miss it; content similarity and account features still work.
    "slow": {"member_delay_s": 3 * 3600.0, "member_delay_sigma": 0.8, "event_hijack_share": 0.1},
    # No template reuse: every campaign post is written fresh; only coordination and timing give it away.
    "llm": {"templated": False, "llm_tell_rate": 0.004},
    # A campaign under 1 % of accounts: tests recall for small networks.
    "small": {"campaign_share": 0.008, "squad_size_min": 4, "squad_size_max": 12},
    # Every fake account is a bought, aged account with an organic profile: no identity tell at all.
    "aged": {"bought_share": 1.0, "aged_profiles": True},
    # Squads post one after another, minutes to hours apart, in the operators' office hours, around launches.
    "shifts": {"member_pacing": "relay", "surge_strength": 10.0, "surge_days": 4.0, "event_hijack_share": 0.3},
    # Two concurrent campaigns against the target: own narratives, launches, spans and squads, same suppliers.
    "two": {"n_campaigns": 2, "campaigns_distinct": True, "shared_suppliers": True},
    # A neutral news-aggregator network: every headline about every brand, within seconds, with links.
    "newsbots": {"news_bots": 40},
    # Fan amplification: more fan clubs, several official accounts per brand echoing each launch.
    "fans": {"fan_club_share": 0.03, "official_accounts_per_brand": 3},
    # Claims rewritten by editing software: shuffles, synonyms, evasive brand spellings, fillers, typos.
    "rewrite": {"rewrite": True},
    # Part of the campaign writes in a language outside the seed lists (Japanese).
    "newlang": {"campaign_lang_mix": (0.55, 0.10, 0.05, 0.30)},
}


def resolve_config(posts: int, seed: int, scenario: str = "default", **knobs) -> SynthConfig:
    """Build the SynthConfig for a scenario ("slow", "slow+llm", ...) and explicit knob overrides."""
    known = {f.name for f in fields(SynthConfig)}
    unknown = sorted(set(knobs) - known)
    if unknown:
        raise WorkbenchError(f"unknown synth knob(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    settings: dict = {}
    for name in scenario.split("+"):
        name = name.strip()
        if name not in SCENARIOS:
            raise WorkbenchError(f"unknown scenario {name!r}; choose from {', '.join(SCENARIOS)} (join with '+')")
        settings.update(SCENARIOS[name])
    settings.update(knobs)
    defaults = SynthConfig()
    for key, value in knobs.items():  # a knob takes a value of its default's kind ("nan" or "abc" for a share is refused)
        default = getattr(defaults, key)
        number = isinstance(default, (int, float)) and not isinstance(default, bool)
        if number and not (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)):
            raise WorkbenchError(f"synth knob {key} takes a finite number (like its default {default!r}), not {value!r}")
        if isinstance(default, (str, bool)) and type(value) is not type(default):
            raise WorkbenchError(f"synth knob {key} takes a {type(default).__name__} (like its default {default!r}), not {value!r}")
    for key in ("lang_mix", "campaign_lang_mix"):
        if key in settings:
            settings[key] = tuple(float(v) for v in settings[key])
    if "operator_hours" in settings:
        settings["operator_hours"] = tuple(int(v) for v in settings["operator_hours"])
    config = replace(SynthConfig(), posts=int(posts), seed=int(seed), **settings)
    if not 1_000 <= config.posts <= 20_000_000:
        raise WorkbenchError("posts must be between 1,000 and 20,000,000")
    try:
        start, end, campaign_start = (to_seconds(config.start), to_seconds(config.end),
                                      to_seconds(config.campaign_start))
    except ValueError as error:
        raise WorkbenchError(f"start, end and campaign_start must be ISO dates: {error}") from None
    if not start < campaign_start < end - 7 * 86_400:
        raise WorkbenchError("need start < campaign_start and at least a week of campaign before end")
    if not 0.0 <= config.campaign_share < 0.5:
        raise WorkbenchError("campaign_share must be in [0, 0.5)")
    if len(config.lang_mix) != 3:
        raise WorkbenchError("lang_mix needs three shares (zh, en, de)")
    if len(config.campaign_lang_mix) not in (3, 4):
        raise WorkbenchError("campaign_lang_mix needs three or four shares (zh, en, de[, ja])")
    if config.member_pacing not in ("burst", "relay"):
        raise WorkbenchError("member_pacing must be 'burst' or 'relay'")
    low, high = config.operator_hours
    if not 0 <= low < high <= 24:
        raise WorkbenchError("operator_hours must be two hours 0 <= start < end <= 24")
    if config.news_bots < 0 or config.official_accounts_per_brand < 1:
        raise WorkbenchError("news_bots must be >= 0 and official_accounts_per_brand >= 1")
    return config
