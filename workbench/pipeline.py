"""The whole analysis of a store: coordination + near-duplicate families + account forensics + scores +
campaigns + share of voice, with one parameters dataclass and deterministic results.

    from workbench import Analysis, Store, analyze
    with Store(db, read_only=True) as store:
        analysis = analyze(store, target_terms=["Xiaomi", "小米"], window_s=120)
        analysis.save(store)                       # one run, one transaction
        again = Analysis.load(store)               # the latest complete run, whole
    analysis.campaigns, analysis.account_scores, analysis.share_of_voice ...

`Analysis` holds polars frames (declared in workbench/schema.py `RESULT_TABLES`, documented in
docs/schema.md and docs/forensics.md) plus, when fitted here, the coordination network (for
`analysis.edge_evidence(a, b)`; a loaded run answers from its stored post pairs). `analysis.save(store)`
stores the run through `Store.save_run` (one transaction, marked complete in it) under `analysis.run_id`,
a hash of the parameters and the sources' sha256 (no wall-clock time), so the same corpus and parameters
give the same run id. `Analysis.load(store, run_id=None)` reads a stored run back whole.

Ground-truth labels are never read by the default: only analyst verdicts (origin ``analyst``) shape
campaigns; the supervised option learns from analyst verdicts unless `supervised_origin` says otherwise.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from workbench.forensics.campaigns import (absorb_fragments, assemble_campaigns, campaign_links, campaign_summary,
                                           share_of_voice)
from workbench.forensics.features import AccountForensics
from workbench.forensics.kinds import (
    GroupKinds,
    coordinated_group_summary,
    flag_asset_pushers,
    flag_smear_groups,
    group_signal_rows,
    separate_kinds,
)
from workbench.forensics.scores import SuspicionScorer, network_signal_rows, propagate_flags
from workbench.errors import WorkbenchError
from workbench.provenance import package_versions

# The post pairs stored with a run (`Analysis.edge_posts`): behind the strongest edges (the report cites
# them) and behind each campaign's strongest edges among its members (evidence packs cite them).
STRONGEST_EDGES = 50
CAMPAIGN_EDGES = 2000


@dataclass(frozen=True)
class AnalysisParams:
    """Every knob of an analysis run (all plain values, so they serialise to JSON for the manifest).

    since, until: ISO dates limiting the posts analysed (None: all).
    target_terms: words that make a post "about the target" for share of voice (case-insensitive);
        empty: every post counts.
    competitor_terms: words that make a post about a competitor; with the target terms they decide what
        kind of group each coordinated group is (`workbench.forensics.kinds.GroupKinds`).
    coordination: keyword arguments for `CoordinationNetwork` (signals, window_s, min_edge_weight...).
    families: keyword arguments for `NearDuplicateFamilies` (threshold, num_perm...).
    forensics: keyword arguments for `AccountForensics`.
    score_threshold, min_fired: the suspicion flag rule (`SuspicionScorer`).
    min_flagged_neighbours, min_neighbour_share: the network rule (`propagate_flags`); 0 neighbours
        switches it off.
    weights: signal weights (None: `DEFAULT_WEIGHTS`).
    min_campaign_accounts: flagged accounts a group needs to be a campaign.
    campaign_grouping: "components" (connected components of the links among flagged accounts,
        default) or "communities" (the network's Leiden communities).
    campaign_links: which links join flagged accounts into one campaign: "coordination" (an edge of the
        coordination network or a pair significant against chance; the default), "family" (same
        near-duplicate family), "registration" (same registration burst day); see
        `workbench.forensics.campaigns.campaign_links`. Families and registration days are off by default:
        operations that share a supplier (registration days, a template tool) are still separate operations.
    narratives: also embed and cluster the posts into narratives (`workbench.text.narratives.fit_narratives`
        with `narrative_params`; slower: embeddings, UMAP, HDBSCAN) and count each campaign's posts per
        narrative in `campaign_narratives`.
    supervised: learn weights from labels; supervised_origin: which labels (default analyst verdicts).
    random_state: seeds every random step.
    """

    since: str | None = None
    until: str | None = None
    target_terms: tuple[str, ...] = ()
    competitor_terms: tuple[str, ...] = ()
    coordination: dict = field(default_factory=dict)
    families: dict = field(default_factory=dict)
    forensics: dict = field(default_factory=dict)
    score_threshold: float = 0.2
    min_fired: int = 2
    min_flagged_neighbours: int = 2
    min_neighbour_share: float = 0.5
    weights: dict | None = None
    min_campaign_accounts: int = 3
    campaign_grouping: str = "components"
    campaign_links: tuple[str, ...] = ("coordination",)
    narratives: bool = False
    narrative_params: dict = field(default_factory=dict)
    supervised: bool = False
    supervised_origin: str = "analyst"
    random_state: int = 0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True, default=list)

    @classmethod
    def from_json(cls, text: str) -> "AnalysisParams":
        """The parameters `to_json` wrote (as stored with a run); lists become tuples again."""
        values = json.loads(text)
        known = {f.name: f for f in dataclasses.fields(cls)}
        values = {k: v for k, v in values.items() if k in known}
        for name in ("target_terms", "competitor_terms", "campaign_links"):
            if isinstance(values.get(name), list):
                values[name] = tuple(values[name])
        return cls(**values)


@dataclass
class Analysis:
    """Results of `run_analysis` (all frames sorted deterministically; see docs/forensics.md)."""

    run_id: str
    params: AnalysisParams
    versions: dict
    sources: pl.DataFrame
    account_signals: pl.DataFrame
    account_features: pl.DataFrame
    account_scores: pl.DataFrame
    coordination_edges: pl.DataFrame
    coordination_fused_edges: pl.DataFrame
    coordination_nodes: pl.DataFrame
    communities: pl.DataFrame
    hot_objects: pl.DataFrame
    families: pl.DataFrame
    family_assignments: pl.DataFrame
    campaign_accounts: pl.DataFrame
    campaigns: pl.DataFrame
    campaign_timeline: pl.DataFrame
    campaign_families: pl.DataFrame
    share_of_voice: pl.DataFrame
    verdicts: pl.DataFrame
    tells: pl.DataFrame
    coordinated_groups: pl.DataFrame = field(default_factory=pl.DataFrame)
    significant_pairs: pl.DataFrame = field(default_factory=pl.DataFrame)
    narrative_posts: pl.DataFrame = field(default_factory=pl.DataFrame)
    narrative_clusters: pl.DataFrame = field(default_factory=pl.DataFrame)
    narrative_map: pl.DataFrame = field(default_factory=pl.DataFrame)
    campaign_narratives: pl.DataFrame = field(default_factory=pl.DataFrame)
    network: object = None  # the fitted CoordinationNetwork; None for a run read back from the store
    account_posts: pl.DataFrame | None = None  # post_id, account_id of the analysed posts (for evidence look-ups)
    timings: dict = field(default_factory=dict)  # step -> seconds (for benchmarks; not stored, not in packs)

    NARRATIVE_FRAMES = ("narrative_posts", "narrative_clusters", "narrative_map", "campaign_narratives")
    FRAMES = (
        "account_signals", "account_features", "account_scores", "coordination_edges", "coordination_fused_edges",
        "coordination_nodes", "communities", "hot_objects", "families", "family_assignments", "campaign_accounts",
        "campaigns", "campaign_timeline", "campaign_families", "share_of_voice", "verdicts", "tells",
        "coordinated_groups", "significant_pairs",
    )
    STORED_FRAMES = FRAMES + ("edge_posts", "sources") + NARRATIVE_FRAMES  # what `save` writes and `load` reads

    def __post_init__(self):
        # Every frame carries exactly the columns workbench/schema.py declares for it, in their types (an
        # optional column the run lacks is NULL), fresh or loaded: readers never ask whether a column exists.
        # A frame without columns is a step that did not run (narratives off).
        from workbench.store import conform_result

        for name in self.STORED_FRAMES:
            frame = self.__dict__.get(name)
            if frame is not None and frame.width:
                self.__dict__[name] = conform_result(name, frame)

    @classmethod
    def load(cls, store, run_id: str | None = None) -> "Analysis":
        """A stored run, whole: every frame it saved, its parameters and versions (narratives included when
        that run computed them, never taken from another run). run_id None: the latest complete run.
        Raises RunNotFoundError (a WorkbenchError) naming the stored runs when there is no such run.
        The coordination network itself is not stored: `edge_evidence` answers from the stored post pairs."""
        from workbench.store import RunNotFoundError, empty_result

        if run_id is None:
            run_id = store.latest_run()
            if run_id is None:
                raise RunNotFoundError(f"no complete analysis run is stored for {store.path}: run "
                                       "`workbench analyze --save` (or `Analysis.save`) first")
        info, frames = store.load_run(run_id)
        params = AnalysisParams.from_json(info["params"])
        posts = store.posts(columns=["post_id", "account_id"], since=params.since, until=params.until)

        def frame(name: str) -> pl.DataFrame:
            if name in frames:
                return frames[name]
            # a frame the run did not compute: narratives are "not computed" (no columns), others "none found"
            return pl.DataFrame() if name in cls.NARRATIVE_FRAMES else empty_result(name)

        loaded = cls(
            run_id=run_id, params=params, versions=json.loads(info["versions"] or "{}"),
            **{name: frame(name) for name in cls.STORED_FRAMES if name != "edge_posts"},
            network=None, account_posts=posts.sort("post_id"),
        )
        loaded.__dict__["edge_posts"] = frame("edge_posts")  # the stored pairs, in place of the cached property
        return loaded

    @functools.cached_property
    def edge_posts(self) -> pl.DataFrame:
        """The post pairs behind the strongest edges and behind each campaign's strongest member edges
        (`edge_posts_of`); computed from the network on first use (saving, an evidence pack), stored with the run."""
        if self.network is None:
            return empty_edge_posts()
        return edge_posts_of(self.network, self.coordination_fused_edges, self.campaign_accounts)

    def suspicious_accounts(self) -> list[str]:
        """Flagged accounts, sorted."""
        return self.account_scores.filter(pl.col("flagged"))["account_id"].sort().to_list()

    def edge_evidence(self, account_a: str, account_b: str) -> pl.DataFrame:
        """The post pairs behind a coordination edge (see CoordinationNetwork.evidence), `account_a` first.
        A run read back from the store answers from its stored pairs (`edge_posts`)."""
        if self.network is not None:
            return self.network.evidence(account_a, account_b)
        forward = self.edge_posts.filter((pl.col("account_a") == account_a) & (pl.col("account_b") == account_b))
        backward = self.edge_posts.filter((pl.col("account_a") == account_b) & (pl.col("account_b") == account_a)).rename({
            "account_a": "account_b", "account_b": "account_a", "post_id_a": "post_id_b", "post_id_b": "post_id_a",
            "created_at_a": "created_at_b", "created_at_b": "created_at_a"})
        return pl.concat([forward, backward.select(forward.columns)]).sort(["signal", "created_at_a", "post_id_a", "post_id_b"])

    def account_evidence(self, account_id: str, max_partners: int = 10) -> dict[str, pl.DataFrame]:
        """Everything behind one account's score: its signal rows (value, baseline, threshold, fired,
        detail), its coordination edges, the post pairs behind its `max_partners` strongest edges, its
        posts that belong to near-duplicate families (with the family's size and accounts), and its posts
        with AI-text tells."""
        edges = self.coordination_fused_edges.filter(
            (pl.col("account_a") == account_id) | (pl.col("account_b") == account_id)
        ).sort(["weight", "account_a", "account_b"], descending=[True, False, False])
        partners = [b if a == account_id else a for a, b in edges.head(max_partners).select("account_a", "account_b").iter_rows()]
        pairs = [self.edge_evidence(account_id, partner) for partner in partners]
        pairs = [p for p in pairs if p.height]
        own_families = self.family_assignments
        return {
            "signals": self.account_signals.filter(pl.col("account_id") == account_id),
            "edges": edges,
            "edge_posts": pl.concat(pairs) if pairs else pl.DataFrame(),
            "family_posts": own_families.filter(pl.col("post_id").is_in(self._posts_of(account_id)))
            .join(self.families.with_columns(pl.col("family_id").cast(pl.String)).select("family_id", "size", "accounts"), on="family_id", how="left")
            .sort(["family_id", "post_id"]),
            "tells": self.tells.filter(pl.col("account_id") == account_id),
        }

    def _posts_of(self, account_id: str) -> list[str]:
        if self.account_posts is None:
            return []
        return self.account_posts.filter(pl.col("account_id") == account_id)["post_id"].to_list()

    def save(self, store) -> str:
        """Store the run (every frame of `STORED_FRAMES` that was computed, its parameters, versions and
        corpus fingerprint) in one transaction; see `Store.save_run`. Returns the run id."""
        frames = {name: getattr(self, name) for name in self.STORED_FRAMES if getattr(self, name).width}
        return store.save_run(self.run_id, frames, json.loads(self.params.to_json()), kind="analysis",
                              versions=self.versions, corpus_fingerprint=corpus_fingerprint(self.sources))

    def strongest_edge_evidence(self, top: int = STRONGEST_EDGES) -> pl.DataFrame:
        """The post pairs behind the `top` strongest fused coordination edges (weight desc, then ids)."""
        edges = self.coordination_fused_edges.sort(["weight", "account_a", "account_b"], descending=[True, False, False]).head(top)
        pairs = [self.edge_evidence(a, b) for a, b in edges.select("account_a", "account_b").iter_rows()]
        return edge_posts_frame(pairs)

    def report_frames(self) -> dict[str, pl.DataFrame]:
        """The frames under the names `workbench.report.sections.RESULT_NAMES` reads."""
        return {
            "scores": self.account_scores,
            "signals": self.account_signals.with_columns(pl.col("detail").alias("evidence")),
            "edges": self.coordination_fused_edges.rename({"account_a": "source", "account_b": "target"}),
            "edge_evidence": self.strongest_edge_evidence(),
            "nodes": self.coordination_nodes,
            "communities": self.communities,
            "families": self.families,
            "tells": self.tells,
            "campaigns": self.campaigns,
            "campaign_accounts": self.campaign_accounts,
            "campaign_families": self.campaign_families,
            "coordinated_groups": self.coordinated_groups,
            **{name: getattr(self, name) for name in ("narrative_posts", "narrative_clusters", "narrative_map",
                                                      "campaign_narratives")
               if getattr(self, name).width},
        }


def corpus_fingerprint(sources: pl.DataFrame) -> str:
    """sha256 over the analysed sources' sha256, sorted: which corpus a run was made from."""
    digest = hashlib.sha256()
    for sha in sorted(sources["sha256"].to_list()) if "sha256" in sources.columns else []:
        digest.update(sha.encode())
    return digest.hexdigest()


def edge_posts_of(network, fused_edges: pl.DataFrame, members: pl.DataFrame,
                  strongest: int = STRONGEST_EDGES, per_campaign: int = CAMPAIGN_EDGES) -> pl.DataFrame:
    """The post pairs behind the `strongest` fused edges and behind each campaign's `per_campaign`
    strongest edges among its members, one block per edge in the fused edges' orientation."""
    ordered = fused_edges.sort(["weight", "account_a", "account_b"], descending=[True, False, False])
    chosen = [ordered.head(strongest).select("account_a", "account_b")]
    for (_campaign,), group in members.group_by("campaign_id", maintain_order=True):
        inside = group["account_id"].implode()
        chosen.append(ordered.filter(pl.col("account_a").is_in(inside) & pl.col("account_b").is_in(inside))
                      .head(per_campaign).select("account_a", "account_b"))
    pairs = pl.concat(chosen).unique(maintain_order=True)
    blocks = [network.evidence(a, b) for a, b in pairs.iter_rows()]
    return edge_posts_frame(blocks)


def edge_posts_frame(blocks: list[pl.DataFrame]) -> pl.DataFrame:
    """Blocks of post pairs (`CoordinationNetwork.evidence`) as one frame with the declared `edge_posts` columns."""
    blocks = [b for b in blocks if b.height]
    if not blocks:
        return empty_edge_posts()
    from workbench.store import conform_result

    return conform_result("edge_posts", pl.concat(blocks, how="diagonal_relaxed"))


def empty_edge_posts() -> pl.DataFrame:
    from workbench.store import empty_result

    return empty_result("edge_posts")


def make_run_id(params: AnalysisParams, sources: pl.DataFrame, custom_steps: dict[str, str] | None = None) -> str:
    """"run-" + a hash of the parameters, the sources' sha256 and any step that is not the default one."""
    digest = hashlib.sha256(params.to_json().encode())
    if custom_steps:
        digest.update(json.dumps(custom_steps, sort_keys=True).encode())
    for sha in sorted(sources["sha256"].to_list()) if "sha256" in sources.columns else []:
        digest.update(sha.encode())
    return "run-" + digest.hexdigest()[:12]


# What each step must hold after `fit` (its contract, checked so a replacement step fails clearly).
STEP_CONTRACTS = {
    "network": ("edges_", "fused_edges_", "nodes_", "communities_", "hot_objects_"),
    "families": ("families_", "assignments_"),
    "forensics": ("signals_", "features_"),
    "scorer": ("scores_",),
    "narratives": ("posts_", "clusters_", "map_"),
}


@dataclass
class Steps:
    """The estimators an analysis is made of. Any object with the same contract can replace one, as
    BERTopic takes its `umap_model` and `hdbscan_model`:

    network: `fit(posts) -> self`, then edges_, fused_edges_, nodes_, communities_, hot_objects_ and
        `evidence(account_a, account_b)` (default `workbench.coordination.CoordinationNetwork`)
    families: `fit(posts) -> self`, then families_, assignments_ (`workbench.text.families.NearDuplicateFamilies`)
    forensics: `fit(posts, accounts, events, family_assignments=, tell_post_ids=, coordination_nodes=) -> self`,
        then signals_, features_ (`workbench.forensics.features.AccountForensics`)
    scorer: `fit(signals, labels=None) -> self`, then scores_ (`workbench.forensics.scores.SuspicionScorer`)
    narratives: `fit(posts, store=None) -> self`, then posts_, clusters_, map_ (`NarrativeStep`), or None (off)

    `Steps.from_params(params)` builds the default steps; a run made with other steps gets another run id.
    """

    network: Any
    families: Any
    forensics: Any
    scorer: Any
    narratives: Any = None

    @classmethod
    def from_params(cls, params: AnalysisParams) -> "Steps":
        from workbench.coordination import CoordinationNetwork
        from workbench.text.families import NearDuplicateFamilies

        return cls(
            network=CoordinationNetwork(**{"random_state": params.random_state, **params.coordination}),
            families=NearDuplicateFamilies(**{"random_state": params.random_state, **params.families}),
            forensics=AccountForensics(**params.forensics),
            scorer=SuspicionScorer(weights=params.weights, threshold=params.score_threshold, min_fired=params.min_fired,
                                   supervised=params.supervised, random_state=params.random_state),
            narratives=NarrativeStep(**{"random_state": params.random_state, "target_terms": tuple(params.target_terms),
                                        "competitor_terms": tuple(params.competitor_terms), **params.narrative_params})
            if params.narratives else None,
        )

    def differences(self, params: AnalysisParams) -> dict[str, str]:
        """step -> description, for the steps that are not what `from_params(params)` builds."""
        default = Steps.from_params(params)
        return {name: _describe(getattr(self, name)) for name in STEP_CONTRACTS
                if _describe(getattr(self, name)) != _describe(getattr(default, name))}


class NarrativeStep:
    """The narrative step as an estimator: `fit_narratives_cached` (embeddings cached by text hash, the
    whole result kept in the store) with `NarrativeClusters` keywords (backend, sample_size, ...)."""

    def __init__(self, random_state: int = 0, **params):
        self.random_state = random_state
        self.params = params

    def fit(self, posts: pl.DataFrame, store=None, flagged_accounts=None) -> "NarrativeStep":
        """flagged_accounts: the run's flagged accounts, for each narrative's campaign drive."""
        model = fit_narratives_cached(posts, store, random_state=self.random_state, flagged_accounts=flagged_accounts,
                                      **self.params)
        self.posts_, self.clusters_, self.map_ = model.posts_, storable_clusters(model.clusters_), model.map_
        return self


def storable_clusters(clusters: pl.DataFrame) -> pl.DataFrame:
    """Narrative clusters as stored: the per-tactic share list (a list of structs) is left out; the
    cluster's tactic and tactic_share carry the decision."""
    return clusters.drop("tactic_shares", strict=False)


def _describe(step) -> str:
    """The class and the constructor values of a step (what makes it this step), as text."""
    if step is None:
        return "None"
    values = {k: v for k, v in vars(step).items() if not k.startswith("_") and not k.endswith("_")}
    return f"{type(step).__module__}.{type(step).__qualname__}" + json.dumps(
        values, sort_keys=True, default=lambda value: type(value).__qualname__)


def _fitted(step, name: str):
    """The step, after checking that fit left the attributes its contract promises."""
    missing = [attribute for attribute in STEP_CONTRACTS[name] if not hasattr(step, attribute)]
    if missing:
        raise WorkbenchError(f"the {name} step ({type(step).__name__}) has no {', '.join(missing)} after fit; "
                             f"a {name} step must set {', '.join(STEP_CONTRACTS[name])} (see workbench.pipeline.Steps)")
    return step


class _Clock:
    """Seconds per step (for benchmarks; not stored, not in packs)."""

    def __init__(self):
        self.timings: dict[str, float] = {}
        self._started = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._started, 2)
        self._started = now


