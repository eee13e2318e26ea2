"""`generate`: build a synthetic water-army corpus with ground truth and write it to a folder."""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa

from workbench.synth import plan as P
from workbench.synth import population as pop
from workbench.synth import writer as W
from workbench.synth.compose import Composer
from workbench.synth.config import SynthConfig, resolve_config
from workbench.synth.frames import Dice
from workbench.synth.lexicon import LEXICONS, LANGUAGES, NARRATIVES
from workbench.synth.timeline import build_events, iso_z, to_seconds

GENERATOR_VERSION = "synth-1.1"
PLATFORM = "synth"
_NARRATIVE_CODES = {"false_claim": "fc", "competitor_comparison": "cc", "division": "dv"}
# truth_posts.tactic: what a post does (camouflage and organic posts: "camouflage", "none").
TACTICS = {"false_claim": "false_claim", "competitor_comparison": "comparison", "division": "division"}


@dataclass
class SynthManifest:
    """What was generated: parameters, counts, names and file hashes (also written as manifest.json)."""

    out_dir: str
    seed: int
    scenario: str
    knobs: dict
    counts: dict
    brands: dict
    target_terms: dict
    events: list
    generator_version: str
    files: dict = field(default_factory=dict)
    elapsed_s: float = 0.0  # not written to manifest.json, which must be byte-identical for a seed

    def to_dict(self) -> dict:
        out = asdict(self)
        out.pop("elapsed_s")
        out.pop("out_dir")
        return out


