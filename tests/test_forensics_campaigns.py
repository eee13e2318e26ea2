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
        verdict_labels("account", "x", "rejected", "ana", "", merge_into="C-1")


def test_account_merged_into_campaign_stays_there(analysis, corpus):
    campaign = analysis.campaigns["campaign_id"][0]
    outsider = "synth:o0005"  # an organic account with no link to the campaign
    assert outsider not in analysis.campaign_accounts["account_id"].to_list()
    labels = verdict_labels("account", outsider, "confirmed", "ana", "same phone number as the operator", merge_into=campaign)
    again = analyse_frames(corpus["posts"], corpus["accounts"], corpus["events"], labels, None, PARAMS)
    row = again.campaign_accounts.filter(pl.col("account_id") == outsider)
    assert row["campaign_id"].to_list() == [campaign] and row["verdict"].to_list() == ["confirmed"]


def test_campaign_links_join_batches_and_families_without_coordination():
    from workbench.forensics.campaigns import assemble_campaigns, campaign_links
    import datetime as dt

    ids = [f"x:{i}" for i in range(6)]
    accounts = pl.DataFrame({"account_id": ids, "created_at": [dt.datetime(2025, 1, 1, 3)] * 3 + [dt.datetime(2025, 2, 1)] * 3})
    posts = pl.DataFrame({"post_id": ["p3", "p4", "p5", "p0"], "account_id": ["x:3", "x:4", "x:5", "x:0"]})
    families = pl.DataFrame({"post_id": ["p3", "p4", "p5", "p0"], "family_id": ["7", "7", "7", "7"]})
    links = campaign_links(ids, None, families, posts, accounts, burst_accounts=ids[:3])
    assert set(links["link"]) == {"family", "registration"}
    scores = pl.DataFrame({"account_id": ids, "score": [0.5] * 6, "flagged": [True] * 6, "fired_signals": ["registration_burst"] * 6})
    members = assemble_campaigns(scores, pl.DataFrame({"account_id": [], "community": []}, schema={"account_id": pl.String, "community": pl.Int64}),
                                 None, 3, fused_edges=links)
    # batch x:0-2 and family x:3-5 meet through x:0's post in family 7: one campaign of six.
    assert members["campaign_id"].n_unique() == 1 and members.height == 6


def test_a_small_fragment_writing_a_larger_campaigns_text_joins_it():
    """Three accounts with no link to their operation but its templates join it; a small campaign whose
    text is its own, or only chatter nobody owns, stays apart; an analyst-confirmed one is never folded."""
    from workbench.forensics.campaigns import absorb_fragments

    big = [f"a{i}" for i in range(20)]
    members = pl.DataFrame({"campaign_id": ["C-big"] * 20 + ["C-frag"] * 3 + ["C-own"] * 3 + ["C-kept"] * 3,
                            "account_id": big + ["f0", "f1", "f2", "o0", "o1", "o2", "k0", "k1", "k2"],
                            "status": ["unreviewed"] * 26 + ["confirmed"] * 3})
    rows = []  # (post, account, family)
    for i, account in enumerate(big * 3):
        rows.append((f"b{i}", account, f"T{i % 4}"))  # the big campaign's four template families
    for i, account in enumerate(["f0", "f1", "f2", "f0", "k0", "k1", "k2", "k0"]):
        rows.append((f"x{i}", account, f"T{i % 4}"))  # fragment and confirmed group write them too
    for i, account in enumerate(["f0", "f1", "o0", "o1", "o2"] * 4):
        rows.append((f"c{i}", account, "CHATTER"))  # a family nobody owns
    for i in range(6):
        rows.append((f"organic{i}", f"u{i}", "CHATTER"))
    for i, account in enumerate(["o0", "o1", "o2"] * 2):
        rows.append((f"own{i}", account, "OWN"))  # C-own's own template
    frame = pl.DataFrame(rows, schema=["post_id", "account_id", "family_id"], orient="row")
    out = absorb_fragments(members, frame.select("post_id", "account_id"), frame.select("post_id", "family_id"))
    campaign = dict(out.select("account_id", "campaign_id").iter_rows())
    assert {campaign[a] for a in ("f0", "f1", "f2")} == {"C-big"}
    assert {campaign[a] for a in ("o0", "o1", "o2")} == {"C-own"}
    assert {campaign[a] for a in ("k0", "k1", "k2")} == {"C-kept"}
    assert out.height == members.height and set(out.filter(pl.col("campaign_id") == "C-big")["status"]) == {"unreviewed"}