def analyze_frames(
    posts: pl.DataFrame,
    accounts: pl.DataFrame | None,
    events: pl.DataFrame | None,
    labels: pl.DataFrame | None,
    sources: pl.DataFrame | None,
    params: AnalysisParams,
    cache=None,
    steps: Steps | None = None,
    progress=None,
) -> Analysis:
    """The analysis on in-memory canonical frames (what `run_analysis` calls after reading the store).

    cache: the Store, for the embedding and narrative caches when narratives are on.
    steps: the estimators to use (default `Steps.from_params(params)`); see `Steps` for their contracts.
    """
    from workbench.text.families import prepare_texts
    from workbench.text.tells import find_tells

    steps = steps or Steps.from_params(params)
    custom_steps = steps.differences(params)  # before fitting: fitted state is not what makes a step
    sources = sources if sources is not None else pl.DataFrame(schema={"source_id": pl.Int32, "path": pl.String, "sha256": pl.String})
    posts = posts.select([c for c in posts.columns if c != "raw"])
    if not posts["post_id"].is_sorted():  # a sorted copy would double the largest frame of the run
        posts = posts.sort("post_id")
    analyst = labels.filter(pl.col("origin") == "analyst") if labels is not None and labels.height else None
    clock = _Clock()

    def stage(name: str, detail: str = "") -> None:  # progress: a workbench.progress.Stages, or None
        if progress is not None:
            progress.advance(name, detail)

    stage("coordination", f"{posts.height:,} posts")
    network = _fitted(steps.network.fit(posts), "network")
    clock.lap("coordination_s")
    stage("near-duplicate families", f"{network.fused_edges_.height:,} account pairs so far")
    # Normalised and hashed once for families, tells and narratives (the text signals normalise their own:
    # held through the chance test, the column and its allocations raised the run's peak by 0.5 GB at 2.5M).
    if "text" in posts.columns:
        posts = prepare_texts(posts)
    families = _fitted(steps.families.fit(posts), "families")
    assignments = families.assignments_.with_columns(pl.col("family_id").cast(pl.String))
    clock.lap("families_s")
    stage("AI-text tells")
    tells = find_tells(posts)
    clock.lap("tells_s")
    stage("account signals", f"{posts['account_id'].n_unique():,} accounts")
    forensics = _fitted(steps.forensics.fit(
        posts, accounts, events, family_assignments=assignments, tell_post_ids=tells["post_id"].unique().sort(),
        coordination_nodes=network.nodes_.select(
            "account_id", "coordination_score", "flagged", "partners", "flag_reason", "shared_assets"),
    ), "forensics")
    clock.lap("account_signals_s")
    stage("scores and campaigns")
    training = _training_labels(labels, params.supervised_origin) if params.supervised else None
    scorer = _fitted(steps.scorer.fit(forensics.signals_, labels=training), "scorer")
    account_scores, account_signals = _network_rule(scorer.scores_, forensics.signals_, network, params)
    kinds = GroupKinds(params.target_terms, params.competitor_terms).fit(posts, accounts)
    group_kinds = kinds.classify(network.groups_.select("account_id", "group"))
    account_scores, account_signals = _group_rule(account_scores, account_signals, network, group_kinds)
    links = _campaign_links(params, account_scores, analyst, forensics.signals_, network, assignments, posts, accounts)
    if links is not None:
        links = separate_kinds(links, network.groups_, group_kinds)
    members = assemble_campaigns(account_scores, network.nodes_, analyst, params.min_campaign_accounts, fused_edges=links)
    members = absorb_fragments(members, posts, assignments)
    campaigns, timeline, campaign_families = campaign_summary(members, posts, accounts, events, assignments)
    campaign_kinds = kinds.classify(members.select("account_id", pl.col("campaign_id").alias("group")))
    campaigns = campaigns.join(
        campaign_kinds.select(pl.col("group").alias("campaign_id"), "kind", "kind_reasons"), on="campaign_id", how="left",
        maintain_order="left")
    smear_ids = campaigns.filter(pl.col("kind") == "smear")["campaign_id"]
    # Share of voice counts the operations against the target only, not fans or news feeds.
    voice = share_of_voice(posts, members.filter(pl.col("campaign_id").is_in(smear_ids.implode())), list(params.target_terms))
    clock.lap("scores_campaigns_s")
    narrative_frames = {}
    if steps.narratives is not None:
        stage("narratives", "embeddings, UMAP, HDBSCAN")
        narratives = _fitted(steps.narratives.fit(posts, cache, flagged_accounts=account_scores.filter(pl.col("flagged"))["account_id"]),
                             "narratives")
        narrative_frames = {"narrative_posts": narratives.posts_, "narrative_clusters": narratives.clusters_,
                            "narrative_map": narratives.map_,
                            "campaign_narratives": _campaign_narratives(narratives, posts, members)}
        clock.lap("narratives_s")

    return Analysis(
        run_id=make_run_id(params, sources, custom_steps),
        params=params,
        versions=package_versions(),
        sources=sources,
        account_signals=account_signals,
        account_features=forensics.features_,
        account_scores=account_scores,
        coordination_edges=network.edges_,
        coordination_fused_edges=network.fused_edges_,
        coordination_nodes=network.nodes_,
        communities=network.communities_,
        hot_objects=network.hot_objects_,
        families=families.families_,
        family_assignments=assignments,
        campaign_accounts=members,
        campaigns=campaigns,
        campaign_timeline=timeline,
        campaign_families=campaign_families,
        share_of_voice=voice,
        verdicts=analyst.sort(["entity_type", "entity_id", "label"]) if analyst is not None else pl.DataFrame(
            schema={"entity_type": pl.String, "entity_id": pl.String, "label": pl.String, "value": pl.String}),
        tells=tells,
        coordinated_groups=coordinated_group_summary(network.groups_, group_kinds, posts),
        significant_pairs=network.significant_pairs_,
        network=network,
        account_posts=posts.select("post_id", "account_id"),
        **narrative_frames,
        timings=clock.timings,
    )


