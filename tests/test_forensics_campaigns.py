"""Campaign assembly, share of voice and analyst verdicts kept across runs."""
import polars as pl
import pytest

from forensics_corpus import make_corpus
from workbench.forensics.campaigns import about_target, resolve_merges, verdict_labels
from workbench.pipeline import AnalysisParams, analyse_frames

PARAMS = AnalysisParams(target_terms=("Zeta",))


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(seed=7)


@pytest.fixture(scope="module")
def analysis(corpus):
    return analyse_frames(corpus["posts"], corpus["accounts"], corpus["events"], None, None, PARAMS)


def labels_of(*frames):
    return pl.concat(frames)


def test_planted_campaign_is_one_campaign_without_fans(analysis, corpus):
    members = analysis.campaign_accounts.join(corpus["truth"], on="account_id")
    assert analysis.campaigns.height == 1
    assert members["is_campaign"].all()
    assert members.height >= 0.9 * corpus["truth"]["is_campaign"].sum()
    row = analysis.campaigns.row(0, named=True)
    assert row["n_accounts"] == members.height
    assert "Zeta X7 launch" in row["surge_events"]
    assert row["audience_followers"] >= 0 and row["engagement"] > 0


def test_share_of_voice_is_campaign_share_of_target_posts(analysis, corpus):
    sov = analysis.share_of_voice.filter(pl.col("campaign_id") == "ALL")
    assert sov["share_posts"].is_between(0, 1).all()
    posts = corpus["posts"].with_columns(pl.col("created_at").dt.date().alias("day"))
    posts = posts.filter(about_target(posts, ["Zeta"]))
    members = set(analysis.campaign_accounts["account_id"].to_list())
    launch_day = sov.sort("campaign_posts", descending=True).row(0, named=True)
    day_posts = posts.filter(pl.col("day") == launch_day["day"])
    expected = day_posts["account_id"].is_in(list(members)).mean()
    assert launch_day["share_posts"] == pytest.approx(expected)
    assert launch_day["share_posts"] > 0.5


def test_rejected_account_drops_out_and_confirmed_campaign_keeps_its_id(analysis, corpus):
    campaign = analysis.campaigns["campaign_id"][0]
    members = analysis.campaign_accounts["account_id"].to_list()
    rejected = members[0]
    labels = labels_of(
        verdict_labels("account", rejected, "rejected", "ana", "journalist, verified by phone"),
        verdict_labels("campaign", campaign, "confirmed", "ana", "same templates", members=members),
    )
    again = analyse_frames(corpus["posts"], corpus["accounts"], corpus["events"], labels, None, PARAMS)
    assert rejected not in again.campaign_accounts["account_id"].to_list()
    assert again.campaigns["campaign_id"].to_list() == [campaign]
    assert again.campaigns["status"][0] == "confirmed"
    # The pinned id survives even though the smallest member (the default anchor) changed.
    assert again.campaign_accounts["status"].unique().to_list() == ["confirmed"]


def test_merge_sticks(analysis, corpus):
    campaign = analysis.campaigns["campaign_id"][0]
    labels = verdict_labels("campaign", campaign, "confirmed", "ana", "same operator as C-older", merge_into="C-older",
                            members=analysis.campaign_accounts["account_id"].to_list())
    again = analyse_frames(corpus["posts"], corpus["accounts"], corpus["events"], labels, None, PARAMS)
    assert again.campaigns["campaign_id"].to_list() == ["C-older"]
    assert resolve_merges("A", {"A": "B", "B": "C"}) == "C"
    assert resolve_merges("A", {"A": "B", "B": "A"}) == "A"


def test_verdict_values_are_checked():
    with pytest.raises(ValueError):
        verdict_labels("account", "x", "maybe", "ana", "")
    with pytest.raises(ValueError):
        verdict_labels("account", "x", "confirmed", "ana", "", merge_into="C-1")
