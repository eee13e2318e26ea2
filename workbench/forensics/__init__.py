"""Account forensics, explainable suspicion scores, campaigns and share of voice.

Analysis only: polars frames in and out, no database, no files (the pipeline reads and writes the store;
evidence packs are written by `workbench.evidence`). See docs/forensics.md.

    AccountForensics(...).fit(posts, accounts, events, family_assignments, tell_post_ids, coordination_nodes)
        .signals_ / .features_
    SuspicionScorer(...).fit(signals) .scores_ ; propagate_flags(scores, edges)
    campaign_links(...), assemble_campaigns(...), campaign_summary(...), share_of_voice(...), verdict_labels(...)
"""
from workbench.forensics.baseline import SIGNAL_SCHEMA
from workbench.forensics.campaigns import (
    assemble_campaigns,
    campaign_links,
    campaign_summary,
    share_of_voice,
    verdict_labels,
)
from workbench.forensics.features import SIGNALS, AccountForensics
from workbench.forensics.scores import DEFAULT_WEIGHTS, IDENTITY_SIGNALS, SuspicionScorer, propagate_flags

__all__ = [
    "SIGNAL_SCHEMA", "SIGNALS", "AccountForensics", "SuspicionScorer", "propagate_flags", "DEFAULT_WEIGHTS",
    "IDENTITY_SIGNALS", "campaign_links", "assemble_campaigns", "campaign_summary", "share_of_voice",
    "verdict_labels",
]
