"""Per-account forensic signals and the unsupervised suspicion score on a planted campaign."""
import polars as pl
import pytest

from forensics_corpus import make_corpus
from workbench.forensics.baseline import SIGNAL_SCHEMA
from workbench.forensics.features import AccountForensics
from workbench.forensics.handles import classify_handle
from workbench.forensics.scores import SuspicionScorer


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(seed=7)


@pytest.fixture(scope="module")
def forensics(corpus):
    return AccountForensics().fit(corpus["posts"], corpus["accounts"], corpus["events"])


def fired_share(forensics, truth, signal, campaign):
    rows = forensics.signals_.filter(pl.col("signal") == signal).join(truth, on="account_id")
    return rows.filter(pl.col("is_campaign") == campaign)["fired"].mean()


def test_signal_frame_is_tidy_and_explained(forensics):
    assert forensics.signals_.schema == pl.Schema(SIGNAL_SCHEMA)
    assert forensics.signals_.filter(pl.col("detail").is_null()).height == 0
    assert forensics.signals_.select(["account_id", "signal"]).is_duplicated().sum() == 0


@pytest.mark.parametrize(
    "signal", ["registration_burst", "content_duplication", "cadence_regularity", "follower_anomaly", "handle_pattern"]
)
def test_planted_campaign_fires_and_organic_does_not(forensics, corpus, signal):
    assert fired_share(forensics, corpus["truth"], signal, True) >= 0.9
    assert fired_share(forensics, corpus["truth"], signal, False) <= 0.05


def test_registration_burst_explains_value_against_baseline(forensics):
    row = forensics.signals_.filter((pl.col("account_id") == "synth:c0000") & (pl.col("signal") == "registration_burst")).row(0, named=True)
    assert row["value"] == 20 and row["baseline"] < 1 and row["fired"]
    assert "20 accounts that day" in row["detail"]


def test_handle_classes():
    assert classify_handle("truthteller483920") == "name_plus_digits"
    assert classify_handle("用户7386124950") == "name_plus_digits"
    assert classify_handle("xq7vtk2mz9") == "random_string"
    assert classify_handle("alice_w") == "plain"
    assert classify_handle(None) == "missing"


def test_unsupervised_score_separates_campaign_and_spares_fan_club(forensics, corpus):
    scores = SuspicionScorer().fit(forensics.signals_).scores_.join(corpus["truth"], on="account_id")
    flagged = scores.filter(pl.col("flagged"))
    precision = flagged["is_campaign"].mean()
    recall = scores.filter(pl.col("is_campaign"))["flagged"].mean()
    assert precision >= 0.95 and recall >= 0.9
    assert scores.filter(pl.col("is_fan_club"))["flagged"].sum() == 0
    assert (flagged["fired_signals"].str.split(",").list.len() >= 2).all()


def test_supervised_weights_learned_from_labels(forensics, corpus):
    labels = corpus["truth"].select("account_id", "is_campaign")
    scorer = SuspicionScorer(supervised=True, threshold=0.5).fit(forensics.signals_, labels=labels)
    assert scorer.weights_["content_duplication"] > 0
    merged = scorer.scores_.join(corpus["truth"], on="account_id")
    assert merged.filter(pl.col("is_campaign"))["flagged"].mean() >= 0.9


def test_deterministic(corpus):
    a = AccountForensics().fit(corpus["posts"], corpus["accounts"], corpus["events"]).signals_
    b = AccountForensics().fit(corpus["posts"].sample(fraction=1.0, shuffle=True, seed=3), corpus["accounts"], corpus["events"]).signals_
    assert a.equals(b)


def test_hostile_text_is_data(corpus):
    posts = corpus["posts"].with_columns(
        pl.when(pl.col("account_id") == "synth:o0001").then(pl.lit("'); DROP TABLE posts; -- <script>x</script>\x00" + "A" * 100_000)).otherwise(pl.col("text")).alias("text")
    )
    signals = AccountForensics().fit(posts, corpus["accounts"]).signals_
    assert signals.filter(pl.col("account_id") == "synth:o0001").height > 0


def test_content_duplication_asks_more_than_the_corpus_rate_explains():
    """Where ordinary users repeat stock phrases (most texts are in shared families), a few shared texts are
    chance; an account whose every one of many texts is shared is not. Where sharing is rare, two will do."""
    from workbench.forensics.content import duplication_signals

    def corpus(shared_by_organic: int):
        rows, families = [], []
        for a in range(200):  # organic accounts, 4 texts each, `shared_by_organic` of them in shared families
            for t in range(4):
                rows.append((f"o{a}-{t}", f"o{a}"))
                if t < shared_by_organic:
                    families.append((f"o{a}-{t}", t))
        for name, n in (("few", 3), ("many", 20), ("pair", 2)):
            for t in range(n):
                rows.append((f"{name}-{t}", name))
                families.append((f"{name}-{t}", 0))
        posts = pl.DataFrame(rows, schema=["post_id", "account_id"], orient="row").with_columns(
            pl.lit("post").alias("kind"), pl.lit("some text").alias("text"))
        assignments = pl.DataFrame(families, schema=["post_id", "family_id"], orient="row")
        fired = duplication_signals(posts, assignments).filter(pl.col("fired"))["account_id"].to_list()
        return sorted(fired)

    assert corpus(shared_by_organic=3) == ["many"]  # corpus rate ~0.75: 3 of 3 is chance, 20 of 20 is not
    assert corpus(shared_by_organic=0) == ["few", "many", "pair"]  # sharing is rare: 2 of 2 is not chance
