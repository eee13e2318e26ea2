"""CLI subcommands. Each module here defines `add_parser(subparsers)` and `run(args) -> int`.

`workbench.cli` discovers the modules in sorted order, so adding a command is adding one file.
"""
