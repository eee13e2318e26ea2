"""The canonical schema, written once as data. DDL and docs/schema.md are generated from it.

Conventions:
- Ids are platform-qualified text: `account_id = "weibo:1778375805"`, `post_id = "twitter:123"`, so
  corpora from several platforms share one store without collisions.
- Times are UTC, stored as TIMESTAMP (no zone); ingest converts every input to UTC.
- Lists (urls, hashtags, mentions, media hashes) are VARCHAR[]; hashtags and mentions are stored
  without their `#`/`@` marker, case preserved.
- Nothing read is lost: every input row is kept as read in `source_batches` (posts and accounts point
  at it by source_id and source_row; `Store.original_rows` gives it back); quarantine keeps its own raw text.

Run `python -m workbench.schema` to print the Markdown reference.
"""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    compression: str | None = None  # DuckDB's storage compression, when not left to DuckDB's choice
    optional: bool = False  # a result column a run may lack (e.g. the weight of a signal it did not use)


@dataclass(frozen=True)
class Table:
    name: str
    layer: str  # raw | meta | result | cache
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def ddl(self) -> str:
        lines = []
        for column in self.columns:
            null = " NOT NULL" if column.required else ""
            compression = f" USING COMPRESSION {column.compression}" if column.compression else ""
            lines.append(f"    {column.name} {column.type}{compression}{null}")
        # Raw tables keep their key unique through the loader's anti-join instead of a PRIMARY KEY: an
        # index over tens of millions of text ids costs more memory and ingest time than it saves.
        if self.primary_key and self.layer != "raw":
            lines.append(f"    PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + ",\n".join(lines) + "\n)"


C = Column

POSTS = Table(
    "posts",
    "raw",
    "Every post, repost, reply, quote or comment from every ingested export.",
    (
        C("post_id", "VARCHAR", "Platform-qualified post id (derived and stable where the export has none).", True),
        C("platform", "VARCHAR", "Platform name, e.g. twitter, weibo, synth.", True),
        C("account_id", "VARCHAR", "Platform-qualified id of the author.", True),
        C("created_at", "TIMESTAMP", "When it was posted, UTC.", True),
        # zstd: DuckDB's default (dictionary + FSST) costs ~0.2 more CPU-s per 1M posts to write and stores
        # more (synthetic 1M: 64 -> 51 MB for the table; IRA text 10.8 -> 9.2 MB); scans take the same time.
        C("text", "VARCHAR", "The text exactly as exported (hostile: display as text only).", compression="zstd"),
        C("lang", "VARCHAR", "Language code when the export gives one (ISO 639-1), else NULL."),
        C("kind", "VARCHAR", "post, repost, reply, quote or comment.", True),
        C("parent_post_id", "VARCHAR", "The post this one replies to or comments on."),
        C("shared_post_id", "VARCHAR", "The post this one reposts or quotes."),
        C("urls", "VARCHAR[]", "Links in the post (from the export, else extracted from the text)."),
        C("hashtags", "VARCHAR[]", "Hashtags without the # marker (also Weibo #topic# and full-width ＃)."),
        C("mentions", "VARCHAR[]", "Mentioned handles without the @ marker."),
        C("media_hashes", "VARCHAR[]", "Hashes of attached media (e.g. perceptual hashes) when the export has them."),
        C("source_app", "VARCHAR", "Client the post was sent from, when known."),
        C("like_count", "BIGINT", "Likes at export time."),
        C("repost_count", "BIGINT", "Reposts/retweets at export time."),
        C("reply_count", "BIGINT", "Replies/comments at export time."),
        C("source_id", "INTEGER", "The sources row this post was loaded from.", True),
        C("source_row", "BIGINT", "1-based row number in that source (for records: the record number); the "
          "original row is in source_batches.", True),
    ),
    ("post_id",),
)

ACCOUNTS = Table(
    "accounts",
    "raw",
    "One row per account seen in any export (profile fields as of the export).",
    (
        C("account_id", "VARCHAR", "Platform-qualified account id.", True),
        C("platform", "VARCHAR", "Platform name.", True),
        C("handle", "VARCHAR", "Screen name / handle without @."),
        C("display_name", "VARCHAR", "Display name."),
        C("created_at", "TIMESTAMP", "Account registration time, UTC."),
        C("followers", "BIGINT", "Followers at export time."),
        C("following", "BIGINT", "Accounts followed at export time."),
        C("posts_count", "BIGINT", "Posts the platform reports for the account."),
        C("verified", "BOOLEAN", "Platform verification flag."),
        C("description", "VARCHAR", "Profile description (hostile text)."),
        C("location", "VARCHAR", "Free-text profile location."),
        C("source_id", "INTEGER", "The sources row this profile was first loaded from.", True),
        C("source_row", "BIGINT", "Row number in that source."),
        C("raw", "VARCHAR", "The original profile fields as JSON text."),
    ),
    ("account_id",),
)

