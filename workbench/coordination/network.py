"""CoordinationNetwork: co-action edges per signal with evidence, the fused account graph, communities, scores.

Usage::

    net = CoordinationNetwork(signals=("co_link", "co_share", "co_text", "co_similar_text"), window_s=60,
                              min_edge_weight=2, semantics="toolkit", random_state=0).fit(posts)
    net.edges_            # account_a, account_b, signal, weight (directed for toolkit, a < b for coortweet)
    net.fused_edges_      # account_a < account_b, weight (fused), one weight_<signal> column per signal, signals
    net.nodes_            # account_id, community, coordination_score, strength, partners, n_signals,
                          # signals, strongest_partners (list), flagged, flag_reason, shared_assets,
                          # coordinated_group (significance groups_, -1 none)
    net.communities_      # community, size, n_flagged, signals, first_at, last_at, top_objects, top_texts
    net.hot_objects_      # signal, object, posts, pairs, skipped
    net.evidence("synth:a1", "synth:a2", signal="co_text")   # the post pairs behind an edge
    net.asset_evidence("synth:a3")   # the flagged accounts' assets an account pushed

Input: the canonical posts frame (docs/architecture.md) with at least ``post_id, account_id, created_at,
kind`` and the columns the chosen signals read (urls, shared_post_id, text, parent_post_id, hashtags,
mentions). Rows are used as given; post ids are assumed unique.

Semantics (see docs/coordination.md and :mod:`workbench.coordination.weights`): two posts of *different*
accounts match on a signal when they share its object (:mod:`workbench.coordination.signals`) and their
times differ by at most ``window_s`` seconds (inclusive). ``semantics="toolkit"`` gives directed weights
(distinct matching posts of A) kept at ``>= min_edge_weight``; ``"coortweet"`` gives undirected weights
(matched post pairs, CooRTweet's rules) with ``min_participation`` and ``edge_weight_quantile``.

Fusion: per account pair and signal, the undirected signal weight is the larger of the two directed
weights (toolkit) or the CooRTweet weight; the fused weight is ``sum(signal_weights[s] * weight_s)``.
Under the toolkit semantics the fused graph keeps the pairs whose co-actions repeat across signals
taken together (:func:`workbench.coordination.weights.toolkit_edges_and_repeats`), with all their
per-signal weights.
Communities: Leiden (modularity with ``resolution``) on the fused graph, seeded by ``random_state``.
Coordination score of an account: ``log1p(strength) * n_signals / len(signals)`` where strength is its
fused weighted degree and n_signals the number of signals carrying at least ``min_signal_share`` of that
strength; an account is flagged when its fused strength is at least ``flag_min_strength``, its signals
are of at least ``flag_min_signals`` kinds (``SIGNAL_KINDS``: reaction, text, link, hashtag, mention, media;
fan clubs reposting the brand's posts at launch time are co_share with a sprinkle of its link; a
campaign that posts the same link with machine-written text shows several kinds), and its community has
at least ``min_community_size`` accounts and an internal edge density of at least
``min_community_density`` (heavy organic reposters of viral posts form large sparse communities; squads
are dense), and the community's own evidence is of as many kinds (``flag_reason = "repeated"``).
Accounts that never repeat a co-action with one partner but co-act once each with several flagged
accounts, on at least ``attach_min_posts`` posts and ``flag_min_signals`` kinds, are attached
(``flag_reason = "attached"``; :mod:`workbench.coordination.flags`). Accounts that pushed at least
``asset_min_count`` of the flagged accounts' assets (URLs, reposted posts, exact texts, media that flagged
accounts are at least ``asset_min_share`` of the pushers of, at any time) are flagged too
(``flag_reason = "assets"``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl

from workbench.coordination.communities import community_density, leiden_communities, node_strengths, strongest_partners
from workbench.coordination.flags import (
    asset_table,
    attach_by_co_actions,
    attach_by_shared_assets,
    community_kind_counts,
    distinct_account_objects,
    is_asset,
    pushed_assets,
    significant_labels,
)
from workbench.coordination.signals import (
    ALL_SIGNALS,
    NORMALIZED_TEXT,
    encode,
    normalized_text_expr,
    signal_actions,
    window_pairs,
)
from workbench.coordination.significance import POOLED_SIGNALS, SignificantCoordination, pooled_incidences
from workbench.coordination.similar import similar_text_pairs
from workbench.coordination.weights import EDGE_SCHEMA, coortweet_edges, toolkit_edges_and_repeats
from workbench.text.normalize import DENSE_CHARACTER_RE

DEFAULT_SIGNALS = ("co_link", "co_share", "co_text", "co_similar_text", "co_reply", "co_hashtag", "co_mention", "co_media")
# What a signal shows. Reposting and replying to the same post are both reactions to someone else's post,
# and organic users react to a viral post in bursts, so the two together still count as one kind of evidence.
SIGNAL_KINDS = {"co_share": "reaction", "co_reply": "reaction", "co_text": "text", "co_similar_text": "text",
                "co_link": "link", "co_domain": "link", "co_hashtag": "hashtag", "co_mention": "mention", "co_media": "media",
                "co_post": "time", "co_paraphrase": "text"}
DEFAULT_SIGNAL_WEIGHTS = {
    "co_link": 1.0,
    "co_domain": 0.25,
    "co_share": 1.0,
    "co_text": 1.0,
    "co_similar_text": 1.0,
    "co_reply": 1.0,
    "co_hashtag": 0.5,
    "co_mention": 0.5,
    "co_media": 1.0,
    "co_post": 0.1,
    "co_paraphrase": 1.0,
}
# Objects a campaign makes and pushes (a link, a post to repost, a text, an image), as opposed to venues
# anyone joins (a hashtag, a reply thread, a mention, a domain): the shared-assets rule counts only these.
ASSET_SIGNALS = ("co_link", "co_share", "co_text", "co_media")
# An object two accounts of a set pushed may be chance (a copied post); three make it the set's.
MIN_SET_PUSHERS = 3
# An asset of at least this many pushers of a set links them all (see `shared_asset_links`).
STAR_ASSET_PUSHERS = 20
# Shorter normalised texts (fewer words, or fewer CJK characters) are stock replies, no operation's own
# asset, when linking operations.
MIN_TEXT_ASSET_WORDS = 3
MIN_TEXT_ASSET_CJK = 8


class CoordinationNetwork:
    """Builds coordination networks from a posts frame (scikit-learn style: parameters in, ``fit``, ``*_``).

    Parameters
    ----------
    signals: which signals to compute (names in ``workbench.coordination.signals.ALL_SIGNALS``).
    window_s: the window in seconds, one number for all signals or a mapping signal -> seconds
        (signals missing from the mapping use 60).
    min_edge_weight: toolkit semantics: keep directed edges with weight >= this.
    semantics: "toolkit" or "coortweet".
    min_participation, edge_weight_quantile: coortweet semantics filters.
    similarity_threshold: co_similar_text exact Jaccard threshold on shingle sets (0.3 also catches
        variants of one template, at a cost in time and memory on large corpora; 0.9 compares with the
        toolkit's co_similar_tweet).
    text_normalizer: "workbench" (normalize_text) or "toolkit" (the toolkit's message_preprocessor) for
        co_text and co_similar_text; similarity_tokenizer: "words" or "words_punct".
    signal_weights: fusion weights per signal (defaults: DEFAULT_SIGNAL_WEIGHTS).
    max_pairs_per_object: an object (URL, shared post, text, LSH bucket...) whose in-window pairs exceed
        this is skipped and reported in ``hot_objects_`` (None: never skip).
    resolution: Leiden resolution. find_communities: False skips Leiden (every account gets community -1,
        ``communities_`` is empty, nobody is flagged): edges, fusion and scores only.
    flag_min_strength, flag_min_signals, min_signal_share, min_community_size, min_community_density:
        flagging rule (see the module docstring).
    attach_min_posts, attach_rounds: attachment of accounts by their single co-actions with flagged
        accounts (:mod:`workbench.coordination.flags`); ``attach_rounds=0`` turns it off.
    asset_min_count, asset_min_share, asset_rounds: the shared-assets rule (an account that pushed at least
        ``asset_min_count`` objects of ``ASSET_SIGNALS`` of which flagged accounts are at least
        ``asset_min_share`` of the pushers, at any time); ``asset_min_count=0`` turns it off.
    top_hot_objects: how many of the busiest objects per signal ``hot_objects_`` lists.
    significance: the test of co-action against chance at several time scales
        (:class:`workbench.coordination.significance.SignificantCoordination`, or any object with its
        ``fit_incidences`` contract); "default" builds one with its defaults, None skips it. Its
        coordinated groups are in ``groups_`` and its significant pairs in ``significant_pairs_``.
    chance_gate_min_accounts: when the test ran over at least this many accounts acting on shared objects
        (``chance_background_accounts_``), the flags start only from accounts in its coordinated groups (flag
        rule "repeated"; attachment and shared assets then spread from them). With fewer, the test has too
        little background to reject chance and the window rules flag on their own.
    random_state: seeds MinHash and Leiden.
    """

    def __init__(
        self,
        signals: Sequence[str] = DEFAULT_SIGNALS,
        window_s: float | Mapping[str, float] = 60,
        min_edge_weight: int = 2,
        semantics: str = "toolkit",
        min_participation: int = 2,
        edge_weight_quantile: float | None = None,
        similarity_threshold: float = 0.8,
        text_normalizer: str = "workbench",
        similarity_tokenizer: str = "words",
        signal_weights: Mapping[str, float] | None = None,
        max_pairs_per_object: int | None = 5_000_000,
        resolution: float = 1.0,
        find_communities: bool = True,
        flag_min_strength: float = 2.0,
        flag_min_signals: int = 2,
        min_signal_share: float = 0.1,
        min_community_density: float = 0.05,
        min_community_size: int = 3,
        attach_min_posts: int = 2,
        attach_rounds: int = 2,
        asset_min_count: int = 2,
        asset_min_share: float = 0.5,
        asset_rounds: int = 2,
        top_hot_objects: int = 10,
        significance: SignificantCoordination | str | None = "default",
        chance_gate_min_accounts: int = 500,
        attach_max_chance_p: float = 0.01,
        random_state: int = 0,
        paraphrase_params: Mapping | None = None,  # co_paraphrase: keyword arguments of paraphrase_pairs
    ):
        self.signals = signals
        self.window_s = window_s
        self.min_edge_weight = min_edge_weight
        self.semantics = semantics
        self.min_participation = min_participation
        self.edge_weight_quantile = edge_weight_quantile
        self.similarity_threshold = similarity_threshold
        self.text_normalizer = text_normalizer
        self.similarity_tokenizer = similarity_tokenizer
        self.signal_weights = signal_weights
        self.max_pairs_per_object = max_pairs_per_object
        self.resolution = resolution
        self.find_communities = find_communities
        self.flag_min_strength = flag_min_strength
        self.flag_min_signals = flag_min_signals
        self.min_signal_share = min_signal_share
        self.min_community_density = min_community_density
        self.min_community_size = min_community_size
        self.attach_min_posts = attach_min_posts
        self.attach_rounds = attach_rounds
        self.asset_min_count = asset_min_count
        self.asset_min_share = asset_min_share
        self.asset_rounds = asset_rounds
        self.top_hot_objects = top_hot_objects
        self.significance = significance
        self.chance_gate_min_accounts = chance_gate_min_accounts
        self.attach_max_chance_p = attach_max_chance_p
        self.random_state = random_state
        self.paraphrase_params = paraphrase_params

    # ------------------------------------------------------------------ parameters
    def window_for(self, signal: str) -> float:
        """The window in seconds used for ``signal``."""
        if isinstance(self.window_s, Mapping):
            return float(self.window_s.get(signal, 60))
        return float(self.window_s)

    def validate_params(self) -> None:
        """Raise ValueError for unknown signals or semantics (the CLI checks before reading the store)."""
        unknown = [s for s in self.signals if s not in ALL_SIGNALS]
        if unknown:
            raise ValueError(f"unknown signals {unknown}; known: {', '.join(ALL_SIGNALS)}")
        if self.semantics not in ("toolkit", "coortweet"):
            raise ValueError(f"semantics must be 'toolkit' or 'coortweet', got {self.semantics!r}")

    # ------------------------------------------------------------------ fit
    def fit(self, posts: pl.DataFrame) -> "CoordinationNetwork":
        """Compute pairs, edges, the fused graph, communities and scores from a canonical posts frame."""
        self.validate_params()
        posts = posts.select([c for c in posts.columns if c != "raw"])
        if "text" in posts.columns and {"co_text", "co_similar_text", "co_paraphrase"} & set(self.signals):
            # Normalised once for both text signals.
            posts = posts.with_columns(normalized_text_expr(self.text_normalizer).alias(NORMALIZED_TEXT))
        account_codes, account_labels = encode(posts["account_id"].cast(pl.String))
        self.account_labels_ = account_labels
        self._accounts = account_codes
        self._times_us = posts["created_at"].dt.epoch("us").to_numpy().astype(np.int64)
        self._post_ids = posts["post_id"].cast(pl.String)
        self._texts = posts["text"].cast(pl.String) if "text" in posts.columns else None
        self._pairs: dict[str, pl.DataFrame] = {}
        self._action_counts: dict[str, pl.DataFrame] = {}
        self._actions: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # signal -> (rows, object codes), for the chance test
        self._object_labels: dict[str, pl.Series] = {}
        self._asset_keys: dict[str, np.ndarray] = {}
        plain = [signal for signal in self.signals if signal not in ("co_similar_text", "co_paraphrase")]
        # The plain signals run two at a time: much of each is single-threaded numpy, which releases the GIL.
        with ThreadPoolExecutor(2) as pool:
            found = dict(zip(plain, pool.map(lambda signal: self._plain_pairs(posts, signal), plain)))
        if "co_similar_text" in self.signals:
            found["co_similar_text"] = self._similar_pairs(posts)
        if "co_paraphrase" in self.signals:  # issue 20: same claim, other words (workbench.coordination.paraphrase)
            found["co_paraphrase"] = self._paraphrase_pairs(posts)
        hot_rows: list[dict] = []
        for signal in self.signals:
            self._pairs[signal], hot = found[signal]
            hot_rows.extend(hot)
        self._object_labels = {signal: self._object_labels[signal] for signal in plain}  # signal order
        self.hot_objects_ = pl.DataFrame(
            hot_rows, schema={"signal": pl.String, "object": pl.String, "posts": pl.Int64, "pairs": pl.Int64, "skipped": pl.Boolean}
        )
        self._build_edges()
        self._build_fused()
        self._fit_significance(posts)  # first: the flags below start only from co-action chance cannot explain
        self._build_nodes_and_communities()
        self.nodes_ = self.nodes_.join(
            self.groups_.select("account_id", pl.col("group").alias("coordinated_group")), on="account_id", how="left",
            maintain_order="left",
        ).with_columns(pl.col("coordinated_group").fill_null(-1).cast(pl.Int64))
        return self

    def _fit_significance(self, posts: pl.DataFrame) -> None:
        """Co-action against chance (``significance``): fills ``groups_`` and ``significant_pairs_``."""
        from workbench.coordination.significance import PAIR_SCHEMA

        model = SignificantCoordination() if self.significance == "default" else self.significance
        self.chance_background_accounts_ = 0
        if model is None:
            self.significance_ = None
            self.groups_ = pl.DataFrame(schema={"account_id": pl.String, "group": pl.Int64, "squad": pl.Int64,
                                                "partners": pl.Int64, "how": pl.String, "log10_p": pl.Float64})
            self.significant_pairs_ = pl.DataFrame(schema=PAIR_SCHEMA)
            return
        if "text" in posts.columns and NORMALIZED_TEXT not in posts.columns:
            posts = posts.with_columns(normalized_text_expr(self.text_normalizer).alias(NORMALIZED_TEXT))
        # The actions of the signals computed above are reused, not derived from the texts again.
        known = {signal: (*self._actions[signal], self._object_labels[signal]) for signal in self._actions}
        incidences = pooled_incidences(posts, self._accounts, self._times_us, text_normalizer=self.text_normalizer,
                                       known_actions=known)
        self._actions = {}
        self._incidence_labels = incidences["labels"]
        self.chance_background_accounts_ = int(np.unique(incidences["account"]).size)
        self.significance_ = model.fit_incidences(incidences["account"], incidences["object"], incidences["time_s"],
                                                  incidences["row"], self.account_labels_)
        self.groups_ = model.groups_
        self.significant_pairs_ = model.pairs_

    def _plain_pairs(self, posts: pl.DataFrame, signal: str) -> tuple[pl.DataFrame, list[dict]]:
        actions = signal_actions(posts, signal, text_normalizer=self.text_normalizer)
        codes, labels = encode(actions["object"], sorted_labels=False)
        self._object_labels[signal] = labels
        rows = actions["row"].to_numpy()
        if signal in POOLED_SIGNALS and self.significance is not None:
            self._actions[signal] = (rows, codes)
        self._count_actions(signal, rows)
        if signal in ASSET_SIGNALS and self.asset_min_count > 0 and self.find_communities:
            self._asset_keys[signal] = distinct_account_objects(self._accounts[rows], codes, len(self.account_labels_))
        found = window_pairs(
            codes, self._times_us[rows], int(round(self.window_for(signal) * 1e6)), max_pairs_per_object=self.max_pairs_per_object
        )
        left, right = rows[found.left], rows[found.right]
        object_codes = codes[found.left]
        different = self._accounts[left] != self._accounts[right]
        pairs = pl.DataFrame(
            {
                "row_a": left[different],
                "row_b": right[different],
                "account_a": self._accounts[left[different]],
                "account_b": self._accounts[right[different]],
                "object": object_codes[different],
            }
        )
        skipped = set(found.skipped_objects.tolist())
        busiest = np.argsort(-found.object_posts, kind="stable")[: self.top_hot_objects]
        report = sorted(set(busiest.tolist()) | skipped)
        hot = [
            {
                "signal": signal,
                "object": labels[int(code)],
                "posts": int(found.object_posts[code]),
                "pairs": int(found.object_pairs[code]),
                "skipped": int(code) in skipped,
            }
            for code in report
            if found.object_posts[code] > 1
        ]
        return pairs, hot

    def _count_actions(self, signal: str, rows: np.ndarray) -> None:
        """Actions per account code for a signal (CooRTweet's min_participation pre-filter)."""
        accounts, counts = np.unique(self._accounts[rows], return_counts=True)
        self._action_counts[signal] = pl.DataFrame({"account": accounts.astype(np.int64), "actions": counts.astype(np.int64)})

    def _similar_pairs(self, posts: pl.DataFrame) -> tuple[pl.DataFrame, list[dict]]:
        if "text" not in posts.columns:
            empty = np.empty(0, dtype=np.int64)
            return pl.DataFrame({"row_a": empty, "row_b": empty, "account_a": empty, "account_b": empty,
                                 "object": empty, "similarity": np.empty(0)}), []
        kind = posts["kind"].fill_null("post") if "kind" in posts.columns else pl.Series(["post"] * len(posts))
        candidates = np.flatnonzero(((kind != "repost") & posts["text"].is_not_null()).to_numpy())
        self._count_actions("co_similar_text", candidates)
        left, right, similarity, hot = similar_text_pairs(
            posts[NORMALIZED_TEXT].gather(candidates),
            self._times_us[candidates],
            self._accounts[candidates],
            int(round(self.window_for("co_similar_text") * 1e6)),
            threshold=self.similarity_threshold,
            text_normalizer="none",
            tokenizer=self.similarity_tokenizer,
            max_pairs_per_object=self.max_pairs_per_object,
            seed=self.random_state,
        )
        left, right = candidates[left], candidates[right]
        pairs = pl.DataFrame(
            {
                "row_a": left,
                "row_b": right,
                "account_a": self._accounts[left],
                "account_b": self._accounts[right],
                # Each near-duplicate pair is its own object (the text of its earlier post describes it).
                "object": np.arange(left.size, dtype=np.int64),
                "similarity": similarity,
            }
        )
        hot_rows = [
            {"signal": "co_similar_text", "object": f"lsh band {h['band']} bucket", "posts": h["posts"], "pairs": h["pairs"], "skipped": True}
            for h in hot
        ]
        return pairs, hot_rows

    def _paraphrase_pairs(self, posts: pl.DataFrame) -> tuple[pl.DataFrame, list[dict]]:
        """co_paraphrase pairs (issue 20): rows, accounts, one object per pair, the cosine as similarity."""
        from workbench.coordination.paraphrase import paraphrase_pairs  # the encoder loads only when asked for

        empty = np.empty(0, dtype=np.int64)
        if "text" not in posts.columns:
            return pl.DataFrame({"row_a": empty, "row_b": empty, "account_a": empty, "account_b": empty,
                                 "object": empty, "similarity": np.empty(0)}), []
        kind = posts["kind"].fill_null("post") if "kind" in posts.columns else pl.Series(["post"] * len(posts))
        candidates = np.flatnonzero(((kind != "repost") & posts["text"].is_not_null()).to_numpy())
        self._count_actions("co_paraphrase", candidates)
        left, right, similarity, _, hot = paraphrase_pairs(
            posts[NORMALIZED_TEXT].gather(candidates), self._times_us[candidates], self._accounts[candidates],
            int(round(self.window_for("co_paraphrase") * 1e6)), **dict(self.paraphrase_params or {}))
        left, right = candidates[left], candidates[right]
        pairs = pl.DataFrame({"row_a": left, "row_b": right, "account_a": self._accounts[left],
                              "account_b": self._accounts[right], "object": np.arange(left.size, dtype=np.int64),
                              "similarity": similarity})
        return pairs, [{"signal": "co_paraphrase", "object": "time block", "posts": h["window_posts"],
                        "pairs": 0, "skipped": True} for h in hot]

    def _build_edges(self) -> None:
        if self.semantics == "toolkit":
            # The fused graph keeps every pair that repeats across signals, with all its co-actions
            # (weight 1 per signal included), not only the edges kept per signal.
            edges, fusable = toolkit_edges_and_repeats(self._pairs, self.min_edge_weight)
        else:
            frames = [
                coortweet_edges(pairs, self.min_participation, self.edge_weight_quantile, self._action_counts.get(signal))
                .with_columns(signal=pl.lit(signal))
                for signal, pairs in self._pairs.items()
            ]
            edges = pl.concat(frames) if frames else pl.DataFrame(schema=EDGE_SCHEMA)
            fusable = edges
        self._edge_codes = edges.with_columns(pl.col("source").cast(pl.Int64), pl.col("target").cast(pl.Int64))
        self._fusable_codes = fusable.with_columns(pl.col("source").cast(pl.Int64), pl.col("target").cast(pl.Int64))
        labels = self.account_labels_
        self.edges_ = self._edge_codes.select(
            account_a=labels.gather(self._edge_codes["source"]),
            account_b=labels.gather(self._edge_codes["target"]),
            signal=pl.col("signal"),
            weight=pl.col("weight"),
        ).sort(["signal", "account_a", "account_b"])

    def _fusion_weights(self) -> dict[str, float]:
        return {**DEFAULT_SIGNAL_WEIGHTS, **(self.signal_weights or {})}

    def _build_fused(self) -> None:
        weights = self._fusion_weights()
        undirected = (
            self._fusable_codes.select(
                source=pl.min_horizontal("source", "target"),
                target=pl.max_horizontal("source", "target"),
                signal="signal",
                weight="weight",
            )
            .group_by("source", "target", "signal")
            .agg(pl.col("weight").max())
        )
        fused = (
            undirected.with_columns(
                weighted=pl.col("weight") * pl.col("signal").replace_strict(weights, default=1.0, return_dtype=pl.Float64)
            )
            .group_by("source", "target")
            .agg(weight=pl.col("weighted").sum(), signals=pl.col("signal").unique().sort())
            .sort("source", "target")
        )
        per_signal = undirected.pivot(on="signal", index=["source", "target"], values="weight") if len(undirected) else None
        for signal in self.signals:
            if per_signal is not None and signal in per_signal.columns:
                continue
            per_signal = (per_signal if per_signal is not None else fused.select("source", "target")).with_columns(
                pl.lit(None, dtype=pl.Int64).alias(signal)
            )
        fused = fused.join(per_signal, on=["source", "target"], how="left").with_columns(
            [pl.col(s).fill_null(0).cast(pl.Int64).alias(f"weight_{s}") for s in self.signals]
        ).drop(list(self.signals))
        self._fused_codes = fused
        labels = self.account_labels_
        self.fused_edges_ = fused.with_columns(
            account_a=labels.gather(fused["source"]), account_b=labels.gather(fused["target"])
        ).select("account_a", "account_b", "weight", *[f"weight_{s}" for s in self.signals], "signals")

    def _build_nodes_and_communities(self) -> None:
        fused = self._fused_codes
        n = len(self.account_labels_)
        if self.find_communities:
            membership = leiden_communities(
                fused["source"].to_numpy(), fused["target"].to_numpy(), fused["weight"].to_numpy(), n,
                resolution=self.resolution, seed=self.random_state,
            )
        else:
            membership = np.full(n, -1, dtype=np.int64)
        strength, partner_count = node_strengths(fused, n)
        signal_sets = self._significant_signals(fused)
        partners = strongest_partners(fused)
        community_sizes = np.bincount(membership[membership >= 0], minlength=1) if (membership >= 0).any() else np.zeros(1, np.int64)
        size_of_own = np.where(membership >= 0, community_sizes[np.maximum(membership, 0)], 0)
        density = community_density(membership, fused["source"].to_numpy(), fused["target"].to_numpy())
        density_of_own = np.where(membership >= 0, density[np.maximum(membership, 0)], 0.0)
        nodes = pl.DataFrame(
            {
                "node": np.arange(n, dtype=np.int64),
                "account_id": self.account_labels_,
                "community": membership,
                "strength": strength,
                "partners": partner_count,
            }
        )
        partner_names = (
            partners.explode("partners")
            .select("node", name=pl.lit(self.account_labels_).gather(pl.col("partners")))
            .group_by("node", maintain_order=True).agg(strongest_partners=pl.col("name"))
        )
        no_names = pl.lit([], dtype=pl.List(pl.String))
        nodes = nodes.join(signal_sets, on="node", how="left").join(partner_names, on="node", how="left")
        nodes = nodes.with_columns(
            signals=pl.col("signals").fill_null(no_names), strongest_partners=pl.col("strongest_partners").fill_null(no_names),
        ).with_columns(n_signals=pl.col("signals").list.len().cast(pl.Int64))
        nodes = nodes.with_columns(
            coordination_score=(pl.col("strength").log1p() * pl.col("n_signals") / max(len(self.signals), 1)),
            flagged=pl.Series(
                (strength >= self.flag_min_strength)
                & (size_of_own >= self.min_community_size)
                & (density_of_own >= self.min_community_density)
            ),
        ).with_columns(
            flagged=pl.col("flagged")
            & (pl.col("signals").list.eval(pl.element().replace(SIGNAL_KINDS)).list.n_unique() >= self.flag_min_signals)
        )
        community_kinds = community_kind_counts(
            fused, membership, self.signals, self._fusion_weights(), SIGNAL_KINDS, self.min_signal_share
        )
        repeated = nodes["flagged"].to_numpy() & (
            np.where(membership >= 0, community_kinds[np.maximum(membership, 0)], 0) >= self.flag_min_signals
        )
        gated = self.significance_ is not None and self.chance_background_accounts_ >= self.chance_gate_min_accounts
        if gated:
            # Repeated co-action in a window is not evidence on its own where posting is dense (at 200k posts
            # in two days the window rules and their spread flagged 10,192 of 10,200 accounts): the flags start
            # only from accounts whose co-action the test against chance cannot explain. A small corpus gives
            # the test too little background to reject anything, and there the window rules stand alone.
            repeated &= self.account_labels_.is_in(self.groups_["account_id"].implode()).to_numpy()
        attached = attach_by_co_actions(
            self._pairs, SIGNAL_KINDS, repeated, membership,
            min_posts=self.attach_min_posts, min_kinds=self.flag_min_signals, rounds=self.attach_rounds,
            activity=np.bincount(self._accounts, minlength=n) if gated else None,
            max_chance_p=self.attach_max_chance_p if gated else None,
        )
        shared_assets = attach_by_shared_assets(
            self._asset_keys, repeated | attached,
            min_assets=self.asset_min_count, min_share=self.asset_min_share,
            rounds=self.asset_rounds,
        )
        nodes = nodes.with_columns(
            repeated=pl.Series(repeated), attached=pl.Series(attached), assets=pl.Series(shared_assets)
        ).with_columns(
            flagged=pl.col("repeated") | pl.col("attached") | pl.col("assets"),
            flag_reason=pl.when("repeated").then(pl.lit("repeated")).when("attached").then(pl.lit("attached"))
            .when("assets").then(pl.lit("assets")),
        )
        final = repeated | attached | shared_assets
        nodes = nodes.with_columns(shared_assets=pl.Series(
            pushed_assets(self._asset_keys, final, min_share=self.asset_min_share)))
        self.nodes_ = nodes.select(
            "account_id", "community", "coordination_score", "strength", "partners", "n_signals", "signals",
            "strongest_partners", "flagged", "flag_reason", "shared_assets",
        )
        self._flagged_codes = final
        self._membership = membership
        self.communities_ = self._community_summary(membership)

    def _significant_signals(self, fused: pl.DataFrame) -> pl.DataFrame:
        """Per node, the signals that carry at least ``min_signal_share`` of its fused strength.

        Counting every signal that ever touched an account would let a fan club that reposts the brand's
        posts together, and once in a while shares its official link or launch hashtag, look multi-signal.
        """
        weights = self._fusion_weights()
        per_signal = [
            pl.concat([fused.select(node=end, weight=pl.col(f"weight_{signal}") * weights.get(signal, 1.0))
                       for end in ("source", "target")])
            .with_columns(signal=pl.lit(signal))
            for signal in self.signals
        ]
        if not per_signal:
            return pl.DataFrame(schema={"node": pl.Int64, "signals": pl.List(pl.String)})
        return (
            significant_labels(pl.concat(per_signal), "node", "signal", self.min_signal_share)
            .group_by("node")
            .agg(signals=pl.col("signal").sort())
        )

    def _community_summary(self, membership: np.ndarray) -> pl.DataFrame:
        schema = {
            "community": pl.Int64, "size": pl.Int64, "n_flagged": pl.Int64, "signals": pl.List(pl.String),
            "first_at": pl.Datetime("us"), "last_at": pl.Datetime("us"), "top_objects": pl.List(pl.String),
            "top_texts": pl.List(pl.String),
        }
        if not (membership >= 0).any():
            return pl.DataFrame(schema=schema)
        rows = []
        flagged = self.nodes_["flagged"].to_numpy()
        members = pl.DataFrame({"community": membership, "flagged": flagged}).filter(pl.col("community") >= 0)
        base = members.group_by("community").agg(size=pl.len().cast(pl.Int64), n_flagged=pl.col("flagged").sum().cast(pl.Int64))
        for signal, pairs in self._pairs.items():
            if not len(pairs):
                continue
            community = membership[pairs["account_a"].to_numpy()]
            # Most matched pairs are organic accounts that met once, outside any community: select the
            # pairs inside one before building a frame (2M posts: 14M pairs, 0.5 GB).
            inside_rows = np.flatnonzero((community == membership[pairs["account_b"].to_numpy()]) & (community >= 0))
            if not inside_rows.size:
                continue
            inside = pairs.select("row_a", "row_b", "object")[inside_rows].with_columns(
                community=pl.Series(community[inside_rows]), signal=pl.lit(signal), text_row=pl.col("row_a"))
            rows.append(inside.select("community", "signal", "row_a", "row_b", "object", "text_row"))
        if not rows:
            return base.with_columns(
                signals=pl.lit([], dtype=pl.List(pl.String)), first_at=pl.lit(None, dtype=pl.Datetime("us")),
                last_at=pl.lit(None, dtype=pl.Datetime("us")), top_objects=pl.lit([], dtype=pl.List(pl.String)),
                top_texts=pl.lit([], dtype=pl.List(pl.String)),
            ).sort("community")
        evidence = pl.concat(rows)
        times = pl.Series(self._times_us)
        evidence = evidence.with_columns(
            t_a=times.gather(evidence["row_a"]), t_b=times.gather(evidence["row_b"])
        )
        spans = evidence.group_by("community").agg(
            signals=pl.col("signal").unique().sort(),
            first_at=pl.min_horizontal("t_a", "t_b").min(),
            last_at=pl.max_horizontal("t_a", "t_b").max(),
        ).with_columns(
            pl.from_epoch("first_at", time_unit="us"), pl.from_epoch("last_at", time_unit="us")
        )
        # Counted per code first, labels gathered for the distinct ones: the biggest community of a 2M-post
        # corpus holds 750k matched pairs, and a label or text per pair would be 0.5 GB.
        object_counts = evidence.group_by("community", "signal", "object").agg(count=pl.len())
        object_frames = []
        for signal, labels in self._object_labels.items():
            part = object_counts.filter(pl.col("signal") == signal)
            if len(part):
                object_frames.append(part.select(
                    "community", "count", label=pl.lit(signal + ": ") + labels.gather(part["object"]).str.slice(0, 200)))
        if object_frames:
            top_objects = (
                pl.concat(object_frames).group_by("community", "label").agg(count=pl.col("count").sum())
                .sort(["community", "count", "label"], descending=[False, True, False])
                .group_by("community", maintain_order=True).agg(top_objects=pl.col("label").head(5))
            )
        else:
            top_objects = spans.select("community").with_columns(top_objects=pl.lit([], dtype=pl.List(pl.String)))
        if self._texts is not None:
            row_counts = evidence.group_by("community", "text_row").agg(count=pl.len())
            texts = (
                row_counts.select("community", "count", text=self._texts.gather(row_counts["text_row"]).str.slice(0, 280))
                .drop_nulls("text")
                .group_by("community", "text").agg(count=pl.col("count").sum())
                .sort(["community", "count", "text"], descending=[False, True, False])
                .group_by("community", maintain_order=True).agg(top_texts=pl.col("text").head(3))
            )
        else:
            texts = spans.select("community").with_columns(top_texts=pl.lit([], dtype=pl.List(pl.String)))
        out = (
            base.join(spans, on="community", how="left")
            .join(top_objects, on="community", how="left")
            .join(texts, on="community", how="left")
            .sort("community")
        )
        return out.select(list(schema))

    def asset_pushers(self, accounts: Sequence[str]) -> pl.DataFrame:
        """Accounts outside ``accounts`` that pushed at least ``asset_min_count`` of their assets (the
        shared-assets rule of ``flag_reason = "assets"``, anchored on a given set, e.g. the members of smear
        groups, instead of the network's own flags), over ``asset_rounds`` rounds. Returns account_id,
        shared_assets (how many of the set's assets it pushed, judged by the final set)."""
        labels = self.account_labels_
        chosen = labels.is_in(pl.Series(list(accounts), dtype=pl.String).implode()).to_numpy()
        found = attach_by_shared_assets(self._asset_keys, chosen, min_assets=self.asset_min_count,
                                        min_share=self.asset_min_share, rounds=self.asset_rounds)
        counts = pushed_assets(self._asset_keys, chosen | found, min_share=self.asset_min_share)
        return pl.DataFrame({"account_id": labels.filter(pl.Series(found)), "shared_assets": counts[found]})

    def shared_asset_links(self, accounts: Sequence[str], min_share: float | None = None) -> pl.DataFrame:
        """Links between ``accounts`` that pushed the same asset (an object of ``ASSET_SIGNALS``: a URL, a
        reposted post, an exact text, an image) of which these accounts are at least ``min_share`` (default
        ``asset_min_share``) of all pushers, at any time. Each such object links its pushers in a star to
        the smallest of them when at least ``STAR_ASSET_PUSHERS`` of the set pushed it; a smaller asset links a
        pair of pushers only when they share a second one. Returns account_a, account_b, link ("assets").
        Squads of one operation push its seeds and links; two operations that merely share a registration
        supplier, or happen to copy the same organic post, do not."""
        schema = {"account_a": pl.String, "account_b": pl.String, "link": pl.String}
        labels = self.account_labels_
        chosen = np.zeros(len(labels), dtype=bool)
        codes = labels.search_sorted(pl.Series(list(accounts), dtype=pl.String))
        codes = codes.filter(codes < len(labels)).to_numpy()
        chosen[codes[labels.gather(codes).is_in(list(accounts)).to_numpy()]] = True
        share = self.asset_min_share if min_share is None else min_share
        frames = []
        for signal, keys in self._asset_keys.items():
            objects, members, pushers, other = asset_table(keys, len(labels), chosen)
            inside = chosen[members]
            owned_by_chosen = (other + inside >= MIN_SET_PUSHERS) & (other + inside >= share * pushers)
            keep = owned_by_chosen & inside
            if signal == "co_text":  # "+1", "interesting", "真的假的?": stock replies any operation pastes
                texts = self._object_labels[signal]
                distinctive = ((texts.str.count_matches(r"\S+") >= MIN_TEXT_ASSET_WORDS)
                               | (texts.str.count_matches(DENSE_CHARACTER_RE) >= MIN_TEXT_ASSET_CJK))
                keep &= distinctive.to_numpy()[objects]
            if keep.any():
                frames.append(pl.DataFrame({"signal": signal, "object": objects[keep], "account": members[keep]}))
        if not frames:
            return pl.DataFrame(schema=schema)
        owned = pl.concat(frames).with_columns(size=pl.len().over("signal", "object"))
        # An asset many of the set pushed (a seed the whole operation reposted) links them all, in a star to
        # its smallest pusher. A small one (a link three accounts happened to share among their camouflage)
        # links a pair only when the pair shares a second one.
        stars = (
            owned.filter(pl.col("size") >= STAR_ASSET_PUSHERS).with_columns(hub=pl.col("account").min().over("signal", "object"))
            .filter(pl.col("account") != pl.col("hub")).select(a="hub", b="account")
        )
        small = owned.filter(pl.col("size") < STAR_ASSET_PUSHERS).select("signal", "object", "account")
        repeated = (
            small.join(small, on=["signal", "object"], suffix="_b").filter(pl.col("account") < pl.col("account_b"))
            .group_by("account", "account_b").agg(shared=pl.len()).filter(pl.col("shared") >= 2)
            .select(a="account", b="account_b")
        )
        pairs = pl.concat([stars, repeated]).unique().sort("a", "b")
        return pl.DataFrame({"account_a": labels.gather(pairs["a"]), "account_b": labels.gather(pairs["b"]),
                             "link": ["assets"] * pairs.height}, schema=schema)

    # ------------------------------------------------------------------ evidence
    def asset_evidence(self, account_id: str, examples: int = 5) -> pl.DataFrame:
        """The objects of ``ASSET_SIGNALS`` an account pushed that other accounts pushed too, and whether each
        is an asset of the flagged accounts (the evidence behind ``flag_reason = "assets"`` and the
        ``shared_assets`` count; judged by the final flags, the account's own left out).

        Returns columns signal, object, pushers (accounts that pushed it, at any time), flagged_pushers
        (other flagged accounts among them), is_asset, flagged_examples (up to ``examples`` of those
        flagged accounts), assets first.
        """
        schema = {"signal": pl.String, "object": pl.String, "pushers": pl.Int64, "flagged_pushers": pl.Int64,
                  "is_asset": pl.Boolean, "flagged_examples": pl.List(pl.String)}
        labels = self.account_labels_
        code = labels.search_sorted(account_id)
        if code >= len(labels) or labels[code] != account_id:
            return pl.DataFrame(schema=schema)
        rows = []
        for signal, keys in self._asset_keys.items():
            objects, accounts, pushers, other_flagged = asset_table(keys, len(labels), self._flagged_codes)
            owned = is_asset(pushers, other_flagged, min_share=self.asset_min_share)
            for at in np.flatnonzero(accounts == code):
                lo, hi = np.searchsorted(objects, objects[at], side="left"), np.searchsorted(objects, objects[at], side="right")
                others = accounts[lo:hi]
                flagged_others = others[(others != code) & self._flagged_codes[others]]
                rows.append({"signal": signal, "object": self._object_labels[signal][int(objects[at])],
                             "pushers": int(pushers[at]), "flagged_pushers": int(other_flagged[at]), "is_asset": bool(owned[at]),
                             "flagged_examples": sorted(labels.gather(flagged_others).to_list())[:examples]})
        return pl.DataFrame(rows, schema=schema).sort(
            ["is_asset", "flagged_pushers", "signal", "object"], descending=[True, True, False, False])

    def evidence(self, account_a: str, account_b: str, signal: str | None = None) -> pl.DataFrame:
        """The post pairs behind the edge between two accounts (both directions), for one or all signals.

        Returns columns signal, account_a, post_id_a, created_at_a, account_b, post_id_b, created_at_b,
        object (the shared object; for co_similar_text None), similarity (co_similar_text only, else None),
        sorted by signal and time. ``account_a`` in the output is always the first argument.
        """
        labels = self.account_labels_
        found_a = labels.search_sorted(account_a)
        found_b = labels.search_sorted(account_b)
        if found_a >= len(labels) or labels[found_a] != account_a or found_b >= len(labels) or labels[found_b] != account_b:
            return self._empty_evidence()
        frames = []
        for name, pairs in self._pairs.items():
            if signal is not None and name != signal:
                continue
            forward = pairs.filter((pl.col("account_a") == found_a) & (pl.col("account_b") == found_b))
            backward = pairs.filter((pl.col("account_a") == found_b) & (pl.col("account_b") == found_a)).rename(
                {"row_a": "row_b", "row_b": "row_a", "account_a": "account_b", "account_b": "account_a"}
            )
            both = pl.concat([forward, backward.select(forward.columns)])
            if not len(both):
                continue
            if name in self._object_labels:
                objects = self._object_labels[name].gather(both["object"])
            else:
                objects = pl.Series([None] * len(both), dtype=pl.String)
            similarity = both["similarity"] if "similarity" in both.columns else pl.Series([None] * len(both), dtype=pl.Float64)
            frames.append(
                pl.DataFrame(
                    {
                        "signal": [name] * len(both),
                        "account_a": [account_a] * len(both),
                        "post_id_a": self._post_ids.gather(both["row_a"]),
                        "created_at_a": pl.from_epoch(pl.Series(self._times_us).gather(both["row_a"]), time_unit="us"),
                        "account_b": [account_b] * len(both),
                        "post_id_b": self._post_ids.gather(both["row_b"]),
                        "created_at_b": pl.from_epoch(pl.Series(self._times_us).gather(both["row_b"]), time_unit="us"),
                        "object": objects,
                        "similarity": similarity.cast(pl.Float64),
                    }
                )
            )
        if not frames:
            return self._empty_evidence()
        return pl.concat(frames).sort(["signal", "created_at_a", "post_id_a", "post_id_b"])

    @staticmethod
    def _empty_evidence() -> pl.DataFrame:
        return pl.DataFrame(
            schema={
                "signal": pl.String, "account_a": pl.String, "post_id_a": pl.String, "created_at_a": pl.Datetime("us"),
                "account_b": pl.String, "post_id_b": pl.String, "created_at_b": pl.Datetime("us"),
                "object": pl.String, "similarity": pl.Float64,
            }
        )
