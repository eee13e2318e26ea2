"""Exports of a fitted CoordinationNetwork: edges and nodes as Parquet and CSV, the fused graph as GraphML.

Files written to ``out_dir``:
``coordination_edges.{parquet,csv}`` (per-signal edges), ``coordination_fused_edges.{parquet,csv}``,
``coordination_nodes.{parquet,csv}``, ``coordination_communities.{parquet,csv}``,
``coordination_hot_objects.{parquet,csv}`` and ``coordination_network.graphml`` (fused graph for Gephi:
node attributes community, coordination_score, strength, flagged, flag_reason, shared_assets, signals;
edge attributes weight, weight_<signal>, signals; flagged accounts without edges are isolated nodes). In
CSV and GraphML, list columns are joined with ``"|"``. CSV cells a spreadsheet would run as formulas get a
leading quote (`workbench.csvsafe`); Parquet keeps every text exactly. In GraphML strings, control and
bidirectional-formatting characters are written as visible escapes (``\x1B``, ``\u202E``): XML 1.0
cannot hold most control characters, and Gephi would display an override as reordered text (ids and
texts are hostile input).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import igraph as ig
import polars as pl

from workbench.csvsafe import write_csv
from workbench.visible import visible

FORMATS = ("parquet", "csv", "graphml")
# Not allowed in XML 1.0 and not escaped by `visible` (which handles the control characters).
_XML_FORBIDDEN = re.compile("[\ufffe\uffff]")


def _flatten_lists(frame: pl.DataFrame) -> pl.DataFrame:
    """List columns as "|"-joined strings (CSV and GraphML have no list type)."""
    return frame.with_columns(
        [pl.col(name).cast(pl.List(pl.String)).list.join("|") for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    )


def _xml_safe(value):
    """Text for GraphML: hidden characters shown as escapes (never dropped: two ids must stay two)."""
    if not isinstance(value, str):
        return value
    return _XML_FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04X}", visible(value))


def write_network(network, out_dir: str | Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the tables and graph of a fitted network in the given formats; returns the paths written."""
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
    if "graphml" in formats:
        path = out_dir / "coordination_network.graphml"
        fused_graph(network).write_graphml(str(path))
        written.append(path)
    return written


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
