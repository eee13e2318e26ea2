"""`workbench synth`: write a synthetic water-army corpus with ground truth (see docs/synth.md)."""
from __future__ import annotations

import argparse
import json


def _knob(text: str) -> tuple[str, object]:
    """Parse KEY=VALUE; VALUE is read as JSON when it can be (numbers, true/false, lists), else as text."""
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    try:
        return key.strip(), json.loads(value)
    except json.JSONDecodeError:
        return key.strip(), value


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "synth",
        help="generate a synthetic water-army corpus with ground truth",
        description="Generate posts, accounts, events and ground truth for a fictional smear campaign "
                    "(deterministic for a seed). Scenarios: default, slow, llm, small; join with '+'.",
    )
    parser.add_argument("--out", required=True, help="output folder (created if missing)")
    parser.add_argument("--posts", type=int, default=100_000, help="number of posts (default 100000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--scenario", default="default", help="default, slow, llm, small, or e.g. slow+llm")
    parser.add_argument("--set", dest="knobs", action="append", type=_knob, default=[], metavar="KEY=VALUE",
                        help="override a knob, e.g. --set campaign_share=0.05 (repeatable; see docs/synth.md)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from workbench.errors import WorkbenchError
    from workbench.synth import generate  # imported here so `workbench --help` stays fast

    if Path(args.out).exists() and not Path(args.out).is_dir():
        raise WorkbenchError(f"--out {args.out} is a file, not a folder")
    manifest = generate(args.out, posts=args.posts, seed=args.seed, scenario=args.scenario, **dict(args.knobs))
    counts = manifest.counts
    print(f"wrote {counts['posts']:,} posts by {counts['accounts']:,} accounts to {manifest.out_dir} "
          f"in {manifest.elapsed_s:.1f} s: {counts['campaign_accounts']:,} campaign accounts in "
          f"{counts['squads']} squads, {counts['campaign_posts']:,} campaign posts, "
          f"{counts['fan_club_accounts']:,} fan-club accounts (scenario {manifest.scenario}, seed {manifest.seed})")
    return 0