def _network_rule(account_scores: pl.DataFrame, account_signals: pl.DataFrame, network, params: AnalysisParams):
    """Scores and signals after the network rule (`propagate_flags`; off with min_flagged_neighbours 0)."""
    if params.min_flagged_neighbours <= 0:
        return account_scores, account_signals
    account_scores = propagate_flags(account_scores, network.fused_edges_, params.min_flagged_neighbours,
                                     params.min_neighbour_share)
    account_signals = pl.concat([
        account_signals,
        network_signal_rows(account_scores, params.min_flagged_neighbours, params.min_neighbour_share),
    ]).sort("account_id", maintain_order=True)
    return account_scores, account_signals


def _group_rule(account_scores: pl.DataFrame, account_signals: pl.DataFrame, network, group_kinds: pl.DataFrame):
    """Scores and signals after the group rule: members of smear groups (co-action significant against chance,
    pushing negative content about the target) are flagged, and so are the accounts that pushed their assets
    (`workbench.forensics.kinds`)."""
    groups = network.groups_
    if groups.is_empty():
        return account_scores, account_signals
    account_scores = flag_smear_groups(account_scores, groups, group_kinds)
    smear_members = groups.join(group_kinds.filter(pl.col("kind") == "smear"), on="group", how="semi")
    if smear_members.height:
        account_scores = flag_asset_pushers(account_scores, network.asset_pushers(smear_members["account_id"]))
    account_signals = pl.concat([account_signals, group_signal_rows(groups, group_kinds)]).sort("account_id", maintain_order=True)
    return account_scores, account_signals