SOURCES = Table(
    "sources",
    "meta",
    "One row per ingested file. rows_read = rows_loaded + rows_quarantined + rows_duplicate, always.",
    (
        C("source_id", "INTEGER", "Sequence number of the ingest.", True),
        C("path", "VARCHAR", "Path as given on the command line, resolved to absolute.", True),
        C("sha256", "VARCHAR", "SHA-256 of the file bytes as stored on disk (compressed if compressed).", True),
        C("format", "VARCHAR", "csv, jsonl, json, parquet (with compression suffix).", True),
        C("preset", "VARCHAR", "Ingest preset used.", True),
        C("encoding", "VARCHAR", "Text encoding used to decode the file (detected or given)."),
        C("options", "VARCHAR", "Ingest options as JSON (mapping, timezone, delimiter...)."),
        C("rows_read", "BIGINT", "Input rows (records) read.", True),
        C("rows_loaded", "BIGINT", "Rows that became new posts (or accounts for account-only presets).", True),
        C("rows_quarantined", "BIGINT", "Rows kept in quarantine with a reason.", True),
        C("rows_duplicate", "BIGINT", "Rows skipped because their post id was already stored.", True),
        C("accounts_loaded", "BIGINT", "New accounts added by this source."),
        C("started_at", "TIMESTAMP", "Ingest start, UTC.", True),
        C("finished_at", "TIMESTAMP", "Ingest end, UTC."),
        C("workbench_version", "VARCHAR", "Version of the workbench that ingested it."),
    ),
    ("source_id",),
)

# The column names inside a source_batches payload besides the input's own columns.
PAYLOAD_ROW_COLUMN = "_row"
PAYLOAD_RECORD_COLUMN = "_raw"

SOURCE_BATCHES = Table(
    "source_batches",
    "raw",
    "Every input row as it was read, one row per ingest batch (for Parquet: per row group, plus the file's "
    "footer): the lossless raw layer that posts, accounts and events point at through (source_id, source_row). "
    "Store.original_rows(source_id, row) decodes it.",
    (
        C("source_id", "INTEGER", "The sources row.", True),
        C("batch", "INTEGER", "Batch number within the source, from 1.", True),
        C("first_row", "BIGINT", "Smallest row number in the batch (0 for a Parquet footer).", True),
        C("last_row", "BIGINT", "Largest row number in the batch (0 for a Parquet footer).", True),
        C("n_rows", "BIGINT", "Rows in the batch (0 for a Parquet footer).", True),
        C("layout", "VARCHAR", "columns: one Arrow column per input column, with its type as read (CSV: text "
          "exactly as parsed; Parquet read that way: its own types, lists included). json_records: `_raw` holds "
          "each JSON record as JSON text (twitter_v2 JSON Lines decoded by blocks: each line as read, with its line "
          "break; a page of tweets is one line). parquet_row_group: one row group of a Parquet file, its bytes as in the "
          "file; parquet_footer: that file's footer (its metadata), needed to decode them.", True),
        # Already compressed (zstd, or Parquet's own): DuckDB's compression would only spend time finding that out.
        C("payload", "BLOB", "columns and json_records: an Arrow IPC stream, zstd-compressed, with `_row` (the row "
          "number) and the rows. parquet_row_group: the row group's offset, index and the file's size, then its "
          "bytes. parquet_footer: the file's last bytes (metadata, its length, PAR1).", True, compression="uncompressed"),
    ),
)

QUARANTINE = Table(
    "quarantine",
    "meta",
    "Input rows that could not be loaded, kept as they came with the reason. A JSON line that holds several "
    "records (Twitter API pages) can have several quarantine rows with the same row_number.",
    (
        C("source_id", "INTEGER", "The sources row.", True),
        C("row_number", "BIGINT", "1-based row (record) number in the file; for CSV, data rows after the header.", True),
        C("raw", "VARCHAR", "The raw row: JSON of the parsed fields, or the undecodable line as text."),
        C("reason", "VARCHAR", "Why it was not loaded.", True),
        C("column_name", "VARCHAR", "The column at fault, when one is."),
    ),
)

