"""What kind of coordinated group is this: a smear operation against the target, promotion or fan
amplification, neutral automation, or organic.

Honest coordination looks like a campaign: fans repost the brand's launch posts within seconds, news
aggregators post every headline about every brand from accounts registered in one batch. What separates a
smear operation is what it pushes, so the kind of a group is read from its members' posts (with the text
of the posts they repost, quote or reply to):

- ``target_share``: posts about the target (any of ``target_terms``), against the corpus share;
- ``competitor_share``: posts about a competitor (``competitor_terms``) and not the target, likewise (a
  comparison that puts the target below a competitor is about the target);
- ``negative_share``: of its posts about the target, those with a negative or attacking cue (a short
  multilingual cue list: claims of defects and danger, scam, "avoid", comparisons that put the target
  below, attacks on its fans), against the same share among ungrouped accounts' posts about the target;
- ``official_share``: of its reposts, quotes and replies, those of prominent accounts (verified, or among
  the most-followed) that are about the target: the brand's own posts and news;
- ``prominent_share``: the same without the topic condition;
- ``internal_share``: of its reposts, those of posts written by its own ordinary (not prominent) members
  (seed and amplify).

Rules, in order (each kind comes with the reasons that decided it):

1. not about the target (``target_share`` below ``target_share_of_corpus`` times the corpus share, or not
   above ``competitor_share``): *neutral automation* when it posts about the brands alike, else *organic*;
   (a group that mostly amplifies prominent accounts, e.g. a competitor's fans: *promotion*);
2. mostly the target's prominent accounts amplified (``official_share >= 0.5``) and not more negative
   than the corpus: *promotion*;
3. about the target and negative (``negative_share >= max(negative_lift * baseline, min_negative)``) or
   amplifying its own seeds about the target: *smear*;
4. otherwise *organic*.

The target and the competitors are parameters of the investigation; nothing here names a brand.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

import polars as pl

# "coordinated": a group judged against no target (no target terms given): coordinated, kind unknown.
KINDS = ("smear", "promotion", "neutral_automation", "organic", "coordinated")

# Negative or attacking cues, deliberately generic (defect, danger, fraud, avoid, worse than, fans attacked),
# in the languages the workbench segments and a few more. A cue list is a start, not a stance model: a
# smear in another language is still caught by rule 3's seed-and-amplify clause and by analyst verdicts.
NEGATIVE_CUES: tuple[str, ...] = (
    # zh ("真的假的" is "really?", so 假的 alone is no cue; 问题 and 粉丝 are everyday words)
    "垃圾", "骗子", "骗局", "被骗", "翻车", "智商税", "割韭菜", "烂", "坑人", "虚假", "隐患", "自燃", "起火", "着火",
    "失控", "刹车失灵", "避雷", "别买", "后悔", "抄袭", "缩水", "偷数据", "泄露", "窃取", "差评", "维权", "退货",
    "不如", "比不上", "吊打", "被碾压", "水军", "洗地", "脑残", "危险", "事故", "召回", "投诉", "黑心", "敷衍",
    "甩锅", "删帖", "捂嘴", "劝退", "拉胯", "骗",
    # en
    "scam", "fraud", "terrible", "worst", "awful", "garbage", "trash", "dangerous", "unsafe", "recall",
    "defect", "defective", "caught fire", "went up in flames", "burst into flames", "explode", "avoid",
    "stay away", "think twice", "don't buy", "do not buy", "regret", "ripoff", "rip-off", "overpriced", "spying",
    "spyware", "leaking", "exfiltrating", "stolen", "cover-up", "coverup", "loses to", "worse than", "beats it",
    "boycott", "betrayed", "burned", "dumped", "abandoned", "fanboys", "brainwashed", "defend anything",
    "serious issues", "beta tester", "guinea pig", "uninstall", "disappointing", "inadequate", "evasive",
    # de
    "betrug", "schrott", "gefährlich", "finger weg", "mängel", "lüge", "lügen", "brennt", "in flammen",
    "rückruf", "abzocke", "überteuert", "spioniert", "schlechter als", "enttäuscht", "verraten", "boykott",
    "vertuscht",
    # ja
    "最悪", "危険", "詐欺", "欠陥", "炎上", "発火", "リコール", "買うな", "やめとけ", "後悔", "劣る", "信者",
    "隠蔽", "情報漏洩", "ひどい",
    # ko
    "최악", "사기", "위험", "결함", "화재", "리콜", "사지마", "후회", "불매", "유출", "광신도",
    # es / fr / ru
    "estafa", "peligroso", "fraude", "defecto", "arnaque", "dangereux", "défaut", "мошенничество",
    "опасно", "брак", "развод", "пожар",
)


def cue_pattern(cues: Sequence[str], *, word_boundaries: bool = True) -> str:
    """A case-insensitive regex matching any cue (latin cues on word boundaries, others anywhere);
    ``word_boundaries=False`` drops the boundaries (it matches a superset)."""
    latin = sorted({c for c in cues if c.isascii()}, key=len, reverse=True)
    other = sorted({c for c in cues if not c.isascii()}, key=len, reverse=True)
    parts = []
    if latin:
        alternatives = "(?:" + "|".join(re.escape(c) for c in latin) + ")"
        parts.append(r"\b" + alternatives + r"\b" if word_boundaries else alternatives)
    if other:
        parts.append("(?:" + "|".join(re.escape(c) for c in other) + ")")
    return "(?i)" + "|".join(parts) if parts else r"(?!x)x"


def contains_cue(texts: pl.Series, cues: Sequence[str]) -> pl.Series:
    """Per text, whether it contains a cue (``cue_pattern``).

    Unicode word boundaries keep the regex engine off its fast automaton on non-ASCII text (2.5M mostly
    Chinese posts: 30 s), so the texts are screened without boundaries first and only those that match
    are checked with them: the same answer in a fraction of the time.
    """
    texts = texts.fill_null("")
    found = texts.str.contains(cue_pattern(cues, word_boundaries=False))
    candidates = found.arg_true()
    if candidates.len():
        found = found.scatter(candidates, texts.gather(candidates).str.contains(cue_pattern(cues)))
    return found


def terms_pattern(terms: Sequence[str]) -> str | None:
    terms = [t for t in terms if t and t.strip()]
    if not terms:
        return None
    return "(?i)" + "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))


class GroupKinds:
    """Classify coordinated groups by what they push (module docstring).

    Parameters
    ----------
    target_terms, competitor_terms: words that make a post about the target or a competitor.
    target_share_of_corpus: a group is about the target when its share of posts about the target is at least
        this times the corpus share (and above its share about competitors).
    negative_lift, min_negative: the negative-stance rule (against ungrouped accounts' posts about the target).
    official_min_share: the promotion rule.
    prominent_quantile: followers quantile above which an account is prominent (verified accounts always are).
    cues: the negative cue list.

    Attributes after ``fit``: ``posts_`` (per post: about_target, about_competitor, negative, whom it reacts
    to), ``has_target_``; after ``classify``: ``baseline_``.
    """

    def __init__(
        self,
        target_terms: Sequence[str] = (),
        competitor_terms: Sequence[str] = (),
        target_share_of_corpus: float = 0.8,
        negative_lift: float = 1.5,
        min_negative: float = 0.25,
        official_min_share: float = 0.5,
        prominent_quantile: float = 0.99,
        cues: Sequence[str] = NEGATIVE_CUES,
    ):
        self.target_terms = target_terms
        self.competitor_terms = competitor_terms
        self.target_share_of_corpus = target_share_of_corpus
        self.negative_lift = negative_lift
        self.min_negative = min_negative
        self.official_min_share = official_min_share
        self.prominent_quantile = prominent_quantile
        self.cues = cues

    def fit(self, posts: pl.DataFrame, accounts: pl.DataFrame | None = None) -> "GroupKinds":
        """Read the corpus once: per post whether it is about the target or a competitor, whether it is
        negative, and whom it reacts to. posts: the canonical posts frame (post_id, account_id, text, kind,
        shared_post_id, parent_post_id); accounts: optional profiles (account_id, verified, followers).
        Then `classify` judges any grouping of accounts."""
        target = terms_pattern(self.target_terms)
        competitor = terms_pattern(self.competitor_terms)
        text = pl.col("text").fill_null("")
        frame = posts.select("post_id", "account_id", text.alias("text"),
                             *[pl.col(c) if c in posts.columns else pl.lit(None, pl.String).alias(c)
                               for c in ("kind", "shared_post_id", "parent_post_id")])
        # Each text is matched once; reactions look their original's flags up by id.
        frame = frame.with_columns(
            own_target=text.str.contains(target) if target else pl.lit(False),
            own_competitor=text.str.contains(competitor) if competitor else pl.lit(False),
            own_negative=contains_cue(posts["text"], self.cues),
            has_words=text.str.strip_chars() != "",
        )
        originals = frame.select(
            pl.col("post_id").alias("original_id"), pl.col("account_id").alias("original_account"),
            pl.col("own_target").alias("original_target"), pl.col("own_competitor").alias("original_competitor"),
            pl.col("own_negative").alias("original_negative"),
        )
        frame = (
            frame.with_columns(original_id=pl.coalesce("shared_post_id", "parent_post_id"))
            .join(originals, on="original_id", how="left")
            .select(
                "account_id", "kind", "original_id", "original_account",
                about_target=pl.col("own_target") | pl.col("original_target").fill_null(False),
                about_competitor=pl.col("own_competitor") | pl.col("original_competitor").fill_null(False),
                # the post's own words carry its stance; a bare repost takes its original's
                negative=pl.when(pl.col("has_words")).then(pl.col("own_negative"))
                .otherwise(pl.col("original_negative").fill_null(False)),
            )
            .with_columns(original_prominent=pl.col("original_account").is_in(self._prominent(accounts).implode()))
        )
        self.posts_ = frame
        self.has_target_ = target is not None
        return self

    def classify(self, members: pl.DataFrame) -> pl.DataFrame:
        """Kinds of groups. members: account_id, group (any group key: a number, a campaign id). Returns
        group, kind, kind_reasons, posts and every feature of the module docstring, sorted by group; the
        corpus baselines are in ``baseline_``."""
        group_type = members.schema["group"]
        group_of = dict(zip(members["account_id"].to_list(), members["group"].to_list()))
        frame = self.posts_.join(members.select("account_id", "group"), on="account_id", how="left").with_columns(
            original_group=pl.col("original_account").replace_strict(group_of, default=None, return_dtype=group_type))
        corpus_target = frame["about_target"].mean() or 0.0
        corpus_competitor = (frame["about_competitor"] & ~frame["about_target"]).mean() or 0.0
        ungrouped_target = frame.filter(pl.col("group").is_null() & pl.col("about_target"))
        baseline_negative = (ungrouped_target["negative"].mean() if ungrouped_target.height else 0.0) or 0.0
        is_reaction = pl.col("original_id").is_not_null()
        features = (
            frame.filter(pl.col("group").is_not_null())
            .group_by("group")
            .agg(
                posts=pl.len().cast(pl.Int64),
                target_share=pl.col("about_target").mean(),
                competitor_share=(pl.col("about_competitor") & ~pl.col("about_target")).mean(),
                negative_share=pl.col("negative").filter(pl.col("about_target")).mean(),
                official_share=(pl.col("original_prominent") & pl.col("about_target")).filter(is_reaction).mean(),
                prominent_share=pl.col("original_prominent").filter(is_reaction).mean(),
                # seeding and amplifying: reposts of ordinary members (a fan club reposting its brand's
                # official accounts, which coordinate with it, is amplifying the brand, not itself)
                internal_share=(~pl.col("original_prominent") & (pl.col("original_group") == pl.col("group")).fill_null(False))
                .filter(pl.col("kind").fill_null("") == "repost").mean(),
            )
            .with_columns(pl.col(c).fill_null(0.0) for c in ("target_share", "competitor_share", "negative_share",
                                                              "official_share", "prominent_share", "internal_share"))
            .sort("group")
        )
        rows = [self._judge(row, corpus_target, corpus_competitor, baseline_negative, self.has_target_)
                for row in features.iter_rows(named=True)]
        judged = pl.DataFrame(rows, schema={"group": group_type, "kind": pl.String, "kind_reasons": pl.String})
        self.baseline_ = {"corpus_target_share": corpus_target, "corpus_competitor_share": corpus_competitor,
                          "baseline_negative_share": baseline_negative}
        return features.join(judged, on="group", how="left").select(
            "group", "kind", "kind_reasons", "posts", "target_share", "competitor_share", "negative_share",
            "official_share", "prominent_share", "internal_share")

    def _prominent(self, accounts: pl.DataFrame | None) -> pl.Series:
        if accounts is None or accounts.is_empty():
            return pl.Series([], dtype=pl.String)
        condition = pl.lit(False)
        if "verified" in accounts.columns:
            condition = condition | pl.col("verified").fill_null(False)
        if "followers" in accounts.columns and accounts["followers"].drop_nulls().len():
            cut = accounts["followers"].drop_nulls().quantile(self.prominent_quantile)
            condition = condition | (pl.col("followers").fill_null(0) >= cut)
        return accounts.filter(condition)["account_id"].cast(pl.String)

    def _judge(self, row: dict, corpus_target: float, corpus_competitor: float, baseline_negative: float,
               has_target: bool) -> dict:
        pct = lambda x: f"{100 * x:.0f} %"  # noqa: E731
        about = f"{pct(row['target_share'])} of its posts are about the target (corpus {pct(corpus_target)})"
        if not has_target:
            return {"group": row["group"], "kind": "coordinated",
                    "kind_reasons": "no target terms given: a coordinated group, not judged against a target"}
        # About the target: at least as much as the corpus is (a corpus collected by searching the target is
        # all about it) and more than about the competitors.
        focused = (row["target_share"] >= max(self.target_share_of_corpus * corpus_target, 0.05)
                   and row["target_share"] > row["competitor_share"])
        needed_negative = max(self.negative_lift * baseline_negative, self.min_negative)
        negative = row["negative_share"] >= needed_negative
        stance = (f"{pct(row['negative_share'])} of its posts about the target are negative "
                  f"(ungrouped accounts {pct(baseline_negative)}, needs {pct(needed_negative)})")
        if not focused:
            brands = row["target_share"] + row["competitor_share"]
            if row["prominent_share"] >= self.official_min_share:
                return {"group": row["group"], "kind": "promotion",
                        "kind_reasons": f"{pct(row['prominent_share'])} of its reposts and replies amplify prominent "
                                        f"accounts, not about the target: {about}"}
            if brands >= 0.3 and row["competitor_share"] >= row["target_share"]:
                return {"group": row["group"], "kind": "neutral_automation",
                        "kind_reasons": f"posts about every brand alike: {about}, {pct(row['competitor_share'])} "
                                        f"about competitors (corpus {pct(corpus_competitor)})"}
            return {"group": row["group"], "kind": "organic", "kind_reasons": f"not focused on the target: {about}"}
        if row["official_share"] >= self.official_min_share and not negative:
            return {"group": row["group"], "kind": "promotion",
                    "kind_reasons": f"{about}; {pct(row['official_share'])} of its reposts and replies amplify the "
                                    f"target's prominent accounts; {stance}"}
        if negative:
            return {"group": row["group"], "kind": "smear", "kind_reasons": f"{about}; {stance}"}
        if row["internal_share"] >= 0.5:
            return {"group": row["group"], "kind": "smear",
                    "kind_reasons": f"{about}; {pct(row['internal_share'])} of its reposts amplify posts of its own "
                                    f"members (seed and amplify); {stance}"}
        return {"group": row["group"], "kind": "organic", "kind_reasons": f"{about}; {stance}"}


def _flag(scores: pl.DataFrame, accounts: pl.Series, reason: str, signal: str) -> pl.DataFrame:
    """Flag the unflagged `accounts` with flag_reason `reason`, `signal` appended to fired_signals."""
    chosen = ~pl.col("flagged") & pl.col("account_id").is_in(accounts.implode())
    return scores.with_columns(
        pl.when(chosen).then(pl.lit(reason)).otherwise(pl.col("flag_reason")).alias("flag_reason"),
        pl.when(chosen)
        .then(pl.concat_str([pl.col("fired_signals"), pl.lit(signal)], separator=",").str.strip_chars(","))
        .otherwise(pl.col("fired_signals")).alias("fired_signals"),
        (pl.col("flagged") | chosen).alias("flagged"),
    )


def flag_smear_groups(scores: pl.DataFrame, groups: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """Flag the members of smear groups that their own signals did not flag (flag_reason ``group``,
    ``coordinated_group`` appended to fired_signals): their group's co-action is significant against chance
    and it pushes negative content about the target, however organic their profiles look.

    scores: SuspicionScorer.scores_ (account_id, flagged, flag_reason, fired_signals, ...); groups:
    SignificantCoordination.groups_ (account_id, group); kinds: GroupKinds.classify's frame (group, kind)."""
    smear = groups.join(kinds.filter(pl.col("kind") == "smear").select("group"), on="group", how="semi")["account_id"]
    return _flag(scores, smear, "group", "coordinated_group")


def flag_asset_pushers(scores: pl.DataFrame, pushers: pl.DataFrame) -> pl.DataFrame:
    """Flag unflagged accounts that pushed the smear groups' assets (flag_reason ``assets``,
    ``shared_assets`` appended to fired_signals). pushers: account_id, shared_assets
    (`CoordinationNetwork.asset_pushers`)."""
    return _flag(scores, pushers["account_id"], "assets", "shared_assets")


def group_signal_rows(groups: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """Signal rows ``coordinated_group`` for every grouped account: value = its significant partners in the
    group, baseline = the group's size, fired for smear groups, detail = how it joined, the group's kind and
    the reasons."""
    from workbench.forensics.baseline import signal_rows

    frame = groups.join(kinds.select("group", "kind", "kind_reasons"), on="group", how="left").join(
        groups.group_by("group").agg(size=pl.len()), on="group").sort("account_id")
    fired = (frame["kind"] == "smear").to_numpy()
    details = [
        f"member of coordinated group {g} ({size} accounts, kind {kind}: {reasons}); joined by "
        + (f"{partners} significant partner pairs" if how == "pairs" else f"its co-action with the group (log10 p {p:.1f})")
        for g, size, kind, reasons, partners, how, p in frame.select(
            "group", "size", "kind", "kind_reasons", "partners", "how", "log10_p").iter_rows()
    ]
    return signal_rows("coordinated_group", frame["account_id"], frame["partners"].cast(pl.Float64).to_numpy(),
                       frame["size"].cast(pl.Float64).to_numpy(), 2.0, fired, fired.astype(float), details)


def separate_kinds(links: pl.DataFrame, groups: pl.DataFrame, kinds: pl.DataFrame) -> pl.DataFrame:
    """Drop the campaign links (account_a, account_b, ...) between accounts of different kinds: a fan club
    that reposts the launch post in the same minute as a smear squad, or a news feed that carries the same
    link, is not part of the operation.

    An account's kind is its coordinated group's when that is decided (smear, promotion, neutral
    automation; "organic" decides nothing: a small squad with few posts may not show its stance); an
    account outside such groups takes the most frequent kind among its linked accounts (ties: the first
    in ``KINDS`` order) and stays undecided without one. Links to undecided accounts are kept."""
    decided = (groups.join(kinds.filter(pl.col("kind") != "organic").select("group", "kind"), on="group", how="inner")
               .select("account_id", "kind"))
    both = pl.concat([links.select(account_id="account_a", other="account_b"), links.select(account_id="account_b", other="account_a")])
    rank = {kind: i for i, kind in enumerate(KINDS)}
    inferred = (
        both.join(decided, on="account_id", how="anti")
        .join(decided.rename({"account_id": "other"}), on="other", how="inner")
        .group_by("account_id", "kind").agg(n=pl.len())
        .with_columns(order=pl.col("kind").replace_strict(rank, return_dtype=pl.Int64))
        .sort(["account_id", "n", "order"], descending=[False, True, False])
        .unique("account_id", keep="first").select("account_id", "kind")
    )
    kind_of = pl.concat([decided, inferred])
    tagged = (
        links.join(kind_of.rename({"account_id": "account_a", "kind": "kind_a"}), on="account_a", how="left")
        .join(kind_of.rename({"account_id": "account_b", "kind": "kind_b"}), on="account_b", how="left")
    )
    differ = pl.col("kind_a").is_not_null() & pl.col("kind_b").is_not_null() & (pl.col("kind_a") != pl.col("kind_b"))
    return tagged.filter(~differ).select(links.columns).sort(links.columns)


def coordinated_group_summary(groups: pl.DataFrame, kinds: pl.DataFrame, posts: pl.DataFrame) -> pl.DataFrame:
    """One row per coordinated group (smear or not): group_id, kind, kind_reasons, n_accounts, n_posts,
    first_post_at, last_post_at, the features, and up to five example accounts; sorted by kind then size.
    What the report lists as "other coordinated groups" next to the campaigns."""
    schema = {"group_id": pl.Int64, "kind": pl.String, "kind_reasons": pl.String, "n_accounts": pl.Int64,
              "n_posts": pl.Int64, "first_post_at": pl.Datetime("us"), "last_post_at": pl.Datetime("us"),
              "target_share": pl.Float64, "negative_share": pl.Float64, "official_share": pl.Float64,
              "example_accounts": pl.List(pl.String)}
    if groups.is_empty():
        return pl.DataFrame(schema=schema)
    activity = posts.join(groups.select("account_id", "group"), on="account_id").group_by("group").agg(
        n_posts=pl.len().cast(pl.Int64), first_post_at=pl.col("created_at").min(), last_post_at=pl.col("created_at").max())
    sizes = groups.sort("account_id").group_by("group", maintain_order=True).agg(
        n_accounts=pl.len().cast(pl.Int64), example_accounts=pl.col("account_id").head(5))
    order = {kind: i for i, kind in enumerate(KINDS)}
    return (
        kinds.join(sizes, on="group").join(activity, on="group", how="left")
        .with_columns(_order=pl.col("kind").replace_strict(order, default=len(KINDS), return_dtype=pl.Int64))
        .sort(["_order", "n_accounts", "group"], descending=[False, True, False])
        .rename({"group": "group_id"}).select(list(schema)).cast(schema)
    )
