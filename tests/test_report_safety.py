"""Display helpers escape every value; pseudonyms are salted, consistent and complete; chart specs
cannot break out of their script block."""
from __future__ import annotations

import json

import polars as pl

from workbench.report import display
from workbench.report.html import spec_json
from workbench.report.pseudonymise import Pseudonymiser

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">\x00' + "x" * 10_000_000


def test_table_escapes_and_truncates_every_cell():
    frame = pl.DataFrame({"<b>col</b>": [HOSTILE], "tags": [["<i>", "ok"]]})
    markup = display.show_table(frame, max_chars=50)._repr_html_()
    assert "<script>" not in markup and "<img" not in markup and "<b>col" not in markup
    assert "&lt;script&gt;" in markup and "&lt;b&gt;col&lt;/b&gt;" in markup and "&lt;i&gt;, ok" in markup
    assert "\x00" not in markup and len(markup) < 2000


def test_facts_and_text_escape():
    assert "<b>" not in display.show_facts({"name": "<b>x</b>"})._repr_html_()
    assert display.show_text("<script>", kind="h2")._repr_html_() == '<h2 class="wb-text">&lt;script&gt;</h2>'
    assert display.show_text("x", kind="script")._repr_html_().startswith("<p")


def test_spec_json_cannot_close_its_script_element():
    text = spec_json({"data": {"values": [{"t": "</script><script>alert(1)</script>&"}]}})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["data"]["values"][0]["t"].startswith("</script>")


def make_accounts():
    return pl.DataFrame({"account_id": ["twitter:1", "twitter:22"], "handle": ["Alice", "bob_99"],
                         "display_name": ["Alice A.", None]})


def test_pseudonyms_are_salted_and_consistent_across_frames():
    first = Pseudonymiser("salt-1").fit(make_accounts())
    again = Pseudonymiser("salt-1").fit(make_accounts())
    other = Pseudonymiser("salt-2").fit(make_accounts())
    token = first.token_for_account("twitter:1")
    assert token == again.token_for_account("twitter:1") != other.token_for_account("twitter:1")
    assert token.startswith("acct_") and len(token) == 17
    assert first.token_for_handle("alice") == token  # a handle maps to its account's token, any case


def test_pseudonymise_frames_leaves_no_raw_identity():
    pseudo = Pseudonymiser("k").fit(make_accounts())
    posts = pl.DataFrame({
        "account_id": ["twitter:1", "twitter:22"],
        "text": ["RT @Alice: see https://x.com/bob_99/status/5", "@stranger said twitter:1 lies, @bobby"],
        "mentions": [["Alice"], ["stranger"]],
        "likes": [1, 2],
    })
    edges = pl.DataFrame({"source": ["twitter:1"], "target": ["twitter:22"], "weight": [3],
                          "evidence_accounts": [["twitter:1", "twitter:22"]]})
    out_posts, out_edges = pseudo.transform(posts), pseudo.transform(edges)
    dumped = out_posts.write_json() + out_edges.write_json() + pseudo.transform(make_accounts()).write_json()
    for raw in ("twitter:1", "twitter:22", "Alice", "bob_99", "stranger"):
        assert raw not in dumped, raw
    alice = pseudo.token_for_account("twitter:1")
    assert out_posts["account_id"][0] == alice == out_edges["source"][0] == out_edges["evidence_accounts"][0][0]
    assert out_posts["text"][0].startswith(f"RT @{alice}: see https://x.com/{pseudo.token_for_account('twitter:22')}/")
    assert "@bobby" not in out_posts["text"][1]  # unknown mentions are hashed too, not prefix-matched
    assert out_posts["likes"].to_list() == [1, 2]


def test_chart_output_carries_the_spec_for_reports_and_for_jupyterlab(monkeypatch):
    from datetime import datetime

    from workbench import charts

    chart = charts.plot_activity_heatmap(pl.DataFrame({"created_at": [datetime(2025, 1, 1, 9)]}))
    monkeypatch.delenv(display.REPORT_RUN_ENV, raising=False)
    interactive = display.show_chart(chart)._repr_mimebundle_()
    assert interactive[display.VEGALITE_MIME] == chart.to_dict()
    assert interactive[display.LAB_VEGALITE_MIME]["$schema"] == display.LAB_SCHEMA
    monkeypatch.setenv(display.REPORT_RUN_ENV, "1")
    report = display.show_chart(chart)._repr_mimebundle_()
    assert display.LAB_VEGALITE_MIME not in report and "text/html" not in report


def test_interactive_tables_format_values_and_drill_down_safely():
    from workbench.report import display

    frame = pl.DataFrame({"account_id": ['synth:"><script>x'], "posts": [12345], "flagged": [True], "score": [0.25]})
    markup = display.table_html(frame, table_id="accounts-table", interactive=True,
                                filters={"account_id": "posts-x"}, anchors={})
    assert 'class="wb-table wb-interactive" id="accounts-table"' in markup
    assert ">12,345</td>" in markup and 'data-order="12345"' in markup  # readable, sorted by its value
    assert ">yes</td>" in markup and ">0.250</td>" in markup
    assert "<script>" not in markup and 'data-wb-filter="synth:&quot;&gt;&lt;script&gt;x"' in markup
    assert 'class="wb-id"' in markup and 'class="wb-num"' in markup
    assert display.anchor_id("campaign", 'C-1"<x>').startswith("campaign-C-1-x-")


def test_a_long_interactive_table_goes_whole_beside_the_report(tmp_path, monkeypatch):
    """The page carries the first rows (bounded HTML); every row is in tables/<id>.csv next to it, linked,
    with a BOM for Excel and formula-like cells neutralised. Outside a report run nothing is written."""
    import codecs

    frame = pl.DataFrame({"account_id": [f"synth:a{i}" for i in range(2500)], "score": [i / 2500 for i in range(2500)],
                          "text": ["=HYPERLINK(\"http://evil.example\")"] + ["plain"] * 2499,
                          "signals": [["co_text", "co_link"]] * 2500})
    assert "all 2,500 rows" not in str(display.show_search_table(frame, "accounts-table", "Accounts", max_rows=100))
    assert not list(tmp_path.iterdir())
    monkeypatch.setenv(display.REPORT_DIR_ENV, str(tmp_path))
    shown = str(display.show_search_table(frame, "accounts-table", "Accounts", max_rows=100))
    written = list((tmp_path / display.TABLES_DIR).glob("*.csv"))
    assert len(written) == 1 and f'href="tables/{written[0].name}"' in shown and "all 2,500 rows" in shown
    raw = written[0].read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    back = pl.read_csv(raw[len(codecs.BOM_UTF8):])
    assert back.height == 2500 and back["text"][0].startswith("'=") and back["signals"][1] == "co_text|co_link"
    assert shown.count("<tr>") == 101  # header + the 100 rows shown