def _campaign_links(params: AnalysisParams, account_scores, analyst, signals, network, assignments, posts, accounts):
    """The links that join flagged (and analyst-confirmed) accounts into campaigns, or None to group by the
    network's communities (`params.campaign_grouping`)."""
    if params.campaign_grouping not in ("components", "communities"):
        raise ValueError("campaign_grouping must be 'components' or 'communities'")
    if params.campaign_grouping == "communities":
        return None
    candidates = account_scores.filter(pl.col("flagged"))["account_id"].to_list()
    if analyst is not None:  # analyst-confirmed accounts are candidates too
        candidates += analyst.filter(
            (pl.col("entity_type") == "account") & (pl.col("label") == "verdict") & (pl.col("value") == "confirmed")
        )["entity_id"].to_list()
    burst = signals.filter((pl.col("signal") == "registration_burst") & pl.col("fired"))["account_id"].to_list()
    coordination = pl.concat([
        network.fused_edges_.select("account_a", "account_b"),
        network.significant_pairs_.select("account_a", "account_b"),
        network.shared_asset_links(candidates).select("account_a", "account_b"),
    ])
    return campaign_links(
        candidates,
        coordination if "coordination" in params.campaign_links else None,
        assignments if "family" in params.campaign_links else None,
        posts,
        accounts if "registration" in params.campaign_links else None,
        burst,
    )


