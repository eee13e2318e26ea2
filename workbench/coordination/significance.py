"""Coordination tested against chance, at several time scales.

A windowed co-action count says how often two accounts did the same thing at about the same time; it does
not say whether that is surprising. Two heavy users who both repost whatever goes viral meet often by
chance; five bought accounts that reply to the same mid-size post an hour apart, wave after wave, do not.
This module keeps the account pairs whose shared objects chance cannot explain.

**Objects.** Every action of an account on an object of the pooled signals (the post it reposts or quotes,
the post it replies to, each link, its exact normalised text, its hashtag set, each mention, each media
hash) is one *incidence* (account, object, time of the account's first action on it). An object's
popularity ``k`` is the number of distinct accounts on it. Objects more popular than ``max_object_accounts``
(or than the largest popularity that keeps all pairs within ``max_pairs``) are left out of the test and
reported: co-action on a post thousands reposted is no evidence, and leaving them out keeps the work linear
in the pairs that are evidence.

**Observed.** For each account pair and time scale ``s`` (``scales_s``; ``None`` is untimed), ``n_s`` is
the number of distinct objects both acted on with first actions at most ``s`` seconds apart.

**Null model.** A bipartite configuration model with time: account ``b``'s ``d_b`` incidences land on
objects in proportion to their popularity, and two accounts on the same object fall within ``s`` of each
other as often as the object's own pairs do (``q_o(s)`` = its pairs within ``s`` / all its pairs). The
expected count is then ``lambda = d_b * S_a(s) / M`` with ``S_a(s) = sum over a's objects of
(k_o - 1) q_o(s)`` and ``M`` all incidences, taken the larger of its two directions (conservative).
Popular objects and prolific accounts raise ``lambda``; rare objects shared again and again do not.
``p = P(Poisson(lambda) >= n_s)``.

**Significance.** A pair is significant at scale ``s`` when ``n_s >= min_shared`` and ``p`` passes the
Benjamini-Hochberg cut at ``alpha`` over all tests (pairs seen times scales; ``correction="bonferroni"``
for the stricter family-wise cut). Its evidence is the scale with the smallest ``p``.

**Groups.** Significant pairs that close a triangle (the two accounts share a significant partner) form
squads: connected, at least ``min_group_size`` accounts, each with ``min_group_partners`` significant
partners inside. Squads whose members push the same objects more than chance allows (the same test
between groups) merge into operations, and an account whose objects are shared with an operation more
than chance allows joins it, for ``rounds`` rounds. Whether a group is a smear operation, fans, a news
feed or organic is judged elsewhere (:mod:`workbench.forensics.kinds`) from what it pushes.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from workbench.arrays import run_numbers
from workbench.coordination.signals import encode, signal_actions

POOLED_SIGNALS = ("co_share", "co_reply", "co_link", "co_text", "co_media")
DEFAULT_SCALES_S: tuple[float | None, ...] = (60.0, 1800.0, 6 * 3600.0, None)

PAIR_SCHEMA = {
    "account_a": pl.String, "account_b": pl.String, "shared": pl.Int64, "shared_in_scale": pl.Int64,
    "scale_s": pl.Float64, "expected": pl.Float64, "log10_p": pl.Float64, "group_id": pl.Int64,
}


def object_pairs(starts: np.ndarray, ends: np.ndarray, max_k: int) -> tuple[np.ndarray, np.ndarray]:
    """Every pair (x < y) of incidence positions inside each run [start, end) of 2..max_k incidences: int32
    arrays (left, right; positions below 2**31). Runs of one size share one upper-triangle pattern, so the
    work is vectorised per size (at most max_k sizes) and needs no compiled code."""
    sizes = ends - starts
    lefts, rights = [], []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= max_k)]):
        first = starts[sizes == size]
        i, j = np.triu_indices(int(size), 1)
        lefts.append((first[:, None] + i).ravel().astype(np.int32))
        rights.append((first[:, None] + j).ravel().astype(np.int32))
    if not lefts:
        return np.zeros(0, np.int32), np.zeros(0, np.int32)
    return np.concatenate(lefts), np.concatenate(rights)


def poisson_log10_sf(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """log10 P(Poisson(expected) >= observed), elementwise (observed >= 1). Uses the regularised lower
    incomplete gamma; below float precision it falls back to the leading term of the tail, which is exact
    enough for ranking and thresholds far below 1e-300."""
    from scipy.special import gammaincc, gammaln

    observed = np.asarray(observed, dtype=np.float64)
    expected = np.maximum(np.asarray(expected, dtype=np.float64), 1e-300)
    # P(X >= n) = P(n, lambda) (regularised lower gamma) = 1 - gammaincc(n, lambda)
    with np.errstate(divide="ignore"):
        direct = np.log10(np.clip(1.0 - gammaincc(observed, expected), 0.0, 1.0))
    leading = (observed * np.log(expected) - expected - gammaln(observed + 1.0)) / np.log(10.0)
    return np.where(np.isfinite(direct) & (direct > -250), direct, leading)


def pooled_incidences(posts: pl.DataFrame, account_codes: np.ndarray, times_us: np.ndarray,
                      signals: Sequence[str] = POOLED_SIGNALS, text_normalizer: str = "workbench",
                      known_actions: dict[str, tuple[np.ndarray, np.ndarray, pl.Series]] | None = None) -> dict[str, np.ndarray]:
    """The incidences of every pooled signal present in ``posts``: account, object (one code space over
    all signals), times in seconds, post row, and the object labels ("co_link: https://...").

    known_actions: per signal already turned into actions, (rows, object codes, labels) as
    ``encode(signal_actions(...)["object"], sorted_labels=False)`` gives them; the others are computed."""
    parts, labels, offset = [], [], 0
    for signal in signals:
        if known_actions and signal in known_actions:
            rows, codes, names = known_actions[signal]
            if not rows.size:
                continue
        else:
            try:
                actions = signal_actions(posts, signal, text_normalizer=text_normalizer)
            except (KeyError, pl.exceptions.ColumnNotFoundError):
                continue  # the corpus has no column for this signal
            if actions.is_empty():
                continue
            codes, names = encode(actions["object"], sorted_labels=False)
            rows = actions["row"].to_numpy()
        parts.append((rows, codes.astype(np.int64) + offset))
        labels.append(signal + ": " + names.cast(pl.String))
        offset += len(names)
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return {"account": empty, "object": empty, "time_s": empty, "row": empty, "labels": pl.Series([], dtype=pl.String)}
    rows = np.concatenate([r for r, _ in parts])
    return {"account": account_codes[rows].astype(np.int64), "object": np.concatenate([o for _, o in parts]),
            "time_s": times_us[rows] // 1_000_000, "row": rows, "labels": pl.concat(labels)}


def fdr_threshold(log10_p: np.ndarray, tests: int, alpha: float) -> float:
    """The Benjamini-Hochberg cut-off (log10) for ``tests`` tests of which ``log10_p`` are the ones that
    can be small (the rest count as p = 1): the largest p_(i) with p_(i) <= i * alpha / tests."""
    ordered = np.sort(log10_p)
    ranks = np.arange(1, ordered.size + 1)
    ok = ordered <= np.log10(ranks * alpha / max(tests, 1))
    return float(ordered[np.flatnonzero(ok)[-1]]) if ok.any() else float(np.log10(alpha / max(tests, 1)))


def in_triangles(a: np.ndarray, b: np.ndarray, n_nodes: int) -> np.ndarray:
    """Per undirected edge (a[i], b[i]): whether its two ends have a common neighbour. bool (n_edges,)."""
    from scipy.sparse import coo_matrix

    if a.size == 0:
        return np.zeros(0, dtype=bool)
    adjacency = coo_matrix((np.ones(a.size), (a, b)), shape=(n_nodes, n_nodes)).tocsr()
    adjacency = ((adjacency + adjacency.T) > 0).astype(np.int32)
    common = (adjacency @ adjacency).multiply(adjacency).tocsr()
    return np.asarray(common[a, b]).ravel() > 0


def connected_groups(a: np.ndarray, b: np.ndarray, n_nodes: int) -> np.ndarray:
    """Connected components of an undirected graph, int64 (n_nodes,), numbered by their smallest node;
    nodes without an edge get -1."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    out = np.full(n_nodes, -1, dtype=np.int64)
    if a.size == 0:
        return out
    _, labels = connected_components(coo_matrix((np.ones(a.size), (a, b)), shape=(n_nodes, n_nodes)), directed=False)
    linked = np.zeros(n_nodes, bool)
    linked[a] = linked[b] = True
    first = {}
    for node in np.flatnonzero(linked):
        out[node] = first.setdefault(int(labels[node]), len(first))
    return out


