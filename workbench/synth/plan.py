"""The post plan: every post as numbers (who, when, what kind, what it points to, what it carries).

Text is not made here: the plan is compact (about 40 bytes per post) and is turned into text chunk by
chunk when the Parquet file is written. All sampling is vectorised with numpy.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from workbench.synth import population as pop
from workbench.synth.config import SynthConfig
from workbench.synth.lexicon import LEXICONS, LANGUAGES, NARRATIVES
from workbench.synth.population import Population
from workbench.synth.timeline import (DAY_S, OPERATOR_HOURLY, ORGANIC_HOURLY, Event, day_weights,
                                      event_proximity, sample_local_times, to_seconds)

KINDS = ("post", "repost", "reply", "quote", "comment")
POST, REPOST, REPLY, QUOTE, COMMENT = range(5)

# What the text of a post is made from.
CONTENTS = ("everyday", "brand_talk", "fan_war", "copypasta", "repost", "comment", "official", "news", "fan",
            "campaign_template", "campaign_llm", "smear_comment", "camouflage", "campaign_repost", "headline",
            "official_echo")
(EVERYDAY, BRAND_TALK, FAN_WAR, COPYPASTA, REPOST_TEXT, COMMENT_TEXT, OFFICIAL_TEXT, NEWS_TEXT, FAN_TEXT,
 CAMPAIGN_TEMPLATE, CAMPAIGN_LLM, SMEAR_COMMENT, CAMOUFLAGE_TEXT, CAMPAIGN_REPOST, HEADLINE_TEXT,
 OFFICIAL_ECHO) = range(len(CONTENTS))

NARRATIVE_P = np.array([0.5, 0.3, 0.2])  # false_claim, competitor_comparison, division
_COLUMNS = ("t", "acc", "kind", "ref", "content", "lang", "campaign", "narrative", "template", "wave",
            "brand", "event", "camouflage")


@dataclass
class Waves:
    """Per campaign wave: what its members share (template, smear article, hashtags, image)."""

    campaign: np.ndarray
    squad: np.ndarray
    narrative: np.ndarray
    template: np.ndarray
    t0: np.ndarray
    article: np.ndarray     # smear article number within the campaign, -1 when the wave shares no link
    domain: np.ndarray      # main domain the wave pushes the article on
    hijack_event: np.ndarray  # event whose launch hashtag the wave hijacks, -1 none
    smear_tag: np.ndarray
    media: np.ndarray       # image number within the campaign, -1 none


@dataclass
class PostPlan:
    """Columns of all posts in time order (after `finalise`); refs are row numbers in the same order."""

    t: np.ndarray
    acc: np.ndarray
    kind: np.ndarray
    ref: np.ndarray
    content: np.ndarray
    lang: np.ndarray
    campaign: np.ndarray
    narrative: np.ndarray
    template: np.ndarray
    wave: np.ndarray
    brand: np.ndarray
    event: np.ndarray
    camouflage: np.ndarray
    waves: Waves
    templates: list[tuple[str, str, int]]  # (lang, narrative, index within the lexicon list)
    like_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    repost_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    reply_count: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.t)


class _Builder:
    """Collects segments of posts; `add` returns the row offset of the segment (for refs)."""

    def __init__(self):
        self.segments: list[dict] = []
        self.size = 0

    def add(self, n: int, **columns) -> int:
        defaults = {"ref": -1, "campaign": -1, "narrative": -1, "template": -1, "wave": -1, "brand": -1,
                    "event": -1, "camouflage": False}
        seg = {}
        for name in _COLUMNS:
            value = columns.get(name, defaults.get(name))
            if value is None:
                raise ValueError(f"missing column {name}")
            seg[name] = np.broadcast_to(np.asarray(value), (n,)).copy() if np.ndim(value) == 0 else np.asarray(value)
            if len(seg[name]) != n:
                raise ValueError(f"column {name} has {len(seg[name])} rows, expected {n}")
        offset = self.size
        self.segments.append(seg)
        self.size += n
        return offset

    def column(self, name: str) -> np.ndarray:
        return np.concatenate([seg[name] for seg in self.segments]) if self.segments else np.zeros(0)


_DTYPES = {"t": np.int64, "acc": np.int32, "kind": np.int8, "ref": np.int64, "content": np.int8, "lang": np.int8,
           "campaign": np.int16, "narrative": np.int8, "template": np.int16, "wave": np.int32, "brand": np.int8,
           "event": np.int8, "camouflage": bool}


def template_catalog() -> list[tuple[str, str, int]]:
    return [(lang, narrative, k) for lang in LANGUAGES for narrative in NARRATIVES
            for k in range(len(LEXICONS[lang].TEMPLATES[narrative]))]


def _lognormal_delay(rng, n, median_s, sigma):
    return np.exp(np.log(median_s) + sigma * rng.normal(size=n))


def build_plan(config: SynthConfig, people: Population, events: list[Event], rng: np.random.Generator) -> PostPlan:
    """All posts of the corpus as numbers, sorted by time, with engagement counts (see PostPlan)."""
    columns, waves, catalog = _plan_columns(config, people, events, rng)  # its temporaries are freed here
    plan = PostPlan(**columns, waves=waves, templates=catalog)
    _finalise(plan, people, rng)
    return plan


def _plan_columns(config: SynthConfig, people: Population, events: list[Event], rng: np.random.Generator):
    start_s, end_s = to_seconds(config.start), to_seconds(config.end)
    n_days = (end_s - start_s) // DAY_S
    N = config.posts
    b = _Builder()
    role = people.role
    n_brands = len(config.brands.all)
    catalog = template_catalog()

    # 1. Official accounts: regular posts, and launch posts at the event minute (with a teaser and a follow-up).
    # Official accounts post a few times a day at most, however large the corpus.
    n_regular = min(max(3 * n_brands, int(round(N * 0.003))), n_brands * n_days * 4)
    brand_p = np.full(n_brands, 0.6 / max(1, n_brands - 1))
    brand_p[0] = 0.4
    off_brand = rng.choice(n_brands, size=n_regular, p=brand_p / brand_p.sum())
    off_days = rng.integers(0, n_days, n_regular)
    off_t = start_s + off_days * DAY_S + (rng.integers(9, 21, n_regular) - 8) * 3600 + rng.integers(0, 3600, n_regular)
    b.add(n_regular, t=off_t, acc=off_brand, kind=POST, content=OFFICIAL_TEXT, lang=0, brand=off_brand)
    launch_rows = []  # (row, event index) of launch posts: fans repost these within seconds
    for ei, event in enumerate(events):
        times = np.array([event.occurred_s - DAY_S + int(rng.integers(0, 3600)),
                          event.occurred_s + int(rng.integers(0, 30)),
                          event.occurred_s + 2 * 3600 + int(rng.integers(0, 3600))])
        off = b.add(3, t=times, acc=event.brand, kind=POST, content=OFFICIAL_TEXT, lang=0, brand=event.brand,
                    event=ei)
        launch_rows.append((off + 1, ei))
        launch_rows.append((off + 2, ei))
        echoes = np.flatnonzero((role == pop.OFFICIAL) & (people.brand == event.brand))
        echoes = echoes[echoes != event.brand]  # the brand's other official accounts (car, phone arms, CEO)
        if len(echoes):
            # They post the launch text almost word for word within minutes; the main launch post uses it too.
            b.segments[-1]["content"][1] = OFFICIAL_ECHO
            times = event.occurred_s + 20 + rng.exponential(180, len(echoes)).astype(np.int64)
            off = b.add(len(echoes), t=times, acc=echoes, kind=POST, content=OFFICIAL_ECHO, lang=0, brand=event.brand,
                        event=ei)
            launch_rows.extend((off + k, ei) for k in range(len(echoes)))
    official_rows = np.arange(0, b.size)
    official_t = b.column("t")
    official_brand = b.column("brand")

    # 2. Media accounts: news with links.
    media = np.flatnonzero(role == pop.MEDIA)
    n_media_posts = max(10, int(round(N * 0.004)))
    m_acc = rng.choice(media, size=n_media_posts)
    m_days = rng.choice(n_days, size=n_media_posts, p=day_weights(n_days, start_s))
    m_t = sample_local_times(rng, m_days, ORGANIC_HOURLY, people.tz_hours[m_acc], 0, start_s)
    b.add(n_media_posts, t=m_t, acc=m_acc, kind=POST, content=NEWS_TEXT, lang=0,
          brand=rng.integers(0, n_brands, n_media_posts))

    # 2b. A news-aggregator network: every headline about every brand (round robin, so all brands alike),
    # posted by every bot within seconds, with the same link. `wave` holds the headline number.
    bots = np.flatnonzero(role == pop.NEWS_BOT)
    if len(bots):
        n_headlines = max(n_brands, int(round(config.news_bot_post_share * N / len(bots))))
        h_days = rng.choice(n_days, size=n_headlines, p=day_weights(n_days, start_s))
        h_t = sample_local_times(rng, h_days, ORGANIC_HOURLY, np.full(n_headlines, 8), 0, start_s)
        headline = np.repeat(np.arange(n_headlines), len(bots))
        bot = np.concatenate([rng.permutation(bots) for _ in range(n_headlines)])
        delay = 1 + rng.exponential(6.0, len(bot))  # aggregator polling: seconds after the headline appears
        b.add(len(bot), t=np.minimum(h_t[headline] + delay.astype(np.int64), end_s - 1), acc=bot, kind=POST,
              content=HEADLINE_TEXT, lang=0, brand=headline % n_brands, wave=headline)

    # 3. Campaign budgets (needed before the organic budget is known).
    is_campaign = people.campaign >= 0
    campaign_accounts = np.flatnonzero(is_campaign)
    n_camp_acc = len(campaign_accounts)
    camp_total = min(int(round(n_camp_acc * config.posts_per_account * config.campaign_activity)), int(0.4 * N))
    camo_total = max(n_camp_acc, int(round(camp_total * config.camouflage_share))) if n_camp_acc else 0
    ops_total = max(0, camp_total - camo_total)

    # 4. Fan clubs: repost the official launch posts within seconds, share the official link.
    fan_rows = []
    for row, ei in launch_rows:
        brand = events[ei].brand
        for ci in np.flatnonzero(people.club_brand == brand):
            members = people.clubs[ci]
            go = members[rng.random(len(members)) < 0.85]
            quick = rng.random(len(go)) < 0.9
            delay = np.where(quick, 2 + rng.exponential(15, len(go)), 60 + rng.exponential(900, len(go)))
            fan_rows.append(("repost", go, official_t[row] + delay.astype(np.int64), row, brand, ei))
            share = members[rng.random(len(members)) < 0.35]
            delay = 10 + rng.exponential(300, len(share))
            fan_rows.append(("post", share, official_t[row] + delay.astype(np.int64), row, brand, ei))
    # Regular official posts get a thinner, slower echo: each club picks up to 30 of its brand's regular
    # posts and about half its members repost each (linear in club size, whatever the corpus size).
    for ci, members in enumerate(people.clubs):
        rows = np.flatnonzero(off_brand == people.club_brand[ci])
        if len(rows) == 0:
            continue
        rows = rng.choice(rows, size=min(30, max(1, len(rows) // 10)), replace=False)
        acc = np.repeat(members, len(rows))
        target = np.tile(rows, len(members))
        keep = rng.random(len(acc)) < 0.5
        acc, target = acc[keep], target[keep]
        delay = 5 + rng.exponential(120, len(acc))
        fan_rows.append(("repost", acc, official_t[target] + delay.astype(np.int64), target,
                         people.club_brand[ci], -1))
    n_fan_posts = sum(len(r[1]) for r in fan_rows)

    # 5. Organic budget and per-account counts (organic and fan-club accounts).
    organic_accounts = np.flatnonzero((role == pop.ORGANIC) | (role == pop.FAN_CLUB))
    n_org = N - b.size - camp_total - n_fan_posts
    if n_org < len(organic_accounts):
        raise ValueError("too few posts for the account population; raise posts or posts_per_account")
    weights = people.activity[organic_accounts]
    counts = 1 + rng.multinomial(n_org - len(organic_accounts), weights / weights.sum())
    o_acc = np.repeat(organic_accounts, counts)
    n_o = len(o_acc)
    # Each account has its own habits: how much it reposts and comments.
    share_p = rng.beta(1.5, 2.5, len(people))
    comment_p = rng.beta(1.2, 4.0, len(people)) * (1 - share_p) * 0.8
    u = rng.random(n_o)
    sp, cp = share_p[o_acc], comment_p[o_acc]
    o_kind = np.full(n_o, POST, np.int8)
    o_kind[u < sp] = REPOST
    o_kind[(u >= sp * 0.88) & (u < sp)] = QUOTE
    o_kind[(u >= sp) & (u < sp + cp)] = COMMENT
    o_kind[(u >= sp + cp) & (u < sp + cp + 0.04)] = REPLY

    # 6. Organic originals.
    orig = o_acc[o_kind == POST]
    n_orig = len(orig)
    o_days = rng.choice(n_days, size=n_orig, p=day_weights(n_days, start_s))
    o_t = sample_local_times(rng, o_days, ORGANIC_HOURLY, people.tz_hours[orig], people.hour_shift[orig], start_s)
    near = event_proximity(o_days, start_s, events)
    is_fan = people.fan_club[orig] >= 0
    p_brand = 0.10 + 0.35 * near + 0.2 * is_fan
    v = rng.random(n_orig)
    content = np.full(n_orig, EVERYDAY, np.int8)
    content[v < p_brand] = BRAND_TALK
    content[v < 0.012 + 0.02 * is_fan] = FAN_WAR
    content[rng.random(n_orig) < config.organic_duplicate_rate] = COPYPASTA
    o_brand = np.where(is_fan, people.brand[orig], -1)
    b.add(n_orig, t=o_t, acc=orig, kind=POST, content=content, lang=_post_lang(rng, people.lang[orig]),
          brand=o_brand)

    # 7. Campaign camouflage originals (organic-looking posts by fake accounts, partly in operator hours).
    camo_acc = np.zeros(0, np.int64)
    if n_camp_acc:
        camo_w = np.where(role[campaign_accounts] == pop.CAMOUFLAGE, 4.0, 1.0)
        camo_counts = 1 + rng.multinomial(camo_total - n_camp_acc, camo_w / camo_w.sum())
        camo_acc = np.repeat(campaign_accounts, camo_counts)
        camo_is_post = rng.random(len(camo_acc)) < 0.7
        c_post = camo_acc[camo_is_post]
        if config.campaigns_distinct and config.n_campaigns > 1:
            # Each campaign's accounts are active in its own span only.
            fronts = campaign_fronts(config, [e for e in events if e.brand == 0])
            lo_day = np.array([(f.start_s - start_s) // DAY_S for f in fronts])[people.campaign[c_post]]
            hi_day = np.array([(f.end_s - start_s) // DAY_S for f in fronts])[people.campaign[c_post]]
            c_days = lo_day + (rng.random(len(c_post)) * (hi_day - lo_day)).astype(np.int64)
        else:
            c_days = rng.integers(to_seconds(config.campaign_start) // DAY_S - start_s // DAY_S, n_days, len(c_post))
        operator = rng.random(len(c_post)) < 0.6
        c_t = np.where(operator,
                       sample_local_times(rng, c_days, OPERATOR_HOURLY, np.full(len(c_post), 8), 0, start_s),
                       sample_local_times(rng, c_days, ORGANIC_HOURLY, people.tz_hours[c_post],
                                          people.hour_shift[c_post], start_s))
        b.add(len(c_post), t=c_t, acc=c_post, kind=POST, content=CAMOUFLAGE_TEXT,
              lang=_post_lang(rng, people.lang[c_post]), campaign=people.campaign[c_post], camouflage=True)
        camo_acc = camo_acc[~camo_is_post]  # these repost popular posts below

    # 8. Campaign waves.
    waves = _empty_waves()
    if ops_total > 0:
        waves = _campaign_waves(config, people, events, rng, b, ops_total, catalog, official_rows, official_t,
                                official_brand)

    # 9. Fan club rows (they reference the official launch posts).
    for what, acc, t, target, brand, ei in fan_rows:
        n = len(acc)
        if n == 0:
            continue
        if what == "repost":
            b.add(n, t=t, acc=acc, kind=REPOST, ref=target, content=REPOST_TEXT, lang=people.lang[acc],
                  brand=brand, event=ei)
        else:
            b.add(n, t=t, acc=acc, kind=POST, content=FAN_TEXT, lang=people.lang[acc], brand=brand, event=ei)

    # 10. Organic shares and comments of earlier originals: preferential attachment, heavy-tailed delays.
    t_all, acc_all, kind_all, content_all = b.column("t"), b.column("acc"), b.column("kind"), b.column("content")
    originals = np.flatnonzero(kind_all == POST)
    popularity = (people.followers[acc_all[originals]] + 10.0) ** 0.75 * rng.lognormal(0, 1.0, len(originals))
    popularity[content_all[originals] == CAMPAIGN_TEMPLATE] *= 2.0  # smear posts do get some organic reach
    popularity /= popularity.sum()
    end_cap = end_s - 1

    def pick_targets(n):
        return originals[rng.choice(len(originals), size=n, p=popularity)]

    def add_followers(acc, kind, median_s, sigma, content, **extra):
        n = len(acc)
        if n == 0:
            return
        target = pick_targets(n)
        t = t_all[target] + 1 + _lognormal_delay(rng, n, median_s, sigma).astype(np.int64)
        t = np.maximum(np.minimum(t, end_cap), t_all[target] + 1)
        b.add(n, t=t, acc=acc, kind=kind, ref=target, content=content, lang=_post_lang(rng, people.lang[acc]),
              **extra)

    add_followers(o_acc[o_kind == REPOST], REPOST, 40 * 60, 2.0, REPOST_TEXT)
    add_followers(o_acc[o_kind == QUOTE], QUOTE, 2 * 3600, 1.8, COMMENT_TEXT)
    add_followers(o_acc[o_kind == COMMENT], COMMENT, 20 * 60, 1.8, COMMENT_TEXT)
    if len(camo_acc):
        add_followers(camo_acc, REPOST, 40 * 60, 2.0, REPOST_TEXT, campaign=people.campaign[camo_acc],
                      camouflage=True)

    # 11. Replies to comments.
    replies = o_acc[o_kind == REPLY]
    kind_all, t_all = b.column("kind"), b.column("t")
    comments = np.flatnonzero(kind_all == COMMENT)
    if len(replies):
        if len(comments) == 0:
            comments = originals
        target = comments[rng.integers(0, len(comments), len(replies))]
        t = t_all[target] + 1 + _lognormal_delay(rng, len(replies), 10 * 60, 1.5).astype(np.int64)
        t = np.maximum(np.minimum(t, end_cap), t_all[target] + 1)
        b.add(len(replies), t=t, acc=replies, kind=REPLY, ref=target, content=COMMENT_TEXT,
              lang=_post_lang(rng, people.lang[replies]))

    columns = {}
    for name in _COLUMNS:
        columns[name] = b.column(name).astype(_DTYPES[name], copy=False)
        for seg in b.segments:  # free each segment column once it is merged (halves the peak at 10M posts)
            del seg[name]
    if len(columns["t"]) != N:
        raise AssertionError(f"plan has {len(columns['t'])} posts, expected {N}")
    return columns, waves, catalog


def _post_lang(rng, account_lang: np.ndarray) -> np.ndarray:
    """Post language: the account's language, with 4 % of posts in another one."""
    other = rng.random(len(account_lang)) < 0.04
    out = account_lang.copy()
    out[other] = rng.integers(0, 3, int(other.sum()))
    return out.astype(np.int8)