VALUE_PROBLEMS = Table(
    "value_problems",
    "meta",
    "Values of loaded rows that could not be stored as their type, kept here as read with the reason (an "
    "author's follower count \"1,234\" or registration time \"yesterday\" in a posts file: the post loads, the "
    "account's profile holds NULL there). A row whose own value is bad is quarantined instead.",
    (
        C("source_id", "INTEGER", "The sources row.", True),
        C("row_number", "BIGINT", "1-based row (record) number in the file, as in quarantine.", True),
        C("table_name", "VARCHAR", "The table the value was for (accounts).", True),
        C("column_name", "VARCHAR", "The canonical column that holds NULL instead.", True),
        C("value", "VARCHAR", "The value as read (cut to 200 characters)."),
        C("reason", "VARCHAR", "Why it could not be stored.", True),
    ),
)

EVENTS = Table(
    "events",
    "meta",
    "Named dates that charts mark (a launch, an announcement).",
    (
        C("event_id", "VARCHAR", "Stable id (given, or derived from name and time).", True),
        C("name", "VARCHAR", "What happened.", True),
        C("occurred_at", "TIMESTAMP", "When, UTC.", True),
        C("kind", "VARCHAR", "launch, announcement, news, ..."),
        C("target", "VARCHAR", "The brand or product concerned."),
        C("description", "VARCHAR", "Free text."),
        C("source_id", "INTEGER", "The sources row, when loaded from a file."),
    ),
    ("event_id",),
)

LABELS = Table(
    "labels",
    "meta",
    "Ground truth or analyst verdicts about accounts, posts or campaigns. Kept across analysis runs. "
    "One value per (entity_type, entity_id, label, origin): a new verdict replaces the old one.",
    (
        C("entity_type", "VARCHAR", "account, post or campaign.", True),
        C("entity_id", "VARCHAR", "The id of that entity.", True),
        C("label", "VARCHAR", "Label name, e.g. account_category, campaign, verdict.", True),
        C("value", "VARCHAR", "Label value, e.g. RightTroll, confirmed, rejected.", True),
        C("origin", "VARCHAR", "ground_truth, analyst, or the preset that supplied it.", True),
        C("author", "VARCHAR", "Who set it (analyst name), when known."),
        C("note", "VARCHAR", "Why."),
        C("created_at", "TIMESTAMP", "When it was recorded, UTC.", True),
        C("source_id", "INTEGER", "The sources row, when loaded from a file."),
    ),
)

CORPUS_TABLES: tuple[Table, ...] = (SOURCES, POSTS, ACCOUNTS, SOURCE_BATCHES, QUARANTINE, VALUE_PROBLEMS, EVENTS, LABELS)

EMBEDDINGS_CACHE = Table(
    "embeddings",
    "cache",
    "Embedding vectors keyed by backend and normalised-text hash (in the cache database).",
    (
        C("backend", "VARCHAR", "Embedding backend and its settings, as a key.", True),
        C("text_hash", "VARCHAR", "Hash of the normalised text.", True),
        C("vector", "FLOAT[]", "The embedding.", True),
    ),
    ("backend", "text_hash"),
)

CACHE_TABLES: tuple[Table, ...] = (EMBEDDINGS_CACHE,)

# -- analysis results ----------------------------------------------------------------------------
# Results live in the cache database beside the corpus (an analysis opens the corpus read-only). A run is
# one row of `runs` plus its rows in every `result_<frame>` table, all written in one transaction; readers
# take only runs whose status is `complete`. Adding a result frame is one `result(...)` declaration below
# plus its name in `Analysis` (workbench/pipeline.py).

RUNS = Table(
    "runs",
    "result",
    "One row per stored analysis run. A run is written in one transaction and marked complete in it; "
    "readers (the report, verdict, export-evidence, network) only take complete runs.",
    (
        C("run_id", "VARCHAR", "Run id: a hash of the parameters and the sources' sha256 (same corpus and "
          "parameters, same id).", True),
        C("kind", "VARCHAR", "What ran: analysis, or narratives (a narrative fit cached on its own).", True),
        C("params", "VARCHAR", "The parameters as JSON (`AnalysisParams`).", True),
        C("versions", "VARCHAR", "Versions of every package that shapes a result, as JSON."),
        C("corpus_fingerprint", "VARCHAR", "sha256 over the sources' sha256 (which corpus was analysed)."),
        C("status", "VARCHAR", "complete (written whole), else not to be read.", True),
        C("frames", "VARCHAR[]", "The result frames this run stored."),
        C("started_at", "TIMESTAMP", "When the save began, UTC.", True),
        C("finished_at", "TIMESTAMP", "When the save committed, UTC."),
    ),
    ("run_id",),
)