def _rng(seed: int, stream: int) -> np.random.Generator:
    """Independent random stream per component, so changing one part leaves the others' draws alone."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream,)))


def campaign_label(campaign: int) -> str:
    return f"c{campaign + 1}"


def template_label(campaign: int, template: tuple[str, str, int]) -> str:
    lang, narrative, k = template
    return f"{campaign_label(campaign)}-{lang}-{_NARRATIVE_CODES[narrative]}{k + 1:02d}"


def generate(out_dir: str | Path, posts: int = 100_000, seed: int = 0, scenario: str = "default",
             **knobs) -> SynthManifest:
    """Generate the corpus into `out_dir` (created if needed) and return its manifest.

    posts: exact number of posts (1,000 to 20,000,000). seed: same seed and knobs give the same bytes.
    scenario: "default", "slow", "llm", "small", or several joined with "+". knobs: any SynthConfig field.
    Files: posts.parquet, accounts.parquet, events.csv, truth_accounts.parquet, truth_posts.parquet, manifest.json.
    """
    started = time.perf_counter()
    config = resolve_config(posts, seed, scenario, **knobs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    start_s, end_s = to_seconds(config.start), to_seconds(config.end)
    events = build_events(config.brands, start_s, end_s)
    people = pop.build_population(config, _rng(seed, 1))
    plan = P.build_plan(config, people, events, _rng(seed, 2))

    # Account ids follow registration order, as on real platforms.
    order = np.argsort(people.created_s, kind="stable")
    number = np.empty_like(order)
    number[order] = np.arange(len(order))
    account_ids = [f"{PLATFORM}:u{k:07d}" for k in number.tolist()]

    _write_posts(out / "posts.parquet", out / "truth_posts.parquet", config, plan, people, events, account_ids)
    posts_in_corpus = np.bincount(plan.acc, minlength=len(people))
    _write_accounts(out, config, people, order, account_ids, posts_in_corpus, _rng(seed, 4))
    W.write_events_csv(out / "events.csv", [
        {"event_id": e.event_id, "name": e.name, "occurred_at": iso_z(e.occurred_s), "kind": e.kind,
         "target": config.brands.all[e.brand].name_en, "description": e.description} for e in events])

    counts = _counts(plan, people)
    manifest = SynthManifest(
        out_dir=str(out), seed=seed, scenario=scenario, knobs=config.to_dict(), counts=counts,
        brands=config.brands.to_dict(), target_terms=config.brands.target_terms(),
        events=[{"event_id": e.event_id, "name": e.name, "occurred_at": iso_z(e.occurred_s)} for e in events],
        generator_version=GENERATOR_VERSION,
    )
    manifest.files = {name: W.sha256_file(out / name) for name in
                      ("posts.parquet", "accounts.parquet", "events.csv", "truth_accounts.parquet",
                       "truth_posts.parquet")}
    W.write_json(out / "manifest.json", manifest.to_dict())
    manifest.elapsed_s = time.perf_counter() - started
    return manifest


def _write_posts(posts_path, truth_path, config: SynthConfig, plan: P.PostPlan, people, events, account_ids):
    composer = Composer(config, plan, people.handle, events)
    kinds = np.array(P.KINDS, dtype=object)
    apps = np.array(pop.SOURCE_APPS, dtype=object)
    narratives = np.array(NARRATIVES, dtype=object)
    tactics = np.array([TACTICS[n] for n in NARRATIVES], dtype=object)
    claim_keys = [LEXICONS[lang].TEMPLATE_CLAIMS[narrative][k] for lang, narrative, k in plan.templates]
    template_labels = {}
    rows = config.row_group_size
    n = len(plan)
    with W.open_parquet(posts_path, W.POSTS_SCHEMA) as posts_out, \
            W.open_parquet(truth_path, W.TRUTH_POSTS_SCHEMA) as truth_out:
        for chunk, lo in enumerate(range(0, n, rows)):
            hi = min(n, lo + rows)
            rng = _rng(config.seed, 1000 + chunk)
            dice = Dice(rng)
            texts, langs, urls, tags, mentions, media = composer.compose(lo, hi, dice)
            post_ids = [f"{PLATFORM}:p{k:09d}" for k in range(lo, hi)]
            ref = plan.ref[lo:hi]
            kind = plan.kind[lo:hi]
            ref_ids = [None if r < 0 else f"{PLATFORM}:p{r:09d}" for r in ref.tolist()]
            is_parent = (kind == P.COMMENT) | (kind == P.REPLY)
            parent = [x if p else None for x, p in zip(ref_ids, is_parent.tolist())]
            shared = [None if p else x for x, p in zip(ref_ids, is_parent.tolist())]
            acc = plan.acc[lo:hi]
            app = people.app[acc].astype(np.int64)
            stray = (rng.random(hi - lo) < 0.15) & (app != pop.NEWS_BOT_APP)  # people switch devices now and then
            app[stray] = rng.integers(0, len(pop.ORGANIC_APP_P), int(stray.sum()))
            table = pa.table({
                "post_id": pa.array(post_ids, pa.string()),
                "platform": pa.array([PLATFORM] * (hi - lo), pa.string()),
                "account_id": pa.array([account_ids[a] for a in acc.tolist()], pa.string()),
                "created_at": pa.array(plan.t[lo:hi] * 1_000_000, pa.int64()).cast(W.TS),
                "text": pa.array(texts, pa.string()),
                "lang": pa.array(langs, pa.string()),
                "kind": pa.array(kinds[kind].tolist(), pa.string()),
                "parent_post_id": pa.array(parent, pa.string()),
                "shared_post_id": pa.array(shared, pa.string()),
                "urls": pa.array(urls, W.LIST),
                "hashtags": pa.array(tags, W.LIST),
                "mentions": pa.array(mentions, W.LIST),
                "media_hashes": pa.array(media, W.LIST),
                "source_app": pa.array(apps[app].tolist(), pa.string()),
                "like_count": pa.array(plan.like_count[lo:hi], pa.int64()),
                "repost_count": pa.array(plan.repost_count[lo:hi], pa.int64()),
                "reply_count": pa.array(plan.reply_count[lo:hi], pa.int64()),
            }, schema=W.POSTS_SCHEMA)
            posts_out.write_table(table, row_group_size=rows)

            campaign = plan.campaign[lo:hi]
            camp_labels = [None if c < 0 else campaign_label(c) for c in campaign.tolist()]
            narr = plan.narrative[lo:hi]
            narr_labels = [None if x < 0 else narratives[x] for x in narr.tolist()]
            tmpl_labels = []
            for c, t in zip(campaign.tolist(), plan.template[lo:hi].tolist()):
                if t < 0:
                    tmpl_labels.append(None)
                    continue
                key = (c, t)
                if key not in template_labels:
                    template_labels[key] = template_label(c, plan.templates[t])
                tmpl_labels.append(template_labels[key])
            # Claim and wave come from the wave every non-camouflage campaign post belongs to.
            wave = plan.wave[lo:hi]
            in_wave = (campaign >= 0) & (wave >= 0)
            wave_template = np.where(in_wave, plan.waves.template[np.where(in_wave, wave, 0)], -1) \
                if len(plan.waves.template) else np.full(hi - lo, -1)
            claims = [None if t < 0 else claim_keys[t] for t in wave_template.tolist()]
            wave_labels = [None if not w else f"{campaign_label(c)}-w{x + 1:06d}"
                           for w, c, x in zip(in_wave.tolist(), campaign.tolist(), wave.tolist())]
            tactic = np.where(plan.camouflage[lo:hi], "camouflage",
                              np.where(narr >= 0, tactics[np.maximum(narr, 0)], "none"))
            truth_out.write_table(pa.table({
                "post_id": pa.array(post_ids, pa.string()),
                "campaign_id": pa.array(camp_labels, pa.string()),
                "narrative": pa.array(narr_labels, pa.string()),
                "template_id": pa.array(tmpl_labels, pa.string()),
                "is_camouflage": pa.array(plan.camouflage[lo:hi], pa.bool_()),
                "tactic": pa.array(tactic.tolist(), pa.string()),
                "claim_id": pa.array(claims, pa.string()),
                "wave_id": pa.array(wave_labels, pa.string()),
            }, schema=W.TRUTH_POSTS_SCHEMA), row_group_size=rows)


def _write_accounts(out: Path, config, people, order, account_ids, posts_in_corpus, rng):
    dice = Dice(rng)
    n = len(people)
    idx = order.tolist()
    fresh_fake = ((people.campaign >= 0) & ~people.bought).tolist()
    lang = people.lang.tolist()
    role = people.role.tolist()
    handles, names, bios, places = [], [], [], []
    for i in idx:
        lex = LEXICONS[LANGUAGES[lang[i]]]
        handle = people.handle[i]
        handles.append(handle)
        if role[i] == pop.OFFICIAL:
            brand = config.brands.all[people.brand[i]]
            arm = "官方" if i < len(config.brands.all) else \
                pop.official_arm(i, len(config.brands.all), config.official_accounts_per_brand)[1][1]
            names.append(brand.name_zh + arm if lang[i] == 0 else brand.name_en)
            bios.append(f"{brand.name_zh}{arm}微博")
            places.append(lex.LOCATIONS[0])
            continue
        if role[i] == pop.NEWS_BOT:
            names.append(handle)
            bios.append("全网资讯，实时推送")
            places.append(lex.LOCATIONS[0])
            continue
        if role[i] == pop.MEDIA:
            names.append(handle)
            bios.append("新闻资讯")
            places.append(lex.LOCATIONS[dice(len(lex.LOCATIONS))])
            continue
        names.append(handle if lang[i] == 0 or dice(3) else handle.capitalize())
        if fresh_fake[i]:
            # Fresh fakes: empty or stock profiles, vague locations.
            bios.append("" if dice(10) < 6 else lex.BIOS[dice(6)])
            places.append("" if dice(2) else lex.LOCATIONS[dice(len(lex.LOCATIONS))])
        else:
            bios.append(lex.BIOS[dice(len(lex.BIOS))])
            places.append(lex.LOCATIONS[dice(len(lex.LOCATIONS))])
    end_s = to_seconds(config.end)
    age_days = np.maximum(1, (end_s - people.created_s) // 86_400)
    posts_count = posts_in_corpus + rng.poisson(np.minimum(age_days * 0.3 * people.activity, 1e6))
    W.write_table(out / "accounts.parquet", W.ACCOUNTS_SCHEMA, {
        "account_id": [account_ids[i] for i in idx],
        "platform": [PLATFORM] * n,
        "handle": handles,
        "display_name": names,
        "created_at": pa.array(people.created_s[order] * 1_000_000, pa.int64()).cast(W.TS),
        "followers": people.followers[order],
        "following": people.following[order],
        "posts_count": posts_count[order].astype(np.int64),
        "verified": people.verified[order],
        "description": bios,
        "location": places,
    }, config.row_group_size)
    campaign = people.campaign[order].tolist()
    squad = people.squad[order].tolist()
    squad_names = [None if s < 0 else f"{campaign_label(c)}-s{s + 1:04d}" for c, s in zip(campaign, squad)]
    W.write_table(out / "truth_accounts.parquet", W.TRUTH_ACCOUNTS_SCHEMA, {
        "account_id": [account_ids[i] for i in idx],
        "campaign_id": [None if c < 0 else campaign_label(c) for c in campaign],
        "squad_id": squad_names,
        "role": [pop.ROLE_GROUPS[r] for r in people.role[order].tolist()],
        "is_campaign": people.campaign[order] >= 0,
        "is_fan_club": people.fan_club[order] >= 0,
        "is_bought": people.bought[order],
        "account_type": [pop.ROLES[r] for r in people.role[order].tolist()],
        # The brand an official account or a fan club stands for (promotion truth); null for the others.
        "brand": [None if r not in (pop.OFFICIAL, pop.FAN_CLUB) else config.brands.all[b].key
                  for r, b in zip(people.role[order].tolist(), people.brand[order].tolist())],
    }, config.row_group_size)


def _counts(plan: P.PostPlan, people) -> dict:
    is_camp_post = plan.campaign >= 0
    return {
        "posts": int(len(plan)),
        "accounts": int(len(people)),
        "campaign_accounts": int(np.sum(people.campaign >= 0)),
        "bought_accounts": int(np.sum(people.bought)),
        "fan_club_accounts": int(np.sum(people.fan_club >= 0)),
        "fan_clubs": len(people.clubs),
        "squads": len(people.squads),
        "campaign_posts": int(np.sum(is_camp_post)),
        "camouflage_posts": int(np.sum(plan.camouflage)),
        "template_posts": int(np.sum(plan.template >= 0)),
        "waves": int(len(plan.waves.t0)),
        "posts_by_kind": {k: int(np.sum(plan.kind == i)) for i, k in enumerate(P.KINDS)},
        "posts_by_lang": {k: int(np.sum(plan.lang == i)) for i, k in enumerate(LANGUAGES)},
        "accounts_by_role": {r: int(np.sum(people.role == i)) for i, r in enumerate(pop.ROLES)},
        "accounts_by_group": {g: int(np.isin(people.role, [i for i, x in enumerate(pop.ROLE_GROUPS) if x == g]).sum())
                              for g in dict.fromkeys(pop.ROLE_GROUPS)},
        "campaign_accounts_by_campaign": {campaign_label(c): int(np.sum(people.campaign == c))
                                          for c in range(int(people.campaign.max()) + 1)},
    }