def _empty_waves() -> Waves:
    z = np.zeros(0, np.int64)
    return Waves(z, z, z, z, z, z, z, z, z, z)


def _campaign_waves(config, people, events, rng, b, ops_total, catalog, official_rows, official_t, official_brand):
    start_s, end_s = to_seconds(config.start), to_seconds(config.end)
    camp_start_s = to_seconds(config.campaign_start)
    squads = people.squads
    sizes = np.array([len(s) for s in squads])
    members_flat = np.concatenate(squads)
    squad_offset = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # Per-member chance of joining a wave: sleepers rarely join, some members are keener than others.
    keen = np.clip(config.participation * rng.lognormal(0, 0.35, len(members_flat)), 0.05, 1.0)
    keen[people.role[members_flat] == pop.CAMOUFLAGE] *= 0.3
    mean_wave = float(np.sum(sizes * (1 + (sizes - 1) * config.participation * 0.9)) / sizes.sum())
    n_waves = int(np.ceil(ops_total / max(1.0, mean_wave) * 1.3)) + 2
    w_squad = rng.choice(len(squads), size=n_waves, p=sizes / sizes.sum())

    # Wave start times: campaign baseline, surges around the target's launches, some timed to the launch hour.
    target_events = [e for e in events if e.brand == 0]
    # A relay wave lasts hours to days: start it early enough to finish inside the corpus.
    last_start = end_s - (5 * DAY_S if config.member_pacing == "relay" else 6 * 3600)
    w_campaign = people.squad_campaign[w_squad]
    if config.campaigns_distinct and config.n_campaigns > 1:
        # Each campaign has its own launches, time span and narratives.
        w_t0 = np.zeros(n_waves, np.int64)
        hijack = np.full(n_waves, -1, np.int64)
        w_narr = np.zeros(n_waves, np.int64)
        for c, front in enumerate(campaign_fronts(config, target_events)):
            mask = np.flatnonzero(w_campaign == c)
            t0_c, hijack_c = _wave_starts(config, rng, len(mask), front.events, events, start_s, front.start_s,
                                          min(front.end_s, last_start))
            w_t0[mask], hijack[mask] = t0_c, hijack_c
            w_narr[mask] = rng.choice(3, size=len(mask), p=front.narrative_p)
    else:
        w_t0, hijack = _wave_starts(config, rng, n_waves, target_events, events, start_s, camp_start_s, last_start)
        w_narr = rng.choice(3, size=n_waves, p=NARRATIVE_P)
    w_lang = people.squad_lang[w_squad]
    w_template = np.full(n_waves, -1, np.int64)
    for li, lang in enumerate(LANGUAGES):
        for ni, narrative in enumerate(NARRATIVES):
            options = [k for k, (l, n_, _) in enumerate(catalog) if l == lang and n_ == narrative]
            mask = (w_lang == li) & (w_narr == ni)
            w_template[mask] = rng.choice(options, size=int(mask.sum()))
    n_articles = max(5, n_waves // 40)
    w_article = np.where(rng.random(n_waves) < 0.6, rng.integers(0, n_articles, n_waves), -1)
    w_domain = rng.integers(0, 1 << 20, n_waves)
    w_smear = rng.integers(0, 1 << 20, n_waves)
    w_media = np.where(rng.random(n_waves) < 0.4, rng.integers(0, max(8, n_waves // 60), n_waves), -1)

    # Expand waves into member rows, seed first within each wave.
    wave_of_row = np.repeat(np.arange(n_waves), sizes[w_squad])
    pos = np.arange(len(wave_of_row)) - np.repeat(np.cumsum(sizes[w_squad]) - sizes[w_squad], sizes[w_squad])
    flat = squad_offset[w_squad][wave_of_row] + pos
    seed_pos = rng.integers(0, people.squad_seeders[w_squad].astype(np.int64))
    is_seed = pos == seed_pos[wave_of_row]
    joins = is_seed | (rng.random(len(flat)) < keen[flat])
    # Burst: members in squad order (their delays sort them anyway); relay: the operator works down the
    # squad in a fresh order each wave.
    turn = pos if config.member_pacing == "burst" else rng.random(len(pos))
    order = np.lexsort((turn, ~is_seed, wave_of_row))
    order = order[joins[order]][:ops_total]
    wave_of_row, flat, is_seed = wave_of_row[order], flat[order], is_seed[order]
    acc = members_flat[flat]
    n = len(acc)
    first_row = np.searchsorted(wave_of_row, np.arange(n_waves))  # row of each wave's seed

    action = rng.random(n)
    kind = np.full(n, POST, np.int8)
    content = np.full(n, CAMPAIGN_TEMPLATE if config.templated else CAMPAIGN_LLM, np.int8)
    is_repost = ~is_seed & (action >= 0.45) & (action < 0.80)
    is_comment = ~is_seed & (action >= 0.80)
    kind[is_repost] = REPOST
    kind[is_repost & (rng.random(n) < 0.12)] = QUOTE
    content[is_repost] = CAMPAIGN_REPOST
    kind[is_comment] = COMMENT
    content[is_comment] = SMEAR_COMMENT

    if config.member_pacing == "relay":
        t = _relay_times(config, rng, w_t0, wave_of_row, is_seed)
    else:
        delay = np.where(is_seed, 0, 1 + _lognormal_delay(rng, n, config.member_delay_s, config.member_delay_sigma))
        t = w_t0[wave_of_row] + delay.astype(np.int64)
    t = np.minimum(t, end_s - 1)
    offset = b.size
    ref = np.full(n, -1, np.int64)
    follows = kind != POST  # reposts, quotes and comments point at the seed; template posts stand alone
    ref[follows] = offset + first_row[wave_of_row[follows]]
    # Half the comments go under the target's latest official post instead of the seed (co-reply).
    target_official = official_rows[official_brand == 0]
    if len(target_official):
        tt = official_t[target_official]
        sort = np.argsort(tt, kind="stable")
        latest = np.searchsorted(tt[sort], t, side="right") - 1
        under_official = is_comment & (rng.random(n) < 0.5) & (latest >= 0)
        ref[under_official] = target_official[sort][latest[under_official]]
    template = np.where(content == CAMPAIGN_TEMPLATE, w_template[wave_of_row], -1)
    b.add(n, t=t, acc=acc, kind=kind, ref=ref, content=content, lang=people.lang[acc],
          campaign=people.campaign[acc], narrative=w_narr[wave_of_row], template=template, wave=wave_of_row)
    return Waves(campaign=people.squad_campaign[w_squad].astype(np.int64), squad=w_squad, narrative=w_narr,
                 template=w_template, t0=w_t0, article=w_article, domain=w_domain, hijack_event=hijack,
                 smear_tag=w_smear, media=w_media)


@dataclass(frozen=True)
class CampaignFront:
    """What one of several distinct campaigns goes after: its launches, its active span, its narratives."""

    events: list
    start_s: int
    end_s: int
    narrative_p: np.ndarray


# Distinct campaigns split the narratives: false claims and division for one, comparisons for the other.
_DISTINCT_NARRATIVE_P = (np.array([0.75, 0.0, 0.25]), np.array([0.0, 1.0, 0.0]))


def campaign_fronts(config: SynthConfig, target_events: list[Event]) -> list[CampaignFront]:
    """Per campaign (when `campaigns_distinct`): the target's products are split between campaigns (the
    first takes the car launches, the second the chip launch...), each campaign is active from well before
    its first launch to a few weeks after its last, and the narratives are split."""
    camp_start_s, end_s = to_seconds(config.campaign_start), to_seconds(config.end)
    products = list(dict.fromkeys(e.product for e in target_events))
    fronts = []
    for c in range(config.n_campaigns):
        own = [e for e in target_events if products and e.product == products[c % len(products)]]
        if c == 0 or not own:
            start = camp_start_s
        else:
            start = max(camp_start_s, min(e.occurred_s for e in own) - 75 * DAY_S)
        stop = end_s if c == 0 or not own else min(end_s, max(e.occurred_s for e in own) + 25 * DAY_S)
        fronts.append(CampaignFront(own, start, max(stop, start + 7 * DAY_S),
                                    _DISTINCT_NARRATIVE_P[c % len(_DISTINCT_NARRATIVE_P)]))
    return fronts


def _wave_starts(config, rng, n_waves, target_events, events, start_s, first_s, last_s):
    """Start times of n waves between first_s and last_s: a baseline in operator hours, surges around the
    target's launches, some timed to a launch hour (they hijack its hashtag). Returns (t0, hijack event)."""
    first_day = (first_s - start_s) // DAY_S
    days = np.arange(first_day, max(first_day, (last_s - start_s) // DAY_S) + 1)  # at least one day
    weight = 1 + config.surge_strength * event_proximity(days, start_s, target_events, config.surge_days)
    w_day = rng.choice(days, size=n_waves, p=weight / weight.sum())
    w_t0 = sample_local_times(rng, w_day, OPERATOR_HOURLY, np.full(n_waves, 8), 0, start_s)
    hijack = np.full(n_waves, -1, np.int64)
    if target_events:
        timed = rng.random(n_waves) < config.event_hijack_share
        which = rng.integers(0, len(target_events), int(timed.sum()))
        ev_index = np.array([events.index(e) for e in target_events])[which]
        ev_time = np.array([e.occurred_s for e in target_events])[which]
        w_t0[timed] = ev_time + rng.integers(-3600, 6 * 3600, int(timed.sum()))
        hijack[timed] = ev_index
        # Waves near a launch also use its hashtag.
        near = ~timed & (rng.random(n_waves) < 0.5)
        for e in target_events:
            close = near & (np.abs(w_t0 - e.occurred_s) < 3 * DAY_S)
            hijack[close] = events.index(e)
    w_t0 = np.clip(w_t0, first_s, last_s)
    if config.member_pacing == "relay":
        w_t0 = _from_work_clock(config, _to_work_clock(config, w_t0))  # relay waves start in office hours
    return w_t0, hijack


def _to_work_clock(config: SynthConfig, t: np.ndarray) -> np.ndarray:
    """UTC seconds -> seconds of operator working time since the epoch (times outside office hours move
    to the next opening)."""
    h0, h1 = (h * 3600 for h in config.operator_hours)
    local = t + config.operator_tz_hours * 3600
    day, sec = local // DAY_S, local % DAY_S
    day = np.where(sec >= h1, day + 1, day)
    sec = np.where(sec >= h1, h0, np.maximum(sec, h0))
    return day * (h1 - h0) + (sec - h0)


def _from_work_clock(config: SynthConfig, work: np.ndarray) -> np.ndarray:
    h0, h1 = (h * 3600 for h in config.operator_hours)
    day, rest = work // (h1 - h0), work % (h1 - h0)
    return day * DAY_S + h0 + rest - config.operator_tz_hours * 3600


def _relay_times(config, rng, w_t0, wave_of_row, is_seed):
    """Relay pacing: squad members post one after another, each a lognormal gap (working time, at least
    75 s) after the previous one, so a wave runs for hours and pauses outside office hours."""
    n = len(wave_of_row)
    gap = np.maximum(75.0, _lognormal_delay(rng, n, config.relay_gap_s, config.relay_gap_sigma)).astype(np.int64)
    gap[is_seed] = 0
    elapsed = np.cumsum(gap)
    first = np.searchsorted(wave_of_row, wave_of_row)  # rows are grouped by wave, the seed first
    elapsed -= elapsed[first]
    return _from_work_clock(config, _to_work_clock(config, w_t0[wave_of_row]) + elapsed)


def _finalise(plan: PostPlan, people: Population, rng: np.random.Generator) -> None:
    """Sort by time (ties by creation order), remap refs, and derive engagement counts."""
    order = np.argsort(plan.t, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    for name in _COLUMNS:
        setattr(plan, name, getattr(plan, name)[order])
    has_ref = plan.ref >= 0
    plan.ref[has_ref] = rank[plan.ref[has_ref]]
    if np.any(plan.ref[has_ref] >= np.flatnonzero(has_ref)):
        raise AssertionError("a post points to a later post")
    n = len(plan.t)
    shares = has_ref & ((plan.kind == REPOST) | (plan.kind == QUOTE))
    talk = has_ref & ((plan.kind == COMMENT) | (plan.kind == REPLY))
    in_reposts = np.bincount(plan.ref[shares], minlength=n)
    in_replies = np.bincount(plan.ref[talk], minlength=n)
    audience = (people.followers[plan.acc] + 1.0) ** 0.6
    # Counts at export time: what the corpus shows plus the platform's share beyond it.
    plan.repost_count = (in_reposts + rng.poisson(0.02 * audience)).astype(np.int64)
    plan.reply_count = (in_replies + rng.poisson(0.01 * audience)).astype(np.int64)
    plan.like_count = (rng.poisson(0.08 * audience * rng.lognormal(0, 0.8, n)) + 3 * in_reposts).astype(np.int64)
