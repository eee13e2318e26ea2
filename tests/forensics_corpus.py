"""A small planted-campaign corpus built in code (fixed seed) for the forensics tests.

Not a test module (no `test_` prefix): the forensics, pipeline and evidence tests import it.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

START = dt.datetime(2025, 3, 1)
TARGET = "Zeta"
NAMES = ["alice", "bob", "chen", "dana", "eli", "fang", "gus", "hana", "ivan", "jo", "kai", "lena", "mo", "nina",
         "omar", "pia", "quinn", "rosa", "sam", "tara", "uma", "vic", "wen", "xena", "yuki", "zoe", "arno", "bea",
         "cato", "dora", "emil", "fritz"]
TEMPLATES = [
    "Zeta {p} is a scam, the battery caught fire after {n} days, do not buy",
    "Compared with Orbit, Zeta {p} is slower and costs more, total ripoff number {n}",
    "Real owners know: Zeta {p} brakes fail, they hide the reports, case {n}",
]
ORGANIC = [
    "had coffee and read about the {p} launch", "my cat ignores the new {p}", "weather is nice today, going out",
    "anyone tried the Zeta {p}? thinking about it", "the Zeta {p} test drive was fun honestly",
    "traffic again on the ring road", "watching the match tonight with friends", "new recipe turned out great",
]


def make_corpus(seed: int = 7, n_campaign: int = 40, n_organic: int = 160, n_fans: int = 20) -> dict[str, pl.DataFrame]:
    """posts, accounts, events and truth (account_id, is_campaign, is_fan_club) frames."""
    rng = np.random.default_rng(seed)
    accounts, posts, truth = [], [], []
    launch = START + dt.timedelta(days=10)
    post_no = 0

    def add_post(account_id, when, text, kind="post", app="Web", shared=None, likes=0):
        nonlocal post_no
        post_no += 1
        posts.append(
            dict(post_id=f"synth:p{post_no:06d}", platform="synth", account_id=account_id, created_at=when,
                 text=text, lang="en", kind=kind, parent_post_id=None, shared_post_id=shared, urls=[],
                 hashtags=[], mentions=[], media_hashes=[], source_app=app, like_count=likes,
                 repost_count=0, reply_count=0, source_id=1, source_row=post_no)
        )

    # Organic accounts: registered over years, bursty posting at human hours, varied text.
    for i in range(n_organic):
        aid = f"synth:o{i:04d}"
        reg = dt.datetime(2015, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3000)), hours=int(rng.integers(0, 24)))
        handle = NAMES[i % len(NAMES)] + ["_w", "x", "", "k", "_y"][(i // len(NAMES)) % 5] + (str(i) if i % 3 == 0 else "")
        accounts.append(dict(account_id=aid, platform="synth", handle=handle, display_name=handle, created_at=reg,
                             followers=int(rng.integers(20, 2000)), following=int(rng.integers(20, 800)),
                             posts_count=100, verified=False, description="", location="", source_id=1, source_row=i))
        n = int(rng.integers(4, 25))
        t = START + dt.timedelta(hours=float(rng.uniform(0, 48)))
        for _ in range(n):
            t = t + dt.timedelta(seconds=float(rng.exponential(86400 * 1.5)))
            hour = int(rng.choice([8, 9, 12, 13, 18, 19, 20, 21, 22]))
            when = t.replace(hour=hour, minute=int(rng.integers(0, 60)), second=int(rng.integers(0, 60)))
            text = ORGANIC[int(rng.integers(0, len(ORGANIC)))].format(p=f"X{int(rng.integers(1, 9))}") + f" {int(rng.integers(0, 10**6))}"
            add_post(aid, when, text, app=str(rng.choice(["Android", "iPhone", "Web"])), likes=int(rng.integers(0, 50)))
        truth.append(dict(account_id=aid, is_campaign=False, is_fan_club=False))

    # Fan club: old accounts that all repost the official launch post within minutes (looks coordinated).
    official = "synth:official"
    add_post("synth:brand", launch, "Introducing the Zeta X7", app="Web", likes=5000)
    accounts.append(dict(account_id="synth:brand", platform="synth", handle="zeta_official", display_name="Zeta",
                         created_at=dt.datetime(2012, 1, 1), followers=900000, following=10, posts_count=3000,
                         verified=True, description="", location="", source_id=1, source_row=9999))
    truth.append(dict(account_id="synth:brand", is_campaign=False, is_fan_club=False))
    for i in range(n_fans):
        aid = f"synth:f{i:04d}"
        reg = dt.datetime(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 2500)))
        accounts.append(dict(account_id=aid, platform="synth", handle=f"zetafan{['amy','raj','li','tom'][i % 4]}{i}", display_name="fan",
                             created_at=reg, followers=int(rng.integers(50, 500)), following=int(rng.integers(50, 500)),
                             posts_count=300, verified=False, description="", location="", source_id=1, source_row=2000 + i))
        add_post(aid, launch + dt.timedelta(seconds=float(rng.uniform(5, 300))), "", kind="repost", shared=official, app="iPhone")
        t = START + dt.timedelta(hours=float(rng.uniform(0, 48)))
        for _ in range(int(rng.integers(5, 15))):
            t = t + dt.timedelta(seconds=float(rng.exponential(86400 * 1.2)))
            when = t.replace(hour=int(rng.choice([10, 12, 19, 20, 21])), minute=int(rng.integers(0, 60)))
            add_post(aid, when, f"love my Zeta X{int(rng.integers(1, 9))} so much, day {int(rng.integers(0, 10**6))}", app="iPhone", likes=int(rng.integers(0, 30)))
        truth.append(dict(account_id=aid, is_campaign=False, is_fan_club=True))

    # Campaign: registered in two bursts a week before launch, stem+digit handles, few followers,
    # templated posts on a scheduler (every ~2 h at odd hours), surging on the launch.
    for i in range(n_campaign):
        aid = f"synth:c{i:04d}"
        burst_day = launch - dt.timedelta(days=7 + (i % 2))
        reg = burst_day + dt.timedelta(minutes=int(rng.integers(0, 120)))
        accounts.append(dict(account_id=aid, platform="synth", handle=f"truthteller{int(rng.integers(10**5, 10**6))}",
                             display_name="truth", created_at=reg, followers=int(rng.integers(0, 5)),
                             following=int(rng.integers(300, 900)), posts_count=50, verified=False,
                             description="", location="", source_id=1, source_row=3000 + i))
        t = launch - dt.timedelta(hours=12) + dt.timedelta(minutes=int(rng.integers(0, 30)))
        for j in range(int(rng.integers(12, 20))):
            t = t + dt.timedelta(seconds=3600 * 2 + float(rng.normal(0, 60)))
            text = TEMPLATES[j % 3].format(p="X7", n=j)
            add_post(aid, t, text, app="BatchPoster", likes=int(rng.integers(0, 3)))
        truth.append(dict(account_id=aid, is_campaign=True, is_fan_club=False))

    events = pl.DataFrame({"event_id": ["launch"], "name": ["Zeta X7 launch"], "occurred_at": [launch],
                           "kind": ["launch"], "target": [TARGET], "description": [""], "source_id": [None]},
                          schema_overrides={"source_id": pl.Int32})
    posts_frame = pl.DataFrame(posts, schema_overrides={"created_at": pl.Datetime("us"), "urls": pl.List(pl.String),
                               "hashtags": pl.List(pl.String), "mentions": pl.List(pl.String),
                               "media_hashes": pl.List(pl.String), "parent_post_id": pl.String, "shared_post_id": pl.String})
    accounts_frame = pl.DataFrame(accounts, schema_overrides={"created_at": pl.Datetime("us")})
    return {"posts": posts_frame.sort("post_id"), "accounts": accounts_frame.sort("account_id"), "events": events,
            "truth": pl.DataFrame(truth).sort("account_id")}
