"""Any posts export, with a column mapping.

The mapping names, for each canonical column, the raw column that feeds it:
`--map account_id=user,created_at=time,text=body` or a YAML file given with `--mapping FILE`:

    platform: forum            # optional, default "generic"
    table: posts               # or accounts (also --option table=accounts)
    list_separator: " "        # for urls/hashtags/mentions/media_hashes cells (JSON arrays also work)
    columns: {post_id: id, account_id: user, created_at: time, text: body}

Required: account_id, and created_at for posts. Without post_id a stable id is derived from the row.
"""
from __future__ import annotations

import polars as pl

from workbench import schema
from workbench.errors import InputFileError
from workbench.ingest.readers import RESERVED_NAMES, reserved_alias
from workbench.ingest.presets.base import (LIST_COLUMNS, Mapped, MapContext, Preset, build_accounts, build_posts, check_platform,
                                           require_columns, split_list)


def load_mapping(options: dict) -> dict:
    """Merge a YAML mapping file (options['mapping']) with inline `map` pairs (options['map']) and the
    mapping's other settings given as options (`--option table=accounts`)."""
    mapping: dict = {}
    if options.get("mapping"):
        import yaml

        try:
            with open(options["mapping"], encoding="utf-8") as handle:
                # Every scalar as the text written: a column named 007 or 2020 is not the number 7 or 2020.
                mapping = yaml.load(handle, Loader=yaml.BaseLoader) or {}
        except (OSError, yaml.YAMLError) as error:
            raise InputFileError(f"{options['mapping']}: cannot read the column mapping: {error}") from error
        _check_mapping(mapping, options["mapping"])
    columns = dict(mapping.get("columns") or {})
    columns.update(options.get("map") or {})
    mapping["columns"] = columns
    mapping.update({key: options[key] for key in ("table", "platform", "list_separator") if key in options})
    if mapping.get("list_separator", " ") == "":
        raise InputFileError("the mapping's list_separator must not be empty (it would split lists into characters)")
    if mapping.get("table", "posts") not in ("posts", "accounts"):
        raise InputFileError(f"the column mapping's table must be posts or accounts, not {mapping['table']!r}")
    return mapping


def _check_mapping(mapping, name: str) -> None:
    """A mapping file's shape: settings as text, columns as canonical: raw pairs of text."""
    if not isinstance(mapping, dict):
        raise InputFileError(f"{name}: the column mapping must be a YAML mapping (table:, platform:, columns: ...), "
                             f"not a {type(mapping).__name__}")
    for key in ("table", "platform", "list_separator"):
        if key in mapping and not isinstance(mapping[key], str):
            raise InputFileError(f"{name}: {key} must be text, not {mapping[key]!r}")
    columns = mapping.get("columns") or {}
    if not isinstance(columns, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in columns.items()):
        raise InputFileError(f"{name}: columns must pair canonical names with the file's column names "
                             "(columns: {post_id: id, account_id: user, ...})")


class GenericPreset(Preset):
    name = "generic"
    platform = "generic"
    description = "any export with a column mapping (--map canonical=raw,... or --mapping FILE.yaml)"
    option_names = ("map", "mapping", "table", "platform", "list_separator")

    def map_batch(self, frame: pl.DataFrame, ctx: MapContext) -> Mapped:
        mapping = load_mapping(ctx.options)
        # The readers read an input column called like one they add (`_row`, `_raw`) under another name; if
        # the file also has a column of that name, which one the mapping means is not known.
        aliases = {reserved_alias(name): name for name in RESERVED_NAMES}
        for raw in mapping["columns"].values():
            read_as = reserved_alias(raw) if raw in RESERVED_NAMES else raw
            if read_as in aliases and f"{read_as}_1" in frame.columns:
                raise InputFileError(f"{ctx.path}: the file has columns named {aliases[read_as]!r} (a name the readers use) "
                                     f"and {read_as!r}, so the mapping's {raw!r} is ambiguous: rename one of them in the file")
        columns: dict[str, str] = {canonical: reserved_alias(raw) if raw in RESERVED_NAMES else raw
                                   for canonical, raw in mapping["columns"].items()}
        table = mapping.get("table", "posts")
        known = set(schema.POSTS.column_names if table == "posts" else schema.ACCOUNTS.column_names)
        unknown = sorted(set(columns) - known)
        if unknown:
            raise InputFileError(f"{ctx.path}: the mapping names unknown {table} columns {unknown}; known: {sorted(known)}")
        needed = {"account_id": columns.get("account_id", "account_id")}
        if table == "posts":
            needed["created_at"] = columns.get("created_at", "created_at")
        require_columns(frame, needed | {k: v for k, v in columns.items()}, ctx.path)
        if "platform" in mapping:
            ctx.platform = check_platform(mapping["platform"])
        separator = mapping.get("list_separator", " ")
        fields = {
            canonical: split_list(pl.col(raw), separator) if canonical in LIST_COLUMNS else pl.col(raw)
            for canonical, raw in columns.items()
        }
        if table == "accounts":
            accounts, rejects = build_accounts(frame, ctx, fields, columns.get("account_id", "account_id"))
            return Mapped("accounts", accounts, rejects)
        fields.setdefault("account_id", pl.col(needed["account_id"]))
        fields.setdefault("created_at", pl.col(needed["created_at"]))
        posts, rejects = build_posts(frame, ctx, fields, time_column=needed["created_at"], account_column=needed["account_id"],
                                     raw_columns=list(needed.values()) + list(columns.values()))
        return Mapped("posts", posts, rejects)


PRESET = GenericPreset()
