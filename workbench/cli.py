"""The `workbench` command line. Subcommands live in `workbench.commands`, one module each."""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from workbench import __version__, commands
from workbench.errors import WorkbenchError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Find coordinated inauthentic campaigns in social-media corpora.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"workbench.commands.{module_info.name}")
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except WorkbenchError as error:
        # Expected failures (bad input, locked database, unknown preset) get a message, not a traceback.
        from workbench.visible import visible

        # Messages may quote file names, headers and values from the corpus: control characters are shown.
        print(visible(f"workbench {args.command}: error: {error}", keep="\n"), file=sys.stderr)
        return error.exit_code


if __name__ == "__main__":
    sys.exit(main())
