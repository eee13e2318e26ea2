"""The whole analysis of a store: coordination + near-duplicate families + account forensics + scores +
campaigns + share of voice, with one parameters dataclass and deterministic results.

    from workbench.pipeline import AnalysisParams, run_analysis
    with Store(db, read_only=True) as store:
        analysis = run_analysis(store, AnalysisParams(target_terms=["Xiaomi", "小米"]))
    analysis.campaigns, analysis.account_scores, analysis.share_of_voice ...

`Analysis` holds polars frames (documented in docs/forensics.md) plus the fitted coordination network
(for `analysis.edge_evidence(a, b)`). `analysis.save(store)` persists every frame through
`Store.save_result` under `analysis.run_id`, which is a hash of the parameters and the sources' sha256
(no wall-clock time), so the same corpus and parameters give the same run id.

Ground-truth labels are never read by the default: only analyst verdicts (origin ``analyst``) shape
campaigns; the supervised option learns from analyst verdicts unless `supervised_origin` says otherwise.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass, field
from importlib import metadata

import polars as pl

from workbench.forensics.campaigns import assemble_campaigns, campaign_links, campaign_summary, share_of_voice
from workbench.forensics.features import AccountForensics
from workbench.forensics.scores import SuspicionScorer, network_signal_rows, propagate_flags

PACKAGES = ("workbench", "polars", "duckdb", "numpy", "scikit-learn", "igraph", "leidenalg")


@dataclass(frozen=True)
class AnalysisParams:
    """Every knob of an analysis run (all plain values, so they serialise to JSON for the manifest).

    since, until: ISO dates limiting the posts analysed (None: all).
    target_terms: words that make a post "about the target" for share of voice (case-insensitive);
        empty: every post counts.
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
        coordination network), "family" (same near-duplicate family), "registration" (same registration
        burst day); see `workbench.forensics.campaigns.campaign_links`.
    narratives: also embed and cluster the posts into narratives (`workbench.text.narratives.fit_narratives`
        with `narrative_params`; slower: embeddings, UMAP, HDBSCAN) and count each campaign's posts per
        narrative in `campaign_narratives`.
    supervised: learn weights from labels; supervised_origin: which labels (default analyst verdicts).
    random_state: seeds every random step.
    """

    since: str | None = None
    until: str | None = None
    target_terms: tuple[str, ...] = ()
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
    campaign_links: tuple[str, ...] = ("coordination", "family", "registration")
    narratives: bool = False
    narrative_params: dict = field(default_factory=dict)
    supervised: bool = False
    supervised_origin: str = "analyst"
    random_state: int = 0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True, default=list)


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
    narrative_posts: pl.DataFrame = field(default_factory=pl.DataFrame)
    narrative_clusters: pl.DataFrame = field(default_factory=pl.DataFrame)
    narrative_map: pl.DataFrame = field(default_factory=pl.DataFrame)
    campaign_narratives: pl.DataFrame = field(default_factory=pl.DataFrame)
    network: object = None
    account_posts: pl.DataFrame | None = None  # post_id, account_id of the analysed posts (for evidence look-ups)
    timings: dict = field(default_factory=dict)  # step -> seconds (for benchmarks; not stored, not in packs)

    NARRATIVE_FRAMES = ("narrative_posts", "narrative_clusters", "narrative_map", "campaign_narratives")
    FRAMES = (
        "account_signals", "account_features", "account_scores", "coordination_edges", "coordination_fused_edges",
        "coordination_nodes", "communities", "hot_objects", "families", "family_assignments", "campaign_accounts",
        "campaigns", "campaign_timeline", "campaign_families", "share_of_voice", "verdicts", "tells",
    )

    def suspicious_accounts(self) -> list[str]:
        """Flagged accounts, sorted."""
        return self.account_scores.filter(pl.col("flagged"))["account_id"].sort().to_list()

    def edge_evidence(self, account_a: str, account_b: str) -> pl.DataFrame:
        """The post pairs behind a coordination edge (see CoordinationNetwork.evidence)."""
        return self.network.evidence(account_a, account_b)

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
        """Persist every frame as `result_<name>` tagged with run_id (in the store's cache database)."""
        params = json.loads(self.params.to_json())
        for name in self.FRAMES + self.NARRATIVE_FRAMES:
            frame = getattr(self, name)
            if frame.width:  # narratives are optional: nothing to store when they were not computed
                store.save_result(self.run_id, name, frame, params)
        for name, frame in self.report_frames().items():
            store.save_result(self.run_id, name, frame, params)
        return self.run_id

    def strongest_edge_evidence(self, top: int = 50) -> pl.DataFrame:
        """The post pairs behind the `top` strongest fused coordination edges (weight desc, then ids)."""
        edges = self.coordination_fused_edges.sort(["weight", "account_a", "account_b"], descending=[True, False, False]).head(top)
        pairs = [self.edge_evidence(a, b) for a, b in edges.select("account_a", "account_b").iter_rows()] if self.network else []
        pairs = [p for p in pairs if p.height]
        return pl.concat(pairs) if pairs else pl.DataFrame(
            schema={"signal": pl.String, "account_a": pl.String, "post_id_a": pl.String, "account_b": pl.String, "post_id_b": pl.String}
        )

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
            **({"narratives": self.narrative_map} if self.narrative_map.width else {}),
        }


