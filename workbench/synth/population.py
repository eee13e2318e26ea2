"""The account population: organic users, fan clubs, official and media accounts, and campaign squads.

Everything is a numpy array indexed by account number; account ids are assigned in registration
order, as platforms do, so batch-registered accounts get nearby ids (a real signal, mixed with the
organic accounts registered the same days).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from workbench.synth.config import SynthConfig
from workbench.synth.frames import Dice
from workbench.synth.lexicon import LEXICONS, LANGUAGES, SEED_LANGUAGES
from workbench.synth.timeline import DAY_S, to_seconds

ROLES = ("organic", "fan_club", "official", "media", "seeder", "amplifier", "camouflage", "news_bot")
ORGANIC, FAN_CLUB, OFFICIAL, MEDIA, SEEDER, AMPLIFIER, CAMOUFLAGE, NEWS_BOT = range(len(ROLES))
# The role column of truth_accounts: what kind of group an account belongs to (media outlets are organic).
ROLE_GROUPS = ("organic", "fan", "official", "organic", "campaign", "campaign", "campaign", "news_bot")

# The last client is the news-aggregator network's posting tool; nobody else uses it.
SOURCE_APPS = ("Weibo iPhone", "Weibo Android", "Weibo Web", "Weibo Lite", "Weibo iPad", "Weibo HarmonyOS",
               "资讯聚合助手")
NEWS_BOT_APP = len(SOURCE_APPS) - 1
OFFICIAL_SUFFIXES = (("Auto", "汽车"), ("Mobile", "手机"), ("CEO", "CEO"), ("Tech", "科技"), ("Service", "服务"))


def official_arm(account: int, n_brands: int, per_brand: int) -> tuple[int, tuple[str, str]]:
    """For an extra official account (numbers n_brands and up): its brand and its (Latin, Chinese) suffix."""
    k = account - n_brands
    extra = max(1, per_brand - 1)
    return k // extra, OFFICIAL_SUFFIXES[k % extra % len(OFFICIAL_SUFFIXES)]
# Everyone uses the same clients; fake accounts just lean on web and cheap Android builds.
ORGANIC_APP_P = np.array([0.34, 0.30, 0.08, 0.08, 0.06, 0.14])
CAMPAIGN_APP_P = np.array([0.12, 0.40, 0.28, 0.14, 0.02, 0.04])
TZ_CHOICES = {"zh": ([8], [1.0]), "en": ([-8, -5, 0, 1, 8, 10], [0.2, 0.3, 0.2, 0.05, 0.15, 0.1]),
              "de": ([1, 2], [0.6, 0.4]), "ja": ([9], [1.0])}


@dataclass
class Population:
    role: np.ndarray          # int8, index into ROLES
    campaign: np.ndarray      # int16, -1 for none
    squad: np.ndarray         # int32, global squad number, -1 for none
    fan_club: np.ndarray      # int32, club number, -1 for none
    brand: np.ndarray         # int8, brand an official account or fan club belongs to, -1 otherwise
    bought: np.ndarray        # bool
    lang: np.ndarray          # int8, index into LANGUAGES
    tz_hours: np.ndarray      # int8, UTC offset of the account's home
    hour_shift: np.ndarray    # int8, personal shift of the daily rhythm
    created_s: np.ndarray     # int64, registration time
    activity: np.ndarray      # float64, relative posting activity
    followers: np.ndarray     # int64
    following: np.ndarray     # int64
    verified: np.ndarray      # bool
    app: np.ndarray           # int8, preferred client
    handle: list[str]
    squads: list[np.ndarray]  # members of each squad, seeders first
    squad_seeders: np.ndarray  # int8, number of seeders at the front of each squad
    squad_campaign: np.ndarray  # int16
    squad_lang: np.ndarray    # int8
    clubs: list[np.ndarray]   # members of each fan club
    club_brand: np.ndarray    # int8
    batch_days: list[list[int]]  # registration batch days (Unix day numbers) per campaign

    def __len__(self) -> int:
        return len(self.role)


def _split_sizes(rng: np.random.Generator, total: int, low: int, high: int) -> list[int]:
    """Split `total` into group sizes in [low, high]; a short remainder is spread over groups with room
    (a single group smaller than `low` only when `total` itself is)."""
    sizes: list[int] = []
    remaining = total
    while remaining >= low:
        size = min(int(rng.integers(low, high + 1)), remaining)
        sizes.append(size)
        remaining -= size
    i = 0
    while remaining > 0 and sizes and i < len(sizes) * (high - low + 1):
        k = i % len(sizes)
        if sizes[k] < high:
            sizes[k] += 1
            remaining -= 1
        i += 1
    if remaining > 0:
        sizes.append(remaining)
    return sizes


def build_population(config: SynthConfig, rng: np.random.Generator) -> Population:
    n_brands = len(config.brands.all)
    n_official = n_brands * config.official_accounts_per_brand  # main accounts first, then the echoes
    n_news = config.news_bots
    n_accounts = max(200, int(round(config.posts / config.posts_per_account)))
    n_media = max(2, n_accounts // 2000)
    n_campaign_total = max(config.n_campaigns * config.squad_size_min,
                           int(round(config.campaign_share * n_accounts))) if config.campaign_share > 0 else 0
    n_fan = int(round(config.fan_club_share * n_accounts))
    if 0 < n_fan < config.fan_club_size_min:
        n_fan = config.fan_club_size_min
    n_organic = n_accounts - n_official - n_media - n_campaign_total - n_fan - n_news
    role = np.concatenate([
        np.full(n_official, OFFICIAL), np.full(n_media, MEDIA), np.full(n_fan, FAN_CLUB), np.full(n_news, NEWS_BOT),
        np.full(n_organic, ORGANIC), np.full(n_campaign_total, AMPLIFIER),
    ]).astype(np.int8)
    n = len(role)
    campaign = np.full(n, -1, np.int16)
    squad = np.full(n, -1, np.int32)
    fan_club = np.full(n, -1, np.int32)
    brand = np.full(n, -1, np.int8)
    brand[:n_brands] = np.arange(n_brands)
    if n_official > n_brands:
        brand[n_brands:n_official] = np.repeat(np.arange(n_brands), config.official_accounts_per_brand - 1)
    bought = np.zeros(n, bool)
    lang_p = np.array(config.lang_mix) / np.sum(config.lang_mix)
    lang = rng.choice(3, size=n, p=lang_p).astype(np.int8)
    lang[:n_official + n_media] = 0

    # Fan clubs: honest coordination around a brand's official posts.
    clubs: list[np.ndarray] = []
    club_brand: list[int] = []
    fan_start = n_official + n_media
    if n_fan:
        offset = fan_start
        for size in _split_sizes(rng, n_fan, config.fan_club_size_min, config.fan_club_size_max):
            members = np.arange(offset, offset + size)
            clubs.append(members)
            club_brand.append(0 if rng.random() < 0.5 else int(rng.integers(1, n_brands)))
            fan_club[members] = len(clubs) - 1
            brand[members] = club_brand[-1]
            offset += size

    # Campaigns: squads of 5-30, one or two seeders each, a few sleeper (camouflage) accounts.
    squads: list[np.ndarray] = []
    squad_seeders: list[int] = []
    squad_campaign: list[int] = []
    squad_lang: list[int] = []
    camp_start = n - n_campaign_total
    per_campaign = np.full(config.n_campaigns, n_campaign_total // max(1, config.n_campaigns))
    if config.n_campaigns:
        per_campaign[0] += n_campaign_total - per_campaign.sum()
    camp_lang_p = np.array(config.campaign_lang_mix) / np.sum(config.campaign_lang_mix)
    n_camp_langs = len(camp_lang_p)  # a fourth share puts squads in a language outside the seed lists
    offset = camp_start
    for c, size_c in enumerate(per_campaign.tolist()):
        for size in _split_sizes(rng, size_c, config.squad_size_min, config.squad_size_max):
            members = np.arange(offset, offset + size)
            seeders = 2 if size >= 15 else 1
            role[members[:seeders]] = SEEDER
            sleepers = rng.random(size - seeders) < 0.1
            role[members[seeders:][sleepers]] = CAMOUFLAGE
            squad_lang.append(int(rng.choice(n_camp_langs, p=camp_lang_p)))
            lang[members] = squad_lang[-1]
            campaign[members] = c
            squad[members] = len(squads)
            squads.append(members)
            squad_seeders.append(seeders)
            squad_campaign.append(c)
            offset += size
    if n_camp_langs > SEED_LANGUAGES and squads:
        # The language outside the seed lists goes to whole squads until it holds its share of the campaign
        # accounts (by random draws alone, a handful of squads could make it all or nothing).
        seed_p = camp_lang_p[:SEED_LANGUAGES] / camp_lang_p[:SEED_LANGUAGES].sum()
        target = camp_lang_p[SEED_LANGUAGES:].sum() * sum(len(m) for m in squads)
        taken = 0
        for k in rng.permutation(len(squads)).tolist():
            new = taken + len(squads[k]) / 2 < target
            squad_lang[k] = SEED_LANGUAGES if new else int(rng.choice(SEED_LANGUAGES, p=seed_p))
            taken += len(squads[k]) if new else 0
            lang[squads[k]] = squad_lang[k]
    is_campaign = campaign >= 0
    bought[is_campaign] = rng.random(int(is_campaign.sum())) < config.bought_share

    # Time zones and rhythms.
    tz_hours = np.zeros(n, np.int8)
    for li, code in enumerate(LANGUAGES):
        mask = lang == li
        choices, weights = TZ_CHOICES[code]
        tz_hours[mask] = rng.choice(choices, size=int(mask.sum()), p=weights)
    tz_hours[is_campaign & ~bought] = 8  # operated from one office, whatever the persona's language
    hour_shift = rng.integers(-2, 3, n).astype(np.int8)

    # Registration: organic accounts spread over years (growing platform), campaigns in batches.
    start_s = to_seconds(config.start)
    campaign_start_s = to_seconds(config.campaign_start)
    years = np.arange(2010, 2025)
    year_w = np.linspace(0.5, 1.5, len(years))
    year = rng.choice(years, size=n, p=year_w / year_w.sum())
    created_s = np.array([to_seconds(f"{y}-01-01") for y in range(2010, 2026)])[year - 2010] \
        + rng.integers(0, 365 * DAY_S, n)
    created_s = np.minimum(created_s, start_s - DAY_S - rng.integers(0, 30 * DAY_S, n))
    created_s[:n_official + n_media] = to_seconds("2011-06-01") + rng.integers(0, 3 * 365 * DAY_S, n_official + n_media)
    batch_days: list[list[int]] = []
    for c in range(config.n_campaigns):
        fresh = np.flatnonzero((campaign == c) & ~bought)
        n_batches = config.registration_batches or int(np.clip(3 + len(fresh) // 1500, 3, 8))
        first = campaign_start_s // DAY_S - 150
        if config.shared_suppliers and batch_days:
            # The same account suppliers serve every campaign: fresh accounts come from the same batch days.
            days = np.array(batch_days[0], np.int64)
            n_batches = len(days)
        else:
            days = np.sort(rng.choice(np.arange(first, campaign_start_s // DAY_S - 5), size=n_batches, replace=False))
        batch_days.append(days.tolist())
        batch = rng.integers(0, n_batches, len(fresh))
        batch_hour = rng.integers(1, 15, n_batches)  # each batch is run from a start hour (UTC)
        spread = np.abs(rng.normal(0, 2.0 * 3600, len(fresh))).astype(np.int64)
        created_s[fresh] = days[batch] * DAY_S + batch_hour[batch] * 3600 + spread

    # Activity (heavy-tailed), audience and clients.
    activity = rng.lognormal(0.0, config.activity_sigma, n)
    activity[is_campaign] = rng.lognormal(0.0, 0.5, int(is_campaign.sum()))
    log_followers = 3.2 + 0.8 * np.log(activity) + rng.normal(0, 1.4, n)
    log_followers[is_campaign & ~bought] = rng.normal(2.3, 0.9, int((is_campaign & ~bought).sum()))
    followers = np.exp(log_followers).astype(np.int64)
    followers[:n_brands] = rng.integers(2_000_000, 20_000_000, n_brands)
    if n_official > n_brands:
        followers[n_brands:n_official] = rng.integers(200_000, 5_000_000, n_official - n_brands)
    followers[n_official:n_official + n_media] = rng.integers(100_000, 5_000_000, n_media)
    following = np.exp(rng.normal(5.0, 1.0, n)).astype(np.int64)
    following[is_campaign & ~bought] = np.exp(rng.normal(6.3, 0.5, int((is_campaign & ~bought).sum()))).astype(np.int64)
    verified = (rng.random(n) < 0.015) & (followers > 2_000)
    verified[:n_official + n_media] = True
    verified[is_campaign & ~bought] = False
    app = rng.choice(len(ORGANIC_APP_P), size=n, p=ORGANIC_APP_P).astype(np.int8)
    app[is_campaign] = rng.choice(len(CAMPAIGN_APP_P), size=int(is_campaign.sum()), p=CAMPAIGN_APP_P)

    if config.aged_profiles:
        # Bought, aged accounts: their history belongs to someone else, so every profile field is organic.
        aged = np.flatnonzero(bought)
        activity[aged] = rng.lognormal(0.0, config.activity_sigma, len(aged))
        followers[aged] = np.exp(3.2 + 0.8 * np.log(activity[aged]) + rng.normal(0, 1.4, len(aged))).astype(np.int64)
        following[aged] = np.exp(rng.normal(5.0, 1.0, len(aged))).astype(np.int64)
        verified[aged] = (rng.random(len(aged)) < 0.015) & (followers[aged] > 2_000)
        app[aged] = rng.choice(len(ORGANIC_APP_P), size=len(aged), p=ORGANIC_APP_P)
    if n_news:
        # A news-aggregator network: one sign-up batch (within hours), one posting tool, modest audiences.
        news = np.arange(fan_start + n_fan, fan_start + n_fan + n_news)
        lang[news] = 0
        tz_hours[news] = 8
        batch_day = to_seconds("2023-03-01") // DAY_S + int(rng.integers(0, 365))
        created_s[news] = batch_day * DAY_S + int(rng.integers(0, 12)) * 3600 + rng.integers(0, 3 * 3600, n_news)
        followers[news] = np.exp(rng.normal(6.5, 0.7, n_news)).astype(np.int64)
        following[news] = rng.integers(5, 60, n_news)
        verified[news] = False
        app[news] = NEWS_BOT_APP

    handle = _make_handles(config, rng, role, lang, is_campaign & ~bought)
    return Population(
        role=role, campaign=campaign, squad=squad, fan_club=fan_club, brand=brand, bought=bought, lang=lang,
        tz_hours=tz_hours, hour_shift=hour_shift, created_s=created_s, activity=activity, followers=followers,
        following=following, verified=verified, app=app, handle=handle, squads=squads,
        squad_seeders=np.array(squad_seeders, np.int8), squad_campaign=np.array(squad_campaign, np.int16),
        squad_lang=np.array(squad_lang, np.int8), clubs=clubs, club_brand=np.array(club_brand, np.int8),
        batch_days=batch_days,
    )


_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_MEDIA_NAMES = ("kuaixun", "dailyauto", "techwire", "citynews", "chepinglun", "shumazhoukan")


def _make_handles(config: SynthConfig, rng: np.random.Generator, role: np.ndarray, lang: np.ndarray,
                  fresh_fake: np.ndarray) -> list[str]:
    """Handles: organic names with some word+digits noise; fresh fakes mostly word+digits or random strings."""
    dice = Dice(rng)
    brands = config.brands.all
    out: list[str] = []
    seen: set[str] = set()
    role_l, lang_l, fresh_l = role.tolist(), lang.tolist(), fresh_fake.tolist()
    for i in range(len(role_l)):
        lex = LEXICONS[LANGUAGES[lang_l[i]]]
        r = dice(100)
        if role_l[i] == OFFICIAL and i < len(brands):
            name = brands[i].official_handle or f"{brands[i].name_en}_Official"
        elif role_l[i] == OFFICIAL:  # the brand's other official accounts (its car and phone arms, its CEO)
            b, (suffix, _) = official_arm(i, len(brands), config.official_accounts_per_brand)
            name = f"{brands[b].name_en}_{suffix}"
        elif role_l[i] == NEWS_BOT:
            name = f"{lex.NAME_WORDS[dice(len(lex.NAME_WORDS))]}资讯速递_{i % 1000:03d}"
        elif role_l[i] == MEDIA:
            name = f"{_MEDIA_NAMES[i % len(_MEDIA_NAMES)]}_{i:03d}"
        elif fresh_l[i]:
            if r < 55:
                name = f"{lex.NAME_WORDS[dice(len(lex.NAME_WORDS))]}{dice(900_000) + 1000}"
            elif r < 85:
                name = "".join(_ALNUM[dice(36)] for _ in range(8 + dice(3)))
            else:
                name = f"用户{dice(9_000_000_000) + 1_000_000_000}" if lang_l[i] == 0 else f"user{dice(90_000_000) + 10_000_000}"
        else:
            word = lex.NAME_WORDS[dice(len(lex.NAME_WORDS))]
            if r < 60:
                name = word + lex.NAME_SUFFIX[dice(len(lex.NAME_SUFFIX))] + lex.NAME_WORDS[dice(len(lex.NAME_WORDS))]
            elif r < 85:
                name = f"{word}{dice(10_000)}"
            elif r < 93:
                name = f"用户{dice(9_000_000_000) + 1_000_000_000}" if lang_l[i] == 0 \
                    else word + "".join(_ALNUM[dice(36)] for _ in range(4))
            elif r < 96:  # some real people pick random-looking handles too
                name = "".join(_ALNUM[dice(36)] for _ in range(8 + dice(3)))
            else:
                name = word + "".join(_ALNUM[dice(36)] for _ in range(4))
        while name in seen:  # handles are unique on a platform
            name = f"{name}{dice(10)}"
        seen.add(name)
        out.append(name)
    return out