class SignificantCoordination:
    """Account pairs, squads and operations whose co-action chance cannot explain (module docstring).

    Parameters
    ----------
    signals: the pooled signals whose objects are tested (names of ``workbench.coordination.signals``).
    scales_s: time scales in seconds; ``None`` is the untimed "same objects" view.
    alpha: family-wise error rate of each test family (Bonferroni over the tests of the family x scales).
    min_shared: fewest shared objects for a significant pair (or account-group, group-group tie).
    max_object_accounts: objects with more accounts are left out (reported in ``hot_objects_``).
    max_pairs: at most this many account pairs are enumerated; the popularity cap is lowered until they fit.
    min_group_size, min_group_partners: what makes a squad (connected significant pairs) and a member of it.
    rounds: rounds of merging squads into operations and attaching accounts to them.

    Attributes after ``fit_incidences``: ``pairs_`` (PAIR_SCHEMA, significant pairs), ``groups_``
    (account_id, squad, group, partners, how, log10_p), ``object_cap_``, ``tests_``, ``hot_objects_``.
    """

    def __init__(
        self,
        signals: Sequence[str] = POOLED_SIGNALS,
        scales_s: Sequence[float | None] = DEFAULT_SCALES_S,
        alpha: float = 0.01,
        min_shared: int = 3,
        max_object_accounts: int = 1000,
        max_pairs: int = 40_000_000,
        min_group_size: int = 3,
        min_group_partners: int = 2,
        rounds: int = 3,
        correction: str = "fdr",
    ):
        self.signals = signals
        self.scales_s = scales_s
        self.alpha = alpha
        self.min_shared = min_shared
        self.max_object_accounts = max_object_accounts
        self.max_pairs = max_pairs
        self.min_group_size = min_group_size
        self.min_group_partners = min_group_partners
        self.rounds = rounds
        self.correction = correction

    def fit_incidences(self, accounts: np.ndarray, objects: np.ndarray, times_s: np.ndarray,
                       rows: np.ndarray, account_labels: pl.Series) -> "SignificantCoordination":
        """Fit from incidences: int arrays of account codes (into ``account_labels``), object codes, times in
        seconds and the post row of each action. Several actions of one account on one object count once
        (its first)."""
        n_accounts = len(account_labels)
        frame = (
            pl.DataFrame({"account": accounts.astype(np.int64), "object": objects.astype(np.int64),
                          "t": times_s.astype(np.int64), "row": rows.astype(np.int64)})
            .sort("object", "account", "t", "row")
            .unique(["object", "account"], keep="first", maintain_order=True)
        )
        obj, acc, t = frame["object"].to_numpy(), frame["account"].to_numpy(), frame["t"].to_numpy()
        self._rows, self._acc, self._obj = frame["row"].to_numpy(), acc, obj
        self.account_labels_ = account_labels
        run = run_numbers(obj)
        k_per_object = np.bincount(run) if run.size else np.zeros(0, np.int64)
        starts = np.flatnonzero(np.concatenate(([True], run[1:] != run[:-1]))).astype(np.int64) if run.size else run
        ends = np.append(starts[1:], run.size).astype(np.int64)
        cap = self._popularity_cap(k_per_object)
        self.object_cap_ = int(cap)
        inside = k_per_object[run] <= cap
        total = max(float(inside.sum()), 1.0)
        degree = np.bincount(acc[inside], minlength=n_accounts).astype(np.float64)

        # Up to max_pairs (40 M) rows per array below: 32-bit positions, codes and gaps halve the peak.
        left, right = object_pairs(starts, ends, cap)
        dt = np.abs(t[left] - t[right])
        scales = list(self.scales_s)
        within = [np.ones(dt.size, bool) if scale is None else dt <= scale for scale in scales]
        del dt
        pair_object = run.astype(np.int32)[left]
        acc32 = acc.astype(np.int32)
        a = np.minimum(acc32[left], acc32[right])
        b = np.maximum(acc32[left], acc32[right])
        del acc32
        # Sum over an account's objects of (k - 1) q_o(s) = 2 W_o(s) / k_o, W_o(s) the object's pairs within s.
        k = np.maximum(k_per_object.astype(np.float64), 1.0)
        spread = np.column_stack([
            np.bincount(acc, weights=np.where(inside, (2.0 * np.bincount(pair_object[w], minlength=k.size) / k)[run], 0.0),
                        minlength=n_accounts)
            for w in within
        ]) if scales else np.zeros((n_accounts, 0))
        null = _Null(degree, spread, total)

        # 1. account pairs
        pairs = self._block_test(a, b, pair_object, within, null, null, family="pairs")
        self.tests_ = pairs.tests
        sig = pairs.frame.filter(pl.col("significant"))
        sig_a, sig_b = sig["x"].to_numpy(), sig["y"].to_numpy()
        # A squad is held together by triangles: a pair only links two squads when the two accounts also
        # share a significant partner, so one chance pair between a fan and a squad member chains nothing.
        closed = in_triangles(sig_a, sig_b, n_accounts)
        squad = connected_groups(sig_a[closed], sig_b[closed], n_accounts)
        same = squad[sig_a] == squad[sig_b]
        partners = np.bincount(np.concatenate((sig_a[same], sig_b[same])), minlength=n_accounts)
        member = (squad >= 0) & (partners >= self.min_group_partners)
        sizes = np.bincount(squad[member], minlength=max(int(squad.max()) + 1, 1)) if member.any() else np.zeros(1, np.int64)
        member &= sizes[np.maximum(squad, 0)] >= self.min_group_size
        squad = np.where(member, squad, -1)

        # 2. squads that push the same objects are one operation; accounts that share with an operation
        # more than chance allows join it. Both tests repeat, each on the groups the last round left.
        group = squad.copy()
        how = np.where(squad >= 0, 1, 0)  # 1 pairs, 2 group test
        group_p = np.zeros(n_accounts)
        for _ in range(max(self.rounds, 0)):
            changed = False
            units = _group_null(group, null)
            ga, gb = _sides(group, a, b)
            both = (ga >= 0) & (gb >= 0) & (ga != gb)
            if both.any():
                merged = self._block_test(np.minimum(ga, gb)[both], np.maximum(ga, gb)[both], pair_object[both],
                                          [w[both] for w in within], units, units, family="groups")
                links = merged.frame.filter(pl.col("significant"))
                if links.height:
                    component = connected_groups(links["x"].to_numpy(), links["y"].to_numpy(), int(group.max()) + 1)
                    group = np.where(group >= 0, np.where(component[np.maximum(group, 0)] >= 0,
                                                          component[np.maximum(group, 0)] + group.max() + 1, group), -1)
                    group = _renumber(group)
                    changed = True
                    units = _group_null(group, null)
                    ga, gb = _sides(group, a, b)
            one = (ga >= 0) != (gb >= 0)
            if one.any():
                outsider = np.where(ga[one] >= 0, b[one], a[one])
                target = np.where(ga[one] >= 0, ga[one], gb[one])
                joined = self._block_test(outsider, target, pair_object[one], [w[one] for w in within], null, units,
                                          family="attach")
                best = (joined.frame.filter(pl.col("significant")).sort("log10_p", "y").unique("x", keep="first"))
                if best.height:
                    xs = best["x"].to_numpy()
                    group[xs] = best["y"].to_numpy()
                    how[xs] = 2
                    group_p[xs] = best["log10_p"].to_numpy()
                    changed = True
            if not changed:
                break
        group = _renumber(group)
        self.groups_ = pl.DataFrame({
            "account_id": account_labels, "group": group, "squad": squad, "partners": partners.astype(np.int64),
            "how": np.array(["", "pairs", "group"])[how], "log10_p": group_p,
        }).filter(pl.col("group") >= 0).sort("group", "account_id")
        scale_values = np.array([np.nan if s is None else float(s) for s in scales] + [np.nan])
        self.pairs_ = pl.DataFrame({
            "account_a": account_labels.gather(sig_a), "account_b": account_labels.gather(sig_b),
            "shared": sig["n_all"].to_numpy(), "shared_in_scale": sig["n"].to_numpy(),
            "scale_s": scale_values[sig["scale"].to_numpy()], "expected": sig["expected"].to_numpy(),
            "log10_p": sig["log10_p"].to_numpy(),
            "group_id": np.where(group[sig_a] == group[sig_b], group[sig_a], -1),
        }, schema=PAIR_SCHEMA).sort("account_a", "account_b")
        # Only the pairs inside groups are kept for the evidence look-ups.
        keep = (group[a] >= 0) & (group[a] == group[b])
        self._n_accounts = n_accounts
        self._pair_key = a[keep].astype(np.int64) * n_accounts + b[keep]
        self._pair_left, self._pair_right = left[keep], right[keep]
        hot = np.flatnonzero(k_per_object > cap)
        self.hot_objects_ = pl.DataFrame({"object_code": obj[starts[hot]], "accounts": k_per_object[hot].astype(np.int64)})
        return self

    def _block_test(self, x, y, objects, within, x_null, y_null, family):
        """Distinct shared objects per (x, y) and scale against ``max(d_y S_x(s), d_x S_y(s)) / M``.

        x, y: the two sides of each pair-object row (accounts, or group numbers); within: per scale, bool
        rows inside the scale. Returns the per-(x, y) frame with n (in the best scale), n_all (untimed),
        scale, expected, log10_p and significant (FDR or Bonferroni over this family's tests x scales), one row per
        (x, y) sharing at least ``min_shared`` objects."""
        if family != "pairs":  # several rows per (x, y, object) when x or y is a group: count objects once
            rows = (pl.DataFrame({"x": x, "y": y, "o": objects, **{f"w{i}": w for i, w in enumerate(within)}})
                    .group_by("x", "y", "o").agg([pl.col(f"w{i}").any() for i in range(len(within))]))
            x, y = rows["x"].to_numpy(), rows["y"].to_numpy()
            within = [rows[f"w{i}"].to_numpy() for i in range(len(within))]
        width = int(max(x.max(initial=0), y.max(initial=0))) + 1
        key, order = _sorted_with_order(x.astype(np.int64) * width + y)
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1]))) if key.size else np.zeros(0, np.int64)
        n_all = np.diff(starts, append=key.size)
        tests = starts.size * max(len(within), 1)
        # Most pairs share one or two objects: they count as tests (p = 1) but need no row, which keeps
        # tens of millions of rows out of the frame (and leaves the FDR cut-off as it was), and their rows
        # need not be counted per scale.
        testable = n_all >= self.min_shared
        order = order[np.repeat(testable, n_all)]
        testable_starts = np.cumsum(n_all[testable]) - n_all[testable]
        frame = pl.DataFrame({
            "x": key[starts[testable]] // width, "y": key[starts[testable]] % width,
            **{f"n{i}": np.add.reduceat(w[order].astype(np.int32), testable_starts).astype(np.int64)
               if testable_starts.size else np.zeros(0, np.int64) for i, w in enumerate(within)},
            "n_all": n_all[testable].astype(np.int64),
        })
        del key, order, starts, n_all
        xs, ys = frame["x"].to_numpy(), frame["y"].to_numpy()
        best_p = np.zeros(xs.size)
        best_scale = np.full(xs.size, len(within), dtype=np.int64)
        best_n = np.zeros(xs.size, dtype=np.int64)
        best_expected = np.zeros(xs.size)
        for i in range(len(within)):
            n = frame[f"n{i}"].to_numpy()
            # Distinct objects of x that y touched: y's incidences landing on x's objects. Between two
            # accounts either side may be x, so the larger (conservative) of both directions is taken.
            expected = y_null.degree[ys] * x_null.spread[xs, i]
            if family != "attach":
                expected = np.maximum(expected, x_null.degree[xs] * y_null.spread[ys, i])
            expected = expected / x_null.total
            log_p = np.zeros(n.size)
            testable = n >= self.min_shared  # most pairs share one or two objects: no p-value needed
            log_p[testable] = poisson_log10_sf(n[testable], expected[testable])
            better = log_p < best_p
            best_p = np.where(better, log_p, best_p)
            best_scale = np.where(better, i, best_scale)
            best_n = np.where(better, n, best_n)
            best_expected = np.where(better, expected, best_expected)
        threshold = fdr_threshold(best_p, tests, self.alpha) if self.correction == "fdr" else np.log10(self.alpha / max(tests, 1))
        out = frame.select("x", "y", "n_all").with_columns(
            n=pl.Series(best_n), scale=pl.Series(best_scale), expected=pl.Series(best_expected),
            log10_p=pl.Series(best_p), significant=pl.Series(best_p <= threshold),
        )
        return _Tested(out, tests, family)

    def _popularity_cap(self, k_per_object: np.ndarray) -> int:
        """The largest popularity <= max_object_accounts whose objects' pairs fit in max_pairs."""
        cap = int(min(self.max_object_accounts, k_per_object.max() if k_per_object.size else 2))
        ks = np.sort(k_per_object[(k_per_object >= 2) & (k_per_object <= cap)])
        cumulative = np.cumsum(ks * (ks - 1) // 2)
        if cumulative.size and cumulative[-1] > self.max_pairs:
            cap = int(ks[np.searchsorted(cumulative, self.max_pairs, side="right") - 1]) if cumulative[0] <= self.max_pairs else 1
        return max(cap, 1)

    def evidence_rows(self, account_a_code: int, account_b_code: int) -> np.ndarray:
        """Row numbers (into the fitted posts) of two grouped accounts' first actions on each object they
        share: int64 (n, 2), the first column ``account_a_code``'s."""
        a, b = sorted((account_a_code, account_b_code))
        at = np.flatnonzero(self._pair_key == a * self._n_accounts + b)
        left, right = self._pair_left[at], self._pair_right[at]
        first_is_a = self._acc[left] == account_a_code
        return np.column_stack((self._rows[np.where(first_is_a, left, right)], self._rows[np.where(first_is_a, right, left)]))


def _sorted_with_order(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``key`` sorted and the positions that sort it (ties in no particular order).

    Where the key and its position fit 63 bits together, one vectorised sort of the packed values does
    both: 40M pair keys sort in 0.5 s, where an argsort takes 5 s (and a stable one 7.5 s).
    """
    position_bits = max(1, int(key.size - 1).bit_length())
    if key.size and int(key.max()).bit_length() + position_bits <= 63:
        packed = (key << np.int64(position_bits)) | np.arange(key.size, dtype=np.int64)
        packed.sort()
        order = packed & np.int64((1 << position_bits) - 1)
        packed >>= np.int64(position_bits)
        return packed, order
    order = np.argsort(key)
    return key[order], order


class _Null:
    """Degrees and time-scaled spreads of the entities of one side of a test (accounts or groups)."""

    def __init__(self, degree: np.ndarray, spread: np.ndarray, total: float):
        self.degree, self.spread, self.total = degree, spread, total


class _Tested:
    def __init__(self, frame: pl.DataFrame, tests: int, family: str):
        self.frame, self.tests, self.family = frame, tests, family


def _group_null(group: np.ndarray, accounts: _Null) -> _Null:
    """The null of groups: sums of their members' degrees and spreads (a group pushes what its members do)."""
    n_groups = int(group.max()) + 1 if group.size and group.max() >= 0 else 0
    members = group >= 0
    degree = np.bincount(group[members], weights=accounts.degree[members], minlength=n_groups)
    spread = np.column_stack([
        np.bincount(group[members], weights=accounts.spread[members, i], minlength=n_groups)
        for i in range(accounts.spread.shape[1])
    ]) if accounts.spread.shape[1] else np.zeros((n_groups, 0))
    return _Null(degree, spread, accounts.total)


def _sides(group: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The group (-1 none) of each pair row's two accounts, 32-bit like the rows."""
    group = group.astype(np.int32)
    return group[a], group[b]


def _renumber(group: np.ndarray) -> np.ndarray:
    """Groups numbered 0, 1, ... by their smallest member; -1 stays -1."""
    out = np.full(group.size, -1, dtype=np.int64)
    seen: dict[int, int] = {}
    for node in np.flatnonzero(group >= 0):
        out[node] = seen.setdefault(int(group[node]), len(seen))
    return out
