"""Evidence pack: one folder per campaign that a lawyer or a platform can check on its own (written from a
run's frames, fresh or read back with `Analysis.load`; above the analysis layer, which writes no files).

`write_evidence_pack(analysis, campaign_id, out_dir, posts, accounts)` writes:

- ``README.md``          for a reader without the tool (a lawyer, a platform): every file and every signal
                         explained in plain words, and how to check the pack
- ``manifest.json``      campaign, run id, parameters, package versions, sources (path, sha256), and the
                         sha256 of every other file in the pack
- ``campaign.csv``       the campaign summary row
- ``accounts.csv``       member accounts: profile fields, suspicion score, the signals that fired
- ``signals.csv``        every signal row of the members (value, baseline, threshold, fired, detail)
- ``posts.jsonl``        the members' posts, text exactly as stored and readable as UTF-8 (Chinese stays
                         Chinese; control characters such as NUL are JSON-escaped, markup is only data),
                         with their near-duplicate family
- ``edges.csv``          coordination edges between members (fused weight, per-signal weights)
- ``edge_posts.csv``     the post pairs behind each edge (signal, both posts, shared object, similarity)
- ``families.csv``       the near-duplicate families the campaign drives (its members wrote at least
                         `CAMPAIGN_FAMILY_SHARE` of the family's posts), with their representative text
- ``sources.csv``        the ingested files with their sha256

CSV files start with a UTF-8 byte order mark so Excel opens Chinese text intact. Same inputs give
byte-identical files: rows are sorted, floats have a fixed precision, times are ISO
with microseconds, JSON keys are sorted, and no wall-clock time is written anywhere.
"""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from workbench.csvsafe import write_csv
from workbench.provenance import sha256_file

FLOAT_PRECISION = 6
# a family belongs in the pack when the campaign wrote at least this share of its posts: organic chatter
# families that a few members also posted into are not campaign content
CAMPAIGN_FAMILY_SHARE = 0.5
SIGNAL_EXPLANATIONS = {
    "coordination": "the account acted like other accounts within a short time window (same link, same "
                    "reposted post, same or near-identical text, same hashtags or mentions) more often than chance",
    "flagged_neighbours": "most accounts it coordinates with were flagged on their own evidence",
    "content_duplication": "most of its texts belong to near-duplicate families posted by several accounts",
    "ai_text_tells": "its posts contain phrases that machine-written text leaves behind (for example a "
                     "language model's refusal pasted into a post)",
    "registration_burst": "it was registered on a day or hour when unusually many accounts were registered",
    "fresh_account": "it started posting unusually soon after it was registered",
    "handle_pattern": "its handle follows a generated pattern (a name plus digits, a random string)",
    "follower_anomaly": "its followers and followings are out of proportion compared with the corpus",
    "posting_density": "it posts far more per active day than the typical account",
    "cadence_regularity": "the time between its posts is unusually regular, as a scheduler would post",
    "interpost_entropy": "the time between its posts varies less than a person's would",
    "activity_hours": "its posting hours differ from the population's (for example office shifts)",
    "event_concentration": "its posts cluster around the target's events (launches, announcements)",
    "source_app": "it posts from an unusual client application",
}
FILE_EXPLANATIONS = (
    ("campaign.csv", "one row: the campaign's size, first and last post, engagement, busiest day, the events "
                     "around which it surged, and the signals its members share most"),
    ("accounts.csv", "one row per member account: profile fields as collected, its suspicion score (0 to 1), "
                     "the signals that fired for it and why it was flagged"),
    ("signals.csv", "one row per member and signal: the measured value, the corpus baseline it is compared "
                    "with, the threshold, whether it fired, and the explanation in words"),
    ("posts.jsonl", "one JSON object per line per post by a member, with the text exactly as collected "
                    "(UTF-8), its time (UTC), kind, links, hashtags, engagement counts, the source file and row it "
                    "came from, and its near-duplicate family"),
    ("edges.csv", "one row per pair of members that acted alike: the total weight and the weight per kind of "
                  "coordinated action"),
    ("edge_posts.csv", "the pairs of posts behind each edge: which action, both posts, the shared object (a link, "
                       "a reposted post, a text) and how similar the texts are"),
    ("families.csv", "the families of near-identical texts the campaign drives, with a representative text, "
                     "how many posts and accounts use them, and how many of those posts are the campaign's"),
    ("sources.csv", "the input files the corpus was built from, with their SHA-256 fingerprints and row counts"),
    ("manifest.json", "the analysis run id, its exact parameters, the software versions, the source files' "
                      "SHA-256 and the SHA-256 of every file in this pack"),
)
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.6f"


