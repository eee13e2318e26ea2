"""Replace account ids and handles with salted hashes, consistently across a whole report.

A report shared outside the investigation team must not name the accounts, yet every table, chart and
evidence list in it must still agree about which pseudonymous account did what. `Pseudonymiser` learns
the accounts (id, handle, display name) once and then rewrites any frame:

- columns that hold account ids (`account_id`, `source`, `target`, ...) are mapped exactly, known or not;
- columns that hold names (`handle`, `display_name`, ...) are mapped to the token of their account;
- every other text value (post text, templates, evidence strings, lists of ids) keeps its words but loses
  its identities: a value equal to a known id or handle becomes its token, `@mentions` become `@<token>`,
  and a URL whose first path segment is a known handle (`x.com/<handle>/status/...`) has it replaced.

Tokens are `acct_` + 12 hex digits of HMAC-SHA256(salt, "account:" + account_id), so the same salt gives
the same tokens in every run (reproducible reports) and nobody without the salt can test a guessed handle
against them. Handles are compared case-insensitively (platforms treat them so).
"""
from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

import polars as pl

# The salt reaches a report kernel through this environment variable, never as a recorded parameter.
SALT_ENV = "WORKBENCH_PSEUDONYM_SALT"

ID_COLUMNS = ("account_id", "source", "target", "account_a", "account_b", "author_id", "user_id", "uid",
              "source_account", "target_account", "member", "representative_account")
NAME_COLUMNS = ("handle", "display_name", "screen_name", "author", "user_name", "username")

# A mention ends at whitespace or punctuation (Latin and CJK full-width).
_MENTION = re.compile(r"@([^\s@:：,，。.!！?？;；()（）\[\]<>\"'/#＃、]+)")
_URL_FIRST_SEGMENT = re.compile(r"(https?://[^/\s]+/)([^/\s?#]+)")


class Pseudonymiser:
    """Salted, consistent pseudonyms for accounts.

    Parameters
    ----------
    salt : secret text; the same salt gives the same pseudonyms. Keep it out of shared material.
    prefix : prefix of every token.
    digest_chars : hex digits of the HMAC kept (12 = 48 bits: collisions are negligible below ~10^6 accounts).
    """

    def __init__(self, salt: str, prefix: str = "acct_", digest_chars: int = 12):
        self.salt = salt
        self.prefix = prefix
        self.digest_chars = digest_chars

    # -- learning ------------------------------------------------------------------------------
    def fit(self, accounts: pl.DataFrame) -> "Pseudonymiser":
        """Learn the accounts: needs `account_id`, optionally `handle` and `display_name`. Returns self."""
        if not self.salt:
            raise ValueError("a pseudonymisation salt is required (an empty salt would make tokens guessable)")
        ids = accounts["account_id"].cast(pl.Utf8).to_list()
        self.id_tokens_ = {account: self._digest("account:" + account) for account in ids if account is not None}
        self.name_tokens_: dict[str, str] = {}
        for column in ("handle", "display_name"):
            if column in accounts.columns:
                for account, name in zip(ids, accounts[column].cast(pl.Utf8).to_list()):
                    if account is not None and name:
                        self.name_tokens_.setdefault(name.casefold(), self.id_tokens_[account])
        return self

    def _digest(self, key: str) -> str:
        mac = hmac.new(self.salt.encode("utf-8"), key.encode("utf-8"), hashlib.sha256).hexdigest()
        return self.prefix + mac[: self.digest_chars]

    # -- single values ---------------------------------------------------------------------------
    def token_for_account(self, account_id: str) -> str:
        """The pseudonym of an account id (also for ids not seen in `fit`)."""
        known = self.id_tokens_.get(account_id)
        return known if known is not None else self._digest("account:" + account_id)

    def token_for_handle(self, handle: str) -> str:
        """The pseudonym of a handle: its account's token when known, else a hash of the handle."""
        known = self.name_tokens_.get(handle.casefold())
        return known if known is not None else self._digest("handle:" + handle.casefold())

    def text(self, value: str | None) -> str | None:
        """Free text with identities replaced (see module docstring); None stays None."""
        if value is None:
            return None
        if value in self.id_tokens_:
            return self.id_tokens_[value]
        folded = value.casefold()
        if folded in self.name_tokens_:
            return self.name_tokens_[folded]
        value = _MENTION.sub(lambda m: "@" + self.token_for_handle(m.group(1)), value)

        def url(match: re.Match) -> str:
            segment = match.group(2)
            token = self.name_tokens_.get(segment.casefold())
            return match.group(1) + (token if token is not None else segment)

        value = _URL_FIRST_SEGMENT.sub(url, value)
        for account, token in self._ids_in(value):
            value = value.replace(account, token)
        return value

    def _ids_in(self, value: str) -> Iterable[tuple[str, str]]:
        # Qualified ids ("weibo:123") are distinctive; look only for those with a platform prefix present.
        if ":" not in value:
            return ()
        found = [(a, t) for a, t in self.id_tokens_.items() if ":" in a and a in value] if len(self.id_tokens_) < 5000 \
            else [(w, self.id_tokens_[w]) for w in re.findall(r"[\w.-]+:[\w.-]+", value) if w in self.id_tokens_]
        return sorted(found, key=lambda pair: -len(pair[0]))

    # -- frames ----------------------------------------------------------------------------------
    def transform(self, frame: pl.DataFrame) -> pl.DataFrame:
        """The frame with every identity replaced; column names, order, dtypes and row order unchanged."""
        out = []
        for name, dtype in frame.schema.items():
            column = pl.col(name)
            if name in ID_COLUMNS and dtype == pl.Utf8:
                out.append(column.map_elements(self.token_for_account, return_dtype=pl.Utf8, skip_nulls=True))
            elif name in NAME_COLUMNS and dtype == pl.Utf8:
                out.append(column.map_elements(self.token_for_handle, return_dtype=pl.Utf8, skip_nulls=True))
            elif dtype == pl.Utf8:
                out.append(column.map_elements(self.text, return_dtype=pl.Utf8, skip_nulls=True))
            elif dtype == pl.List(pl.Utf8):
                mapper = self.token_for_account if name in ID_COLUMNS else self.text
                if name in ("mentions",):
                    mapper = self.token_for_handle
                out.append(column.list.eval(pl.element().map_elements(mapper, return_dtype=pl.Utf8, skip_nulls=True)))
            else:
                out.append(column)
        return frame.select(out) if frame.width else frame

    def key(self) -> pl.DataFrame:
        """The re-identification key (`token`, `account_id`) for the investigation team only."""
        return pl.DataFrame(
            {"token": list(self.id_tokens_.values()), "account_id": list(self.id_tokens_.keys())},
            schema={"token": pl.Utf8, "account_id": pl.Utf8},
        ).sort("token")


class NoPseudonyms:
    """Stands in for `Pseudonymiser` when pseudonymisation is off: every frame passes unchanged."""

    def fit(self, accounts: pl.DataFrame) -> "NoPseudonyms":
        return self

    def transform(self, frame: pl.DataFrame) -> pl.DataFrame:
        return frame

    def text(self, value: str | None) -> str | None:
        return value

    def token_for_account(self, account_id: str) -> str:
        return account_id


def make_pseudonymiser(enabled: bool, salt: str, accounts: pl.DataFrame) -> Pseudonymiser | NoPseudonyms:
    """A fitted Pseudonymiser when `enabled`, else the pass-through."""
    return Pseudonymiser(salt).fit(accounts) if enabled else NoPseudonyms()