def _campaign_narratives(narratives, posts: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """Each campaign's posts per narrative, with the narrative's size, keywords and tactic."""
    clusters = narratives.clusters_
    return (
        narratives.posts_.select("post_id", "cluster")
        .join(posts.select("post_id", "account_id"), on="post_id")
        .join(members.select("campaign_id", "account_id"), on="account_id")
        .group_by(["campaign_id", "cluster"]).agg(pl.len().alias("posts"))
        .join(clusters.select([c for c in ("cluster", "size", "keywords", "tactic") if c in clusters.columns]),
              on="cluster", how="left")
        .sort(["campaign_id", "posts", "cluster"], descending=[False, True, False])
    )


NARRATIVE_RESULTS = ("narrative_posts", "narrative_clusters", "narrative_map")


def fit_narratives_cached(posts: pl.DataFrame, store=None, **params):
    """`fit_narratives` with its embeddings cached by text hash and its whole result kept in the store as a
    run of kind "narratives" (keyed by corpus fingerprint, backend and parameters), so a rerun on the same
    corpus reads it back instead of refitting. store None: no cache."""
    from workbench.errors import WorkbenchError
    from workbench.text.narratives import fit_narratives

    def stored(key: str):
        try:
            return store.load_run(key, kind="narratives")[1]
        except WorkbenchError:  # not stored yet: the normal first run
            return None

    model = fit_narratives(posts, cache=store, lookup=stored if store is not None else None, **params)
    if store is not None and not model.cache_hit_:
        frames = {"narrative_posts": model.posts_, "narrative_clusters": storable_clusters(model.clusters_),
                  "narrative_map": model.map_}
        store.save_run(model.run_id_, frames, model.settings_, kind="narratives", versions=package_versions())
    return model


def _training_labels(labels: pl.DataFrame | None, origin: str) -> pl.DataFrame:
    """account_id, is_campaign from verdicts (analyst: confirmed/rejected) or ground truth (is_campaign)."""
    if labels is None or labels.height == 0:
        raise ValueError("supervised scoring needs labels; none are stored")
    rows = labels.filter((pl.col("origin") == origin) & (pl.col("entity_type") == "account"))
    if origin == "analyst":
        rows = rows.filter(pl.col("label") == "verdict").select(
            pl.col("entity_id").alias("account_id"), (pl.col("value") == "confirmed").alias("is_campaign")
        )
    else:
        rows = rows.filter(pl.col("label") == "is_campaign").select(
            pl.col("entity_id").alias("account_id"), pl.col("value").str.to_lowercase().is_in(["true", "1", "yes"]).alias("is_campaign")
        )
    return rows


analyse_frames = analyze_frames  # the older spelling, kept for existing notebooks and scripts


def analyze(store, params: AnalysisParams | None = None, **knobs) -> Analysis:
    """The analysis of a corpus: the public entry point (`from workbench import analyze`).

    store: a `Store`, or the path of a corpus database (opened read-only for the analysis).
    knobs: the user-facing parameters by name (`workbench.params.KNOBS`: target_terms, since, until, window_s,
        min_edge_weight, score_threshold, narratives, embedding_backend, narrative_sample_size, seed), or
    params: a whole `AnalysisParams` for everything else. Returns the `Analysis`; `analysis.save(store)`
    stores it as a run that the report, verdict, export-evidence and network read.
    """
    from workbench.errors import ParameterError
    from workbench.params import analysis_params

    if params is not None and knobs:
        raise ParameterError("give either params or knobs, not both")
    params = params if params is not None else analysis_params(knobs)
    if isinstance(store, (str, bytes)) or hasattr(store, "__fspath__"):
        from workbench.store import Store

        with Store(store, read_only=True) as opened:
            return run_analysis(opened, params)
    return run_analysis(store, params)


def run_analysis(store, params: AnalysisParams | None = None, progress=None) -> Analysis:
    """Read the corpus from `store` (read-only is enough) and analyse it. See `analyze_frames`."""
    params = params or AnalysisParams()
    # No local name holds the posts: analyze_frames then owns the only reference and the frame is freed as
    # soon as the analysis is done with it (a local here kept a second full copy alive, 1 GB at 2.5M posts).
    return analyze_frames(store.posts(since=params.since, until=params.until, order="post_id"), store.accounts(),
                          store.events(), store.labels(), store.sources(), params, cache=store, progress=progress)