def _csv(frame: pl.DataFrame, path: Path) -> None:
    # List columns joined with "|"; text a spreadsheet would run as a formula gets a leading quote (csvsafe);
    # the BOM makes Excel read UTF-8 (Chinese) correctly.
    write_csv(frame, path, float_precision=FLOAT_PRECISION, datetime_format=DATETIME_FORMAT, date_format="%Y-%m-%d",
              line_terminator="\n", include_bom=True)


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
    if present:  # only an old pack is replaced: the files its manifest lists, and nothing a user put there
        try:
            listed = set(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["files"]) | {"manifest.json"}
        except (OSError, ValueError, KeyError, TypeError):
            listed = set()
        foreign = [p.name for p in present if p.name not in listed]
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise FileExistsError(f"the output folder {out} holds files that are not part of an evidence pack ({shown}); "
                                  "--force only replaces an earlier pack: move them, or choose a new folder")
    for path in present:
        path.unlink()
    out.mkdir(parents=True, exist_ok=True)
    return out


def _jsonl(frame: pl.DataFrame, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in frame.iter_rows(named=True):
            clean = {k: (v.strftime("%Y-%m-%dT%H:%M:%S.%f") if hasattr(v, "strftime") else v) for k, v in row.items()}
            # ensure_ascii=False keeps Chinese readable; json still escapes control characters (NUL stays \u0000)
            handle.write(json.dumps(clean, ensure_ascii=False, sort_keys=True, allow_nan=False) + "\n")


def readme_text(campaign_id: str, row: dict, run_id: str, fired_counts: dict[str, int], n_members: int) -> str:
    """The pack's README: what was found, every file and every signal in plain words, how to verify."""
    lines = [
        f"# Evidence pack: campaign {campaign_id}",
        "",
        "## What this is",
        "",
        f"An automated analysis (run {run_id}) found {row['n_accounts']} accounts that act together: they post the",
        f"same or near-identical texts, share the same links and posts within minutes of each other, and were often",
        f"registered in batches. Together they wrote {row['n_posts']} posts between {row['first_post_at']} and",
        f"{row['last_post_at']} (UTC). Review status: {row['status']} (\"unreviewed\" means no analyst has confirmed it yet).",
        f"The signals most of its members share: {row['top_signals']}.",
        "",
        "These are findings of a statistical analysis, with the evidence behind each one; they are not a verdict.",
        "",
        "## The files",
        "",
    ]
    lines += [f"- **{name}**: {text}." for name, text in FILE_EXPLANATIONS]
    lines += [
        "",
        "CSV files are UTF-8 with a byte order mark (Excel shows Chinese correctly). posts.jsonl is UTF-8 text, one",
        "post per line; open it in a text editor. Post text was written by the accounts under investigation: open",
        "it as text only, never as a web page or a spreadsheet formula. In the CSV files, a text cell that a",
        "spreadsheet would run as a formula (one starting with =, +, -, @, a tab or a carriage return) is written",
        "with a leading single quote ('=...), so that Excel, LibreOffice and Google Sheets show it as text;",
        "posts.jsonl keeps every text exactly as stored.",
        "",
        "## The signals",
        "",
        "Each signal compares an account with the whole corpus (the baseline) and fires when it passes a threshold.",
        "An account is flagged when its combined score and the number of signals that fired pass the rule in the",
        "parameters; a single signal is never enough on its own.",
        "",
    ]
    for name, text in SIGNAL_EXPLANATIONS.items():
        count = fired_counts.get(name, 0)
        lines.append(f"- **{name}**: {text}. Fired for {count} of the {n_members} members.")
    for name in sorted(set(fired_counts) - set(SIGNAL_EXPLANATIONS)):
        lines.append(f"- **{name}**: see signals.csv for its explanation. Fired for {fired_counts[name]} of the {n_members} members.")
    lines += [
        "",
        "## How to check it",
        "",
        "- sources.csv and manifest.json give the SHA-256 of every input file: recompute them on the originals",
        "  (`sha256sum FILE`) to confirm the analysis used exactly those files.",
        "- manifest.json gives the SHA-256 of every file in this pack: recompute them to confirm nothing was changed.",
        "- The open investigation workbench (`workbench export-evidence`) rebuilds this pack from the same files and",
        "  the parameters in manifest.json, byte for byte.",
        "",
    ]
    return "\n".join(lines)


def write_evidence_pack(
    analysis,
    campaign_id: str,
    out_dir: str | Path,
    posts: pl.DataFrame,
    accounts: pl.DataFrame | None = None,
    max_edges: int = 2000,
    replace: bool = False,
) -> Path:
    """Write the evidence pack of `campaign_id` into `out_dir` (created if missing; a folder that is not
    empty is refused, since its files would be hashed into the manifest as the pack's, unless `replace` and
    it holds an earlier pack: then that pack's files (those its manifest lists) are deleted first; a folder
    with any other file or a subfolder is still refused).

    analysis: the run's frames (a `workbench.pipeline.Analysis`, fresh or read back with `Analysis.load`:
        only its frames, run_id, params and versions are read); posts/accounts: the canonical frames.
    max_edges: the strongest edges whose post pairs are written (all edges are listed in edges.csv; the
        run keeps the pairs of each campaign's strongest `workbench.pipeline.CAMPAIGN_EDGES`).
    Returns the folder. Raises KeyError for an unknown campaign.
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
    # The post pairs behind the strongest member edges, as the analysis stored them (`edge_posts`).
    edge_posts = analysis.edge_posts.join(edges.head(max_edges).select("account_a", "account_b"),
                                          on=["account_a", "account_b"], how="semi")
    if edge_posts.height:
        edge_posts = edge_posts.sort(["account_a", "account_b", "signal", "post_id_a", "post_id_b"])
    _csv(edge_posts, out / "edge_posts.csv")

    family_ids = analysis.campaign_families.filter(pl.col("campaign_id") == campaign_id).select("family_id", pl.col("posts").alias("campaign_posts"))
    families = analysis.families.with_columns(pl.col("family_id").cast(pl.String)).join(family_ids, on="family_id", how="inner")
    if "size" in families.columns:
        families = families.filter(pl.col("campaign_posts") >= CAMPAIGN_FAMILY_SHARE * pl.col("size"))
    _csv(families.sort(["campaign_posts", "family_id"], descending=[True, False]), out / "families.csv")

    source_columns = [c for c in ("source_id", "path", "sha256", "format", "preset", "rows_read", "rows_loaded", "rows_quarantined") if c in analysis.sources.columns]
    sources = analysis.sources.select(source_columns)
    _csv(sources.sort(source_columns[0]) if source_columns else sources, out / "sources.csv")

    row = campaign.row(0, named=True)
    fired = analysis.account_signals.filter(pl.col("account_id").is_in(member_ids) & pl.col("fired"))
    fired_counts = dict(fired.group_by("signal").agg(pl.len()).iter_rows()) if fired.height else {}
    (out / "README.md").write_text(readme_text(campaign_id, row, analysis.run_id, fired_counts, len(member_ids)),
                                   encoding="utf-8", newline="\n")
    files = sorted(p.name for p in out.iterdir() if p.is_file() and p.name != "manifest.json")
    manifest = {
        "campaign_id": campaign_id,
        "run_id": analysis.run_id,
        "params": json.loads(analysis.params.to_json()),
        "versions": analysis.versions,
        "sources": sources.select([c for c in ("path", "sha256") if c in sources.columns]).rows(named=True),
        "files": {name: sha256_file(out / name) for name in files},
        "counts": {"accounts": len(member_ids), "posts": member_posts.height, "edges": edges.height, "edge_posts": edge_posts.height, "families": families.height},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n", encoding="utf-8", newline="\n")
    return out