RUN_ID = C("run_id", "VARCHAR", "The run (see `runs`).", True)
ROW = C("row_in_run", "BIGINT", "The row's position in the frame (rows read back in this order).", True)


def result(frame: str, description: str, *columns: Column) -> Table:
    """A result table `result_<frame>`: the frame's columns, tagged with run_id and the row's position."""
    return Table(f"result_{frame}", "result", description, (RUN_ID, ROW) + columns)


def _weights(description: str) -> tuple[Column, ...]:
    signals = ("co_link", "co_domain", "co_share", "co_text", "co_similar_text", "co_reply", "co_hashtag",
               "co_mention", "co_media", "co_post")
    return tuple(C(f"weight_{s}", "BIGINT", f"{description} {s}.", optional=True) for s in signals)


FIRED = "Names of the signals that fired, comma-separated."
RESULT_TABLES: dict[str, Table] = {table.name.removeprefix("result_"): table for table in (
    result("sources", "The ingested files the run analysed (the `sources` rows: provenance of every result).",
           *(replace(column, required=False, compression=None) for column in SOURCES.columns)),
    result("account_signals", "Every signal of every account: value, corpus baseline, threshold, fired.",
           C("account_id", "VARCHAR", "Account.", True), C("signal", "VARCHAR", "Signal name.", True),
           C("value", "DOUBLE", "The account's value."), C("baseline", "DOUBLE", "The corpus baseline."),
           C("threshold", "DOUBLE", "Value from which it fires."), C("fired", "BOOLEAN", "Whether it fired."),
           C("strength", "DOUBLE", "0..1 strength used by the score."), C("detail", "VARCHAR", "Why, in words.")),
    result("account_features", "One row per account: its signal strengths side by side.",
           C("account_id", "VARCHAR", "Account.", True), C("n_posts", "UINTEGER", "Posts analysed."),
           C("signals_fired", "BIGINT", "Signals that fired."),
           *(C(name, "DOUBLE", f"Strength of the {name} signal (0..1).") for name in (
               "coordination", "content_duplication", "ai_text_tells", "registration_burst", "handle_pattern",
               "cadence_regularity", "interpost_entropy", "posting_density", "activity_hours", "source_app",
               "follower_anomaly", "fresh_account", "event_concentration"))),
    result("account_scores", "Suspicion score and flag per account.",
           C("account_id", "VARCHAR", "Account.", True), C("score", "DOUBLE", "Suspicion score 0..1."),
           C("signals_fired", "BIGINT", "Signals that fired."), C("fired_signals", "VARCHAR", FIRED),
           C("flagged", "BOOLEAN", "Flagged by the score rule or the network rule."),
           C("flag_reason", "VARCHAR", "Which rule flagged it."), C("rank", "BIGINT", "Rank by score (1 = highest)."),
           C("neighbours", "BIGINT", "Coordination partners."),
           C("flagged_neighbours", "BIGINT", "Coordination partners that are flagged.")),
    result("coordination_edges", "Per-signal coordination edges (docs/coordination.md).",
           C("account_a", "VARCHAR", "Account.", True), C("account_b", "VARCHAR", "Account.", True),
           C("signal", "VARCHAR", "Signal.", True), C("weight", "BIGINT", "Edge weight under the run's semantics.")),
    result("coordination_fused_edges", "Account pairs with the signals fused into one weight.",
           C("account_a", "VARCHAR", "Account.", True), C("account_b", "VARCHAR", "Account.", True),
           C("weight", "DOUBLE", "Fused weight."), *_weights("Weight of signal"),
           C("signals", "VARCHAR[]", "Signals linking the pair.")),
    result("coordination_nodes", "Accounts of the coordination network.",
           C("account_id", "VARCHAR", "Account.", True), C("community", "BIGINT", "Leiden community."),
           C("coordination_score", "DOUBLE", "Coordination score 0..1."), C("strength", "DOUBLE", "Weighted degree."),
           C("partners", "BIGINT", "Accounts it shares an edge with."), C("n_signals", "BIGINT", "Distinct signals."),
           C("signals", "VARCHAR[]", "Signals of its edges."), C("strongest_partners", "VARCHAR[]", "Strongest partners."),
           C("flagged", "BOOLEAN", "Flagged by the network's own rule."), C("flag_reason", "VARCHAR", "Why."),
           C("shared_assets", "BIGINT", "Assets shared with flagged accounts."),
           C("coordinated_group", "BIGINT", "Group whose co-action chance cannot explain (-1: none; see coordinated_groups).")),
    result("communities", "Communities of the coordination network.",
           C("community", "BIGINT", "Community id.", True), C("size", "BIGINT", "Accounts."),
           C("n_flagged", "BIGINT", "Flagged accounts."), C("signals", "VARCHAR[]", "Signals inside."),
           C("first_at", "TIMESTAMP", "First coordinated action, UTC."), C("last_at", "TIMESTAMP", "Last one, UTC."),
           C("top_objects", "VARCHAR[]", "Most shared objects."), C("top_texts", "VARCHAR[]", "Most shared texts.")),
    result("hot_objects", "Objects so widely shared that pairing their posts was bounded or skipped.",
           C("signal", "VARCHAR", "Signal."), C("object", "VARCHAR", "The object (URL, hashtag, post...)."),
           C("posts", "BIGINT", "Posts sharing it."), C("pairs", "BIGINT", "Pairs within the window."),
           C("skipped", "BOOLEAN", "Whether it was skipped.")),
    result("edge_posts", "The post pairs behind the strongest edges and behind every edge inside a campaign "
           "(what evidence packs and the report cite).",
           C("signal", "VARCHAR", "Signal."), C("account_a", "VARCHAR", "Account."),
           C("post_id_a", "VARCHAR", "Its post."), C("created_at_a", "TIMESTAMP", "When, UTC."),
           C("account_b", "VARCHAR", "Partner account."), C("post_id_b", "VARCHAR", "Its post."),
           C("created_at_b", "TIMESTAMP", "When, UTC."), C("object", "VARCHAR", "The shared object."),
           C("similarity", "DOUBLE", "Text similarity (co_similar_text).")),
    result("families", "Near-duplicate text families.",
           C("family_id", "BIGINT", "Family id.", True), C("kind", "VARCHAR", "exact or near."),
           C("size", "UINTEGER", "Posts."), C("distinct_texts", "UINTEGER", "Distinct texts."),
           C("accounts", "UINTEGER", "Accounts."), C("first_post_at", "TIMESTAMP", "UTC."),
           C("last_post_at", "TIMESTAMP", "UTC."), C("languages", "VARCHAR[]", "Languages."),
           C("representative_text", "VARCHAR", "A representative text (hostile)."),
           C("representative_hash", "VARCHAR", "Its normalised-text hash.")),
    result("family_assignments", "Posts in near-duplicate families.",
           C("post_id", "VARCHAR", "Post.", True), C("family_id", "VARCHAR", "Family id."),
           C("text_hash", "VARCHAR", "Normalised-text hash.")),
    result("campaign_accounts", "Member accounts of each campaign.",
           C("campaign_id", "VARCHAR", "Campaign.", True), C("account_id", "VARCHAR", "Account.", True),
           C("community", "BIGINT", "Coordination community."), C("score", "DOUBLE", "Suspicion score."),
           C("fired_signals", "VARCHAR", FIRED), C("verdict", "VARCHAR", "Analyst verdict, if any."),
           C("status", "VARCHAR", "Campaign status.")),
    result("campaigns", "One row per campaign.",
           C("campaign_id", "VARCHAR", "Campaign id (stable across runs).", True),
           C("status", "VARCHAR", "detected, confirmed, ..."), C("n_accounts", "UINTEGER", "Accounts."),
           C("n_posts", "UINTEGER", "Posts."), C("first_post_at", "TIMESTAMP", "UTC."),
           C("last_post_at", "TIMESTAMP", "UTC."), C("mean_score", "DOUBLE", "Mean suspicion score."),
           C("top_signals", "VARCHAR", "Most frequent signals."), C("likes", "BIGINT", "Likes on its posts."),
           C("reposts", "BIGINT", "Reposts."), C("replies", "BIGINT", "Replies."),
           C("engagement", "BIGINT", "likes + reposts + replies."),
           C("audience_followers", "BIGINT", "Followers of its accounts."), C("peak_day", "DATE", "Busiest day."),
           C("peak_posts", "UINTEGER", "Posts on that day."), C("surge_events", "VARCHAR", "Events near surges."),
           C("n_families", "UINTEGER", "Near-duplicate families used."),
           C("kind", "VARCHAR", "smear, promotion, neutral_automation, organic, or coordinated (no target given)."),
           C("kind_reasons", "VARCHAR", "Why it is of that kind, in words.")),
    result("coordinated_groups", "Every group whose co-action chance cannot explain, with its kind (campaigns or not).",
           C("group_id", "BIGINT", "Group number (operation).", True), C("kind", "VARCHAR", "Kind of group."),
           C("kind_reasons", "VARCHAR", "Why, in words."), C("n_accounts", "BIGINT", "Accounts."),
           C("n_posts", "BIGINT", "Their posts."), C("first_post_at", "TIMESTAMP", "UTC."),
           C("last_post_at", "TIMESTAMP", "UTC."), C("target_share", "DOUBLE", "Share of posts about the target."),
           C("negative_share", "DOUBLE", "Share of its posts about the target that are negative."),
           C("official_share", "DOUBLE", "Share of its reactions that amplify prominent accounts about the target."),
           C("example_accounts", "VARCHAR[]", "Up to five members.")),
    result("significant_pairs", "Account pairs whose shared objects chance cannot explain (configuration model with time).",
           C("account_a", "VARCHAR", "Account (a < b).", True), C("account_b", "VARCHAR", "Account.", True),
           C("shared", "BIGINT", "Distinct objects both acted on, any time."),
           C("shared_in_scale", "BIGINT", "Of them within the best time scale."),
           C("scale_s", "DOUBLE", "The best time scale, seconds (NaN: untimed)."),
           C("expected", "DOUBLE", "Expected shared objects under the null model."),
           C("log10_p", "DOUBLE", "log10 of the Poisson tail probability."),
           C("group_id", "BIGINT", "Group of both accounts, -1 if none.")),
    result("campaign_timeline", "Posts per campaign per day.",
           C("campaign_id", "VARCHAR", "Campaign.", True), C("day", "DATE", "Day, UTC.", True),
           C("posts", "UINTEGER", "Posts."), C("active_accounts", "UINTEGER", "Accounts posting."),
           C("engagement", "BIGINT", "Engagement.")),
    result("campaign_families", "Near-duplicate families per campaign.",
           C("campaign_id", "VARCHAR", "Campaign.", True), C("family_id", "VARCHAR", "Family."),
           C("posts", "UINTEGER", "The campaign's posts in it.")),
    result("share_of_voice", "Per day and campaign: posts and engagement about the target, and the campaign's share.",
           C("day", "DATE", "Day, UTC."), C("campaign_id", "VARCHAR", "Campaign (or all)."),
           C("target_posts", "BIGINT", "Posts about the target."), C("campaign_posts", "BIGINT", "Of them by the campaign."),
           C("share_posts", "DOUBLE", "campaign_posts / target_posts."),
           C("target_engagement", "BIGINT", "Engagement on posts about the target."),
           C("campaign_engagement", "BIGINT", "Of it on the campaign's posts."),
           C("share_engagement", "DOUBLE", "campaign_engagement / target_engagement.")),
    result("verdicts", "Analyst verdicts the run took into account.",
           C("entity_type", "VARCHAR", "account, post or campaign."), C("entity_id", "VARCHAR", "Id."),
           C("label", "VARCHAR", "Label."), C("value", "VARCHAR", "Value."), C("origin", "VARCHAR", "analyst."),
           C("author", "VARCHAR", "Who decided."), C("note", "VARCHAR", "Why."),
           C("created_at", "TIMESTAMP", "When, UTC."), C("source_id", "INTEGER", "Source, when loaded from a file.")),
    result("tells", "Posts with AI-text tells.",
           C("post_id", "VARCHAR", "Post.", True), C("account_id", "VARCHAR", "Account."),
           C("phrase", "VARCHAR", "The tell."), C("category", "VARCHAR", "Kind of tell."),
           C("tell_lang", "VARCHAR", "Language of the tell.")),
    result("narrative_posts", "Every post's narrative cluster (runs with narratives on).",
           C("post_id", "VARCHAR", "Post.", True), C("account_id", "VARCHAR", "Account."),
           C("created_at", "TIMESTAMP", "UTC."), C("lang", "VARCHAR", "Language."),
           C("text_hash", "VARCHAR", "Normalised-text hash."), C("cluster", "BIGINT", "Narrative (-1 noise)."),
           C("outlier_score", "DOUBLE", "0 typical .. 1 outlying."),
           C("tactic", "VARCHAR", "The post's own tactic (nearest prototype), or NULL.", optional=True)),
    result("narrative_clusters", "One row per narrative: size, keywords, exemplars, tactic.",
           C("cluster", "BIGINT", "Narrative id (by size).", True), C("size", "UINTEGER", "Posts."),
           C("distinct_texts", "UINTEGER", "Distinct texts."), C("accounts", "UINTEGER", "Accounts."),
           C("first_post_at", "TIMESTAMP", "UTC."), C("last_post_at", "TIMESTAMP", "UTC."),
           C("fit_posts", "UINTEGER", "Posts in the fit sample."), C("languages", "VARCHAR[]", "Languages, most posts first."),
           C("keywords", "VARCHAR[]", "Class-based TF-IDF keywords."), C("keyword_scores", "DOUBLE[]", "Their scores."),
           C("exemplars", "VARCHAR[]", "Most typical texts (hostile)."), C("exemplar_post_ids", "VARCHAR[]", "Their posts."),
           C("tactic", "VARCHAR", "Tactic label (false_claim, comparison, division...) or NULL."),
           C("tactic_share", "DOUBLE", "Share of posts with the tactic's words."),
           C("tactic_words", "VARCHAR[]", "Words behind the tactic."), C("tactic_source", "VARCHAR", "seeds or override."),
           C("exemplar_langs", "VARCHAR[]", "Languages of the exemplars.", optional=True),
           C("drive_rank", "BIGINT", "Rank by how much the campaign drives it (1 most).", optional=True),
           C("flagged_posts", "BIGINT", "Its posts by flagged accounts.", optional=True),
           C("flagged_post_share", "DOUBLE", "Share of its posts by flagged accounts.", optional=True),
           C("flagged_accounts", "BIGINT", "Flagged accounts posting in it.", optional=True),
           C("flagged_account_share", "DOUBLE", "Share of its accounts that are flagged.", optional=True),
           C("lift", "DOUBLE", "flagged_post_share over the corpus share of flagged posts.", optional=True),
           C("campaign_driven", "BOOLEAN", "Mostly the campaign's and well above the corpus.", optional=True)),
    result("narrative_map", "2D map of a sample of posts, for plotting.",
           C("x", "DOUBLE", "x."), C("y", "DOUBLE", "y."), C("cluster", "BIGINT", "Narrative."),
           C("post_id", "VARCHAR", "Post."), C("account_id", "VARCHAR", "Account."),
           C("text", "VARCHAR", "The post's text (hostile).")),
    result("campaign_narratives", "Posts of each campaign per narrative.",
           C("campaign_id", "VARCHAR", "Campaign.", True), C("cluster", "BIGINT", "Narrative."),
           C("posts", "UINTEGER", "The campaign's posts in it."), C("size", "UINTEGER", "The narrative's posts."),
           C("keywords", "VARCHAR[]", "Its keywords."), C("tactic", "VARCHAR", "Its tactic label.")),
)}

TABLES = {table.name: table for table in CORPUS_TABLES + CACHE_TABLES + (RUNS,) + tuple(RESULT_TABLES.values())}

POST_KINDS = ("post", "repost", "reply", "quote", "comment")


def markdown_reference() -> str:
    """The schema reference (docs/schema.md), generated from the tables above."""
    out = ["# Schema reference", "", "Generated by `python -m workbench.schema` from `workbench/schema.py`.", ""]
    out += [line.strip() for line in (__doc__ or "").splitlines()[2:12] if line.strip()]
    out.append("")
    for table in CORPUS_TABLES + CACHE_TABLES + (RUNS,) + tuple(RESULT_TABLES.values()):
        out += [f"## `{table.name}` ({table.layer})", "", table.description, ""]
        if table.primary_key:
            out += [f"Primary key: `{', '.join(table.primary_key)}`", ""]
        out += ["| column | type | required | description |", "|---|---|---|---|"]
        for column in table.columns:
            required = "yes" if column.required else ""
            out.append(f"| `{column.name}` | {column.type} | {required} | {column.description} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown_reference())