def package_versions() -> dict[str, str]:
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "workbench":
                from workbench import __version__

                out[name] = __version__
            else:
                out[name] = "not installed"
    return out


def make_run_id(params: AnalysisParams, sources: pl.DataFrame) -> str:
    digest = hashlib.sha256(params.to_json().encode())
    for sha in sorted(sources["sha256"].to_list()) if "sha256" in sources.columns else []:
        digest.update(sha.encode())
    return "run-" + digest.hexdigest()[:12]


def analyse_frames(
    posts: pl.DataFrame,
    accounts: pl.DataFrame | None,
    events: pl.DataFrame | None,
    labels: pl.DataFrame | None,
    sources: pl.DataFrame | None,
    params: AnalysisParams,
    cache=None,
) -> Analysis:
    """The analysis on in-memory canonical frames (what `run_analysis` calls after reading the store).
    cache: the Store, for the embedding and narrative caches when `params.narratives` is on."""
    from workbench.coordination import CoordinationNetwork
    from workbench.text.families import NearDuplicateFamilies

    sources = sources if sources is not None else pl.DataFrame(schema={"source_id": pl.Int32, "path": pl.String, "sha256": pl.String})
    posts = posts.select([c for c in posts.columns if c != "raw"]).sort("post_id")
    analyst = (
        labels.filter(pl.col("origin") == "analyst") if labels is not None and labels.height else None
    )

    coordination_args = {"random_state": params.random_state, **params.coordination}
    clock = time.perf_counter()
    timings = {}
    network = CoordinationNetwork(**coordination_args).fit(posts)
    timings["coordination_s"], clock = time.perf_counter() - clock, time.perf_counter()
    families_model = NearDuplicateFamilies(**{"random_state": params.random_state, **params.families}).fit(posts)
    assignments = families_model.assignments_.with_columns(pl.col("family_id").cast(pl.String))
    timings["families_s"], clock = time.perf_counter() - clock, time.perf_counter()

    from workbench.text.tells import find_tells

    tells_found = find_tells(posts)
    tells = tells_found["post_id"].unique().sort()
    timings["tells_s"], clock = time.perf_counter() - clock, time.perf_counter()

    forensics = AccountForensics(**params.forensics).fit(
        posts, accounts, events, family_assignments=assignments, tell_post_ids=tells,
        coordination_nodes=network.nodes_.select(
            "account_id", "coordination_score", "flagged", "partners", "flag_reason", "shared_assets"
        ),
    )
    scorer = SuspicionScorer(
        weights=params.weights, threshold=params.score_threshold, min_fired=params.min_fired,
        supervised=params.supervised, random_state=params.random_state,
    )
    timings["account_signals_s"], clock = time.perf_counter() - clock, time.perf_counter()
    training = None
    if params.supervised:
        training = _training_labels(labels, params.supervised_origin)
    scorer.fit(forensics.signals_, labels=training)
    account_scores = scorer.scores_
    account_signals = forensics.signals_
    if params.min_flagged_neighbours > 0:
        account_scores = propagate_flags(
            account_scores, network.fused_edges_, params.min_flagged_neighbours, params.min_neighbour_share
        )
        account_signals = pl.concat([
            account_signals,
            network_signal_rows(account_scores, params.min_flagged_neighbours, params.min_neighbour_share),
        ]).sort("account_id", maintain_order=True)

    if params.campaign_grouping not in ("components", "communities"):
        raise ValueError("campaign_grouping must be 'components' or 'communities'")
    links = None
    if params.campaign_grouping == "components":
        candidates = account_scores.filter(pl.col("flagged"))["account_id"].to_list()
        if analyst is not None:  # analyst-confirmed accounts are candidates too
            candidates += analyst.filter(
                (pl.col("entity_type") == "account") & (pl.col("label") == "verdict") & (pl.col("value") == "confirmed")
            )["entity_id"].to_list()
        burst = forensics.signals_.filter((pl.col("signal") == "registration_burst") & pl.col("fired"))["account_id"].to_list()
        links = campaign_links(
            candidates,
            network.fused_edges_ if "coordination" in params.campaign_links else None,
            assignments if "family" in params.campaign_links else None,
            posts,
            accounts if "registration" in params.campaign_links else None,
            burst,
        )
    members = assemble_campaigns(account_scores, network.nodes_, analyst, params.min_campaign_accounts, fused_edges=links)
    campaigns, timeline, campaign_families = campaign_summary(members, posts, accounts, events, assignments)
    sov = share_of_voice(posts, members, list(params.target_terms))
    timings["scores_campaigns_s"] = time.perf_counter() - clock
    narrative_frames = {}
    if params.narratives:
        from workbench.text.narratives import fit_narratives

        clock = time.perf_counter()
        flagged_accounts = account_scores.filter(pl.col("flagged"))["account_id"]
        model = fit_narratives(posts, cache=cache, flagged_accounts=flagged_accounts,
                               **{"random_state": params.random_state, "target_terms": params.target_terms,
                                  **params.narrative_params})
        narrative_frames = {
            "narrative_posts": model.posts_, "narrative_clusters": model.clusters_, "narrative_map": model.map_,
            "campaign_narratives": (
                model.posts_.select("post_id", "cluster")
                .join(posts.select("post_id", "account_id"), on="post_id")
                .join(members.select("campaign_id", "account_id"), on="account_id")
                .group_by(["campaign_id", "cluster"]).agg(pl.len().alias("posts"))
                .join(model.clusters_.select([c for c in ("cluster", "size", "keywords", "tactic") if c in model.clusters_.columns]),
                      on="cluster", how="left")
                .sort(["campaign_id", "posts", "cluster"], descending=[False, True, False])
            ),
        }
        timings["narratives_s"] = time.perf_counter() - clock
    verdicts = analyst.sort(["entity_type", "entity_id", "label"]) if analyst is not None else pl.DataFrame(
        schema={"entity_type": pl.String, "entity_id": pl.String, "label": pl.String, "value": pl.String}
    )
    return Analysis(
        run_id=make_run_id(params, sources),
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
        families=families_model.families_,
        family_assignments=assignments,
        campaign_accounts=members,
        campaigns=campaigns,
        campaign_timeline=timeline,
        campaign_families=campaign_families,
        share_of_voice=sov,
        verdicts=verdicts,
        tells=tells_found,
        network=network,
        account_posts=posts.select("post_id", "account_id"),
        **narrative_frames,
        timings={k: round(v, 2) for k, v in timings.items()},
    )


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


def run_analysis(store, params: AnalysisParams | None = None) -> Analysis:
    """Read the corpus from `store` (read-only is enough) and analyse it. See `analyse_frames`."""
    params = params or AnalysisParams()
    posts = store.posts(since=params.since, until=params.until)
    return analyse_frames(posts, store.accounts(), store.events(), store.labels(), store.sources(), params, cache=store)
