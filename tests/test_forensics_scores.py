"""Flag rules: the identity gate (fans are not flagged on content and timing alone) and network propagation."""
import polars as pl

from workbench.forensics.baseline import signal_rows
from workbench.forensics.scores import SuspicionScorer, propagate_flags


def signals(account, fired: dict[str, float]):
    return pl.concat([signal_rows(name, [account], [1.0], 0.0, 0.5, [True], [strength], ["x"]) for name, strength in fired.items()])


def test_content_and_timing_alone_never_flag():
    frame = pl.concat([
        signals("fan", {"content_duplication": 1.0, "event_concentration": 1.0, "coordination": 1.0}),
        signals("troll", {"registration_burst": 1.0, "fresh_account": 1.0, "coordination": 1.0}),
    ])
    scores = SuspicionScorer(threshold=0.1).fit(frame).scores_
    flagged = dict(zip(scores["account_id"], scores["flagged"]))
    assert flagged == {"fan": False, "troll": True}
    assert scores.filter(pl.col("account_id") == "troll")["fired_signals"][0] == "coordination,fresh_account,registration_burst"


def test_network_propagation_is_one_step():
    scores = pl.DataFrame({
        "account_id": ["a", "b", "c", "d", "e"], "score": [0.5, 0.5, 0.1, 0.1, 0.0],
        "signals_fired": [3, 3, 1, 1, 0], "fired_signals": ["", "", "", "", ""],
        "flagged": [True, True, False, False, False], "flag_reason": ["signals", "signals", "", "", ""], "rank": [1, 2, 3, 4, 5],
    })
    # c acts with a and b (both flagged); d acts with c and e only; e with d only.
    edges = pl.DataFrame({"account_a": ["a", "b", "c", "d"], "account_b": ["c", "c", "d", "e"]})
    out = propagate_flags(scores, edges, min_flagged_neighbours=2, min_neighbour_share=0.5)
    reasons = dict(zip(out["account_id"], out["flag_reason"]))
    assert reasons == {"a": "signals", "b": "signals", "c": "network", "d": "", "e": ""}


def test_without_registration_dates_a_coordination_flag_is_enough():
    frame = pl.concat([
        signals("coordinated", {"coordination": 1.0}),
        signals("quiet", {"follower_anomaly": 0.2}),
    ])
    scorer = SuspicionScorer(threshold=0.2).fit(frame)
    assert not scorer.identity_rule_
    assert dict(zip(scorer.scores_["account_id"], scorer.scores_["flagged"])) == {"coordinated": True, "quiet": False}
