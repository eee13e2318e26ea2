"""Exports of a fitted CoordinationNetwork: edges and nodes as Parquet and CSV, the fused graph as GraphML.

Files written to ``out_dir``:
``coordination_edges.{parquet,csv}`` (per-signal edges), ``coordination_fused_edges.{parquet,csv}``,
``coordination_nodes.{parquet,csv}``, ``coordination_communities.{parquet,csv}``,
``coordination_hot_objects.{parquet,csv}``, ``coordination_network.graphml`` and ``.gexf`` (the fused graph
for Gephi, igraph and networkx), and ``gephi_edges.csv`` / ``gephi_nodes.csv`` (Gephi's spreadsheet import).

Graph conventions (what Gephi shows without any mapping): the node id is the account id, ``label`` its
handle (the account id when unknown), ``community`` an integer (-1: none), ``campaign`` and
``group_kind`` the campaign it belongs to in the stored analysis run and that campaign's kind ("" when
none), ``score`` the suspicion score of that run (absent when unknown), ``first_activity`` /
``last_activity`` ISO times of its first and last post, plus coordination_score, strength, flagged,
flag_reason, shared_assets, signals. Edges are undirected with ``weight``, ``weight_<signal>`` and
``signals``. Flagged accounts without edges are isolated nodes. List columns are joined with ``"|"``.
CSV cells a spreadsheet would run as formulas get a leading quote (`workbench.csvsafe`); Parquet keeps every
text exactly. In GraphML/GEXF strings, control and bidirectional-formatting characters are written as visible
escapes (``\x1B``, ``\u202E``): XML 1.0 cannot hold most control characters, and Gephi would display an
override as reordered text (ids and texts are hostile input, and every string is XML-escaped). A backslash
is written twice there, so that an id holding the text ``\u200B`` and one holding the character stay two nodes.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import igraph as ig
import polars as pl

from workbench.csvsafe import write_csv
from workbench.visible import visible_id

FORMATS = ("parquet", "csv", "graphml", "gexf")
# node attributes the graph files carry, in order, with their GraphML type
NODE_ATTRIBUTES = (("label", "string"), ("community", "int"), ("campaign", "string"), ("group_kind", "string"),
                   ("score", "double"), ("first_activity", "string"), ("last_activity", "string"),
                   ("coordination_score", "double"), ("strength", "double"), ("flagged", "boolean"),
                   ("flag_reason", "string"), ("shared_assets", "string"), ("signals", "string"))
NODE_INFO_COLUMNS = ("account_id", "handle", "campaign", "group_kind", "score", "first_activity", "last_activity")
# Not allowed in XML 1.0 and not escaped by `visible` (which handles the control characters).
_XML_FORBIDDEN = re.compile("[\ufffe\uffff]")


def _flatten_lists(frame: pl.DataFrame) -> pl.DataFrame:
    """List columns as "|"-joined strings (CSV and GraphML have no list type)."""
    return frame.with_columns(
        [pl.col(name).cast(pl.List(pl.String)).list.join("|") for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    )


def _xml_safe(value):
    """Text for GraphML: hidden characters shown as escapes, backslashes doubled (never dropped or confused:
    two ids must stay two)."""
    if not isinstance(value, str):
        return value
    return _XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", visible_id(value))


def write_network(network, out_dir: str | Path, formats: Iterable[str] = FORMATS,
                  node_info: pl.DataFrame | None = None) -> list[Path]:
    """Write the tables and graph of a fitted network in the given formats; returns the paths written.
    node_info: optional per-account frame with any of NODE_INFO_COLUMNS (handle, campaign, group_kind,
    score, first_activity, last_activity) for the graph files' node attributes."""
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown export formats {unknown}; known: {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {
        "coordination_edges": network.edges_,
        "coordination_fused_edges": network.fused_edges_,
        "coordination_nodes": network.nodes_,
        "coordination_communities": network.communities_,
        "coordination_hot_objects": network.hot_objects_,
    }
    written = []
    for name, frame in tables.items():
        if "parquet" in formats:
            path = out_dir / f"{name}.parquet"
            frame.write_parquet(path)
            written.append(path)
        if "csv" in formats:
            path = out_dir / f"{name}.csv"
            write_csv(frame, path)  # lists joined with "|", formula-like text neutralised
            written.append(path)
    if {"graphml", "gexf"} & set(formats):
        nodes, edges = graph_tables(network, node_info)
        if "graphml" in formats:
            path = out_dir / "coordination_network.graphml"
            path.write_text(graphml_text(nodes, edges), encoding="utf-8")
            written.append(path)
        if "gexf" in formats:
            path = out_dir / "coordination_network.gexf"
            path.write_text(gexf_text(nodes, edges), encoding="utf-8")
            written.append(path)
        if "csv" in formats:
            gephi_nodes = nodes.rename({"account_id": "Id", "label": "Label"})
            path = out_dir / "gephi_nodes.csv"
            write_csv(gephi_nodes, path)
            written.append(path)
            gephi_edges = edges.select(pl.col("account_a").alias("Source"), pl.col("account_b").alias("Target"),
                                       pl.col("weight").alias("Weight"), pl.lit("Undirected").alias("Type"),
                                       pl.col("signals").alias("Label") if "signals" in edges.columns else pl.lit("").alias("Label"))
            path = out_dir / "gephi_edges.csv"
            write_csv(gephi_edges, path)
            written.append(path)
    return written


def graph_tables(network, node_info: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(nodes, edges) of the fused graph with the attributes of NODE_ATTRIBUTES, sorted by account id."""
    edges = _flatten_lists(network.fused_edges_).sort(["account_a", "account_b"])
    nodes = _flatten_lists(network.nodes_.filter((pl.col("partners") > 0) | pl.col("flagged"))).with_columns(
        pl.col("flag_reason").fill_null(""), pl.col("community").cast(pl.Int64).fill_null(-1))
    info = node_info if node_info is not None else pl.DataFrame(schema={"account_id": pl.String})
    info = info.select([c for c in NODE_INFO_COLUMNS if c in info.columns]).unique("account_id", keep="first")
    nodes = nodes.join(info, on="account_id", how="left")
    for column, dtype in (("handle", pl.String), ("campaign", pl.String), ("group_kind", pl.String),
                          ("score", pl.Float64), ("first_activity", pl.String), ("last_activity", pl.String)):
        if column not in nodes.columns:
            nodes = nodes.with_columns(pl.lit(None, dtype=dtype).alias(column))
    nodes = nodes.with_columns(
        pl.coalesce(pl.col("handle").cast(pl.String), pl.col("account_id")).alias("label"),
        pl.col("campaign").fill_null(""), pl.col("group_kind").fill_null(""),
        *(pl.col(c).cast(pl.String) for c in ("first_activity", "last_activity")),
    )
    return nodes.select("account_id", *(name for name, _ in NODE_ATTRIBUTES)).sort("account_id"), edges


def _xml(value) -> str:
    from xml.sax.saxutils import escape

    return escape(_xml_safe(str(value)), {'"': "&quot;"})


def _graph_value(value, kind: str) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None  # missing: the attribute is left out for this element
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "int":
        return str(int(value))
    if kind == "double":
        return repr(float(value))
    return _xml(value)


def _edge_attributes(edges: pl.DataFrame) -> list[tuple[str, str]]:
    kinds = []
    for name, dtype in edges.schema.items():
        if name in ("account_a", "account_b"):
            continue
        kinds.append((name, "double" if dtype.is_numeric() else "boolean" if dtype == pl.Boolean else "string"))
    return kinds


def graphml_text(nodes: pl.DataFrame, edges: pl.DataFrame) -> str:
    """GraphML of the fused graph: node id = account id, typed keys (community int, score double...)."""
    edge_attributes = _edge_attributes(edges)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
             'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
             'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
             'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">']
    for index, (name, kind) in enumerate(NODE_ATTRIBUTES):
        lines.append(f'<key id="v{index}" for="node" attr.name="{name}" attr.type="{kind}"/>')
    for index, (name, kind) in enumerate(edge_attributes):
        lines.append(f'<key id="e{index}" for="edge" attr.name="{_xml(name)}" attr.type="{kind}"/>')
    lines.append('<graph id="coordination" edgedefault="undirected">')
    for row in nodes.iter_rows(named=True):
        data = "".join(f'<data key="v{i}">{v}</data>' for i, (name, kind) in enumerate(NODE_ATTRIBUTES)
                       if (v := _graph_value(row[name], kind)) is not None)
        lines.append(f'<node id="{_xml(row["account_id"])}">{data}</node>')
    for number, row in enumerate(edges.iter_rows(named=True)):
        data = "".join(f'<data key="e{i}">{v}</data>' for i, (name, kind) in enumerate(edge_attributes)
                       if (v := _graph_value(row[name], kind)) is not None)
        lines.append(f'<edge id="e{number}" source="{_xml(row["account_a"])}" target="{_xml(row["account_b"])}">{data}</edge>')
    lines += ["</graph>", "</graphml>", ""]
    return "\n".join(lines)


def gexf_text(nodes: pl.DataFrame, edges: pl.DataFrame) -> str:
    """GEXF 1.3 of the same graph (Gephi's own format): node label = handle, attributes as in GraphML."""
    gexf_type = {"string": "string", "int": "integer", "double": "double", "boolean": "boolean"}
    edge_attributes = [(n, k) for n, k in _edge_attributes(edges) if n != "weight"]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
             '<graph defaultedgetype="undirected" mode="static">', '<attributes class="node">']
    node_attributes = [(n, k) for n, k in NODE_ATTRIBUTES if n != "label"]
    lines += [f'<attribute id="{i}" title="{n}" type="{gexf_type[k]}"/>' for i, (n, k) in enumerate(node_attributes)]
    lines += ["</attributes>", '<attributes class="edge">']
    lines += [f'<attribute id="{i}" title="{_xml(n)}" type="{gexf_type[k]}"/>' for i, (n, k) in enumerate(edge_attributes)]
    lines += ["</attributes>", "<nodes>"]
    for row in nodes.iter_rows(named=True):
        values = "".join(f'<attvalue for="{i}" value="{v}"/>' for i, (n, k) in enumerate(node_attributes)
                         if (v := _graph_value(row[n], k)) is not None)
        lines.append(f'<node id="{_xml(row["account_id"])}" label="{_xml(row["label"])}"><attvalues>{values}</attvalues></node>')
    lines += ["</nodes>", "<edges>"]
    for number, row in enumerate(edges.iter_rows(named=True)):
        values = "".join(f'<attvalue for="{i}" value="{v}"/>' for i, (n, k) in enumerate(edge_attributes)
                         if (v := _graph_value(row[n], k)) is not None)
        lines.append(f'<edge id="{number}" source="{_xml(row["account_a"])}" target="{_xml(row["account_b"])}" '
                     f'weight="{float(row["weight"])!r}"><attvalues>{values}</attvalues></edge>')
    lines += ["</edges>", "</graph>", "</gexf>", ""]
    return "\n".join(lines)


def fused_graph(network) -> ig.Graph:
    """The fused account graph as an undirected igraph Graph: accounts with at least one edge, and flagged
    accounts without one (attached or flagged for shared assets) as isolated nodes."""
    edges = _flatten_lists(network.fused_edges_)
    nodes = _flatten_lists(network.nodes_.filter((pl.col("partners") > 0) | pl.col("flagged"))).with_columns(
        pl.col("flag_reason").fill_null(""))
    index = {account: i for i, account in enumerate(nodes["account_id"].to_list())}
    graph = ig.Graph(
        n=len(index),
        edges=[(index[a], index[b]) for a, b in zip(edges["account_a"].to_list(), edges["account_b"].to_list())],
        directed=False,
    )
    graph.vs["name"] = [_xml_safe(a) for a in nodes["account_id"].to_list()]
    for column in ("community", "coordination_score", "strength", "flagged", "flag_reason", "shared_assets", "signals",
                   "strongest_partners"):
        graph.vs[column] = [_xml_safe(v) for v in nodes[column].to_list()]
    for column in edges.columns:
        if column not in ("account_a", "account_b"):
            graph.es[column] = [_xml_safe(v) for v in edges[column].to_list()]
    return graph
