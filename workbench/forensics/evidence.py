"""Evidence pack: one folder per campaign that a lawyer or a platform can check on its own.

`write_evidence_pack(analysis, campaign_id, out_dir, posts, accounts)` writes:

- ``README.md``          what the files are and how they were made
- ``manifest.json``      campaign, run id, parameters, package versions, sources (path, sha256), and the
                         sha256 of every other file in the pack
- ``campaign.csv``       the campaign summary row
- ``accounts.csv``       member accounts: profile fields, suspicion score, the signals that fired
- ``signals.csv``        every signal row of the members (value, baseline, threshold, fired, detail)
- ``posts.jsonl``        the members' posts, text exactly as stored (JSON-escaped: NUL bytes and
                         markup stay inert), with their near-duplicate family
- ``edges.csv``          coordination edges between members (fused weight, per-signal weights)
- ``edge_posts.csv``     the post pairs behind each edge (signal, both posts, shared object, similarity)
- ``families.csv``       the near-duplicate families the campaign used, with their representative text
- ``sources.csv``        the ingested files with their sha256

CSV cells that a spreadsheet would execute (text starting with = + - @, tab or CR) get a leading single
quote (`workbench.csvsafe`); posts.jsonl keeps text exactly. The folder must be new or empty (or
`replace=True`): every file in it is hashed into manifest.json.

Same inputs give byte-identical files: rows are sorted, floats have a fixed precision, times are ISO
with microseconds, JSON keys are sorted, and no wall-clock time is written anywhere.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from workbench.csvsafe import write_csv

FLOAT_PRECISION = 6
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.6f"


def _csv(frame: pl.DataFrame, path: Path) -> None:
    # List columns joined with "|"; text a spreadsheet would run as a formula gets a leading quote (csvsafe).
    write_csv(frame, path, float_precision=FLOAT_PRECISION, datetime_format=DATETIME_FORMAT, date_format="%Y-%m-%d", line_terminator="\n")


def _jsonl(frame: pl.DataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in frame.iter_rows(named=True):
            clean = {k: (v.strftime("%Y-%m-%dT%H:%M:%S.%f") if hasattr(v, "strftime") else v) for k, v in row.items()}
            handle.write(json.dumps(clean, ensure_ascii=True, sort_keys=True, allow_nan=False) + "\n")


def _prepare_folder(out: Path, replace: bool) -> Path:
    """`out`, existing and empty: a pack is the whole folder, and manifest.json hashes every file in it."""
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a folder")
    present = sorted(out.iterdir()) if out.exists() else []
    if present and not replace:
        shown = ", ".join(p.name for p in present[:5]) + (", ..." if len(present) > 5 else "")
        raise FileExistsError(f"the output folder {out} is not empty ({shown}); choose a new folder, or pass --force "
                              "to delete its files and write the pack there")
    if any(p.is_dir() for p in present):
        raise FileExistsError(f"the output folder {out} holds subfolders; it is not an evidence pack, so it is not replaced")
    for path in present:
        path.unlink()
    out.mkdir(parents=True, exist_ok=True)
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_evidence_pack(
    analysis,
    campaign_id: str,
    out_dir: str | Path,
    posts: pl.DataFrame,
    accounts: pl.DataFrame | None = None,
    max_edges: int = 2000,
    replace: bool = False,
) -> Path:
    """Write the evidence pack of `campaign_id` into `out_dir` (created if missing).

    analysis: a `workbench.pipeline.Analysis`; posts/accounts: the canonical frames it was run on.
    max_edges: the strongest edges whose post pairs are written (all edges are listed in edges.csv).
    replace: an `out_dir` that is not empty is refused (its files would be hashed into the manifest as
        if they were the pack's); with replace=True its files are deleted first (never its subfolders).
    Returns the folder. Raises KeyError for an unknown campaign, FileExistsError for a non-empty folder.
    """
    campaign = analysis.campaigns.filter(pl.col("campaign_id") == campaign_id)
    if campaign.height == 0:
        known = ", ".join(analysis.campaigns["campaign_id"].to_list()) or "none"
        raise KeyError(f"no campaign {campaign_id!r} in this analysis (campaigns: {known})")
    out = _prepare_folder(Path(out_dir), replace)
    members = analysis.campaign_accounts.filter(pl.col("campaign_id") == campaign_id).sort("account_id")
    member_ids = members["account_id"].to_list()

    _csv(campaign, out / "campaign.csv")

    profile_columns = ["account_id", "platform", "handle", "display_name", "created_at", "followers", "following", "posts_count", "verified"]
    account_rows = members.select("account_id", "score", "fired_signals", "verdict").join(
        analysis.account_scores.select("account_id", "flag_reason", "rank"), on="account_id", how="left"
    )
    if accounts is not None:
        # Every member is listed: a member without a profile row keeps its row, with empty profile fields.
        profiles = accounts.select([c for c in profile_columns if c in accounts.columns]).unique("account_id", keep="first", maintain_order=True)
        account_rows = account_rows.join(profiles, on="account_id", how="left").select(
            *[c for c in profile_columns if c in profiles.columns],
            *[c for c in account_rows.columns if c not in profiles.columns])
    _csv(account_rows.sort("account_id"), out / "accounts.csv")
    _csv(analysis.account_signals.filter(pl.col("account_id").is_in(member_ids)).sort(["account_id", "signal"]), out / "signals.csv")

    post_columns = [
        "post_id", "platform", "account_id", "created_at", "kind", "text", "lang", "parent_post_id", "shared_post_id",
        "urls", "hashtags", "mentions", "source_app", "like_count", "repost_count", "reply_count", "source_id", "source_row",
    ]
    member_posts = (
        posts.filter(pl.col("account_id").is_in(member_ids))
        .select([c for c in post_columns if c in posts.columns])
        .join(analysis.family_assignments.select("post_id", "family_id"), on="post_id", how="left")
        .sort(["created_at", "post_id"])
    )
    _jsonl(member_posts, out / "posts.jsonl")

    edges = (
        analysis.coordination_fused_edges.filter(pl.col("account_a").is_in(member_ids) & pl.col("account_b").is_in(member_ids))
        .sort(["weight", "account_a", "account_b"], descending=[True, False, False])
    )
    _csv(edges, out / "edges.csv")
    pairs = [analysis.edge_evidence(a, b) for a, b in edges.head(max_edges).select("account_a", "account_b").iter_rows()]
    pairs = [p for p in pairs if p.height]
    edge_posts = pl.concat(pairs) if pairs else pl.DataFrame(schema={"signal": pl.String, "account_a": pl.String, "post_id_a": pl.String})
    if edge_posts.height:
        edge_posts = edge_posts.sort(["account_a", "account_b", "signal", "post_id_a", "post_id_b"])
    _csv(edge_posts, out / "edge_posts.csv")

    family_ids = analysis.campaign_families.filter(pl.col("campaign_id") == campaign_id).select("family_id", pl.col("posts").alias("campaign_posts"))
    families = analysis.families.with_columns(pl.col("family_id").cast(pl.String)).join(family_ids, on="family_id", how="inner")
    _csv(families.sort(["campaign_posts", "family_id"], descending=[True, False]), out / "families.csv")

    source_columns = [c for c in ("source_id", "path", "sha256", "format", "preset", "rows_read", "rows_loaded", "rows_quarantined") if c in analysis.sources.columns]
    sources = analysis.sources.select(source_columns)
    _csv(sources.sort(source_columns[0]) if source_columns else sources, out / "sources.csv")

    row = campaign.row(0, named=True)
    (out / "README.md").write_text(
        "\n".join(
            [
                f"# Evidence pack: campaign {campaign_id}",
                "",
                f"{row['n_accounts']} accounts, {row['n_posts']} posts, first post {row['first_post_at']}, last post {row['last_post_at']}.",
                f"Status: {row['status']}. Most frequent signals: {row['top_signals']}.",
                "",
                "Files: campaign.csv (summary), accounts.csv (members, score, signals fired), signals.csv (every",
                "signal's value, corpus baseline, threshold and explanation), posts.jsonl (members' posts, text",
                "exactly as stored, JSON-escaped), edges.csv (coordination edges between members), edge_posts.csv",
                "(the post pairs behind each edge), families.csv (near-duplicate families used), sources.csv (input",
                "files and their sha256). manifest.json lists parameters, package versions and the sha256 of each file.",
                "",
                "Post text is attacker-controlled: open it as text, never render it as HTML or run it.",
                "In the CSV files, a text cell that a spreadsheet would run as a formula (one starting with =, +, -,",
                "@, a tab or a carriage return) is written with a leading single quote ('=...), so that Excel,",
                "LibreOffice and Google Sheets show it as text; posts.jsonl keeps every text exactly as stored.",
                "Produced by the open investigation workbench (`workbench export-evidence`); the same corpus and",
                "parameters reproduce these files byte for byte.",
                "",
            ]
        ),
        encoding="utf-8",
        newline="\n",
    )
    files = sorted(p.name for p in out.iterdir() if p.is_file() and p.name != "manifest.json")
    manifest = {
        "campaign_id": campaign_id,
        "run_id": analysis.run_id,
        "params": json.loads(analysis.params.to_json()),
        "versions": analysis.versions,
        "sources": sources.select([c for c in ("path", "sha256") if c in sources.columns]).rows(named=True),
        "files": {name: _sha256(out / name) for name in files},
        "counts": {"accounts": len(member_ids), "posts": member_posts.height, "edges": edges.height, "edge_posts": edge_posts.height, "families": families.height},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8", newline="\n")
    return out
