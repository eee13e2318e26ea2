"""`workbench report NOTEBOOK [-p name value]... [-f params.yaml] [--out-dir reports]`."""
from __future__ import annotations

import argparse


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="run a parameterised notebook into a dated, self-contained HTML report",
        description="Execute NOTEBOOK with papermill into OUT_DIR/<date>_<name>_<run>/ (executed notebook, "
                    "offline report.html, manifest.json) and refresh OUT_DIR/index.html. Unknown parameters "
                    "and wrong types are errors. Exits 4 when a cell fails (the partial notebook is kept).",
    )
    parser.add_argument("notebook", help="the notebook, e.g. notebooks/campaign_report.ipynb")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="set a parameter (repeatable); the value is converted to the declared type")
    parser.add_argument("-f", "--parameters-file", help="YAML file of name: value parameters (-p wins)")
    parser.add_argument("--out-dir", default="reports", help="where run directories go (default: reports)")
    parser.add_argument("--show-inputs", action="store_true", help="show code cells in the HTML (hidden by default)")
    parser.add_argument("--list-parameters", action="store_true", help="print the notebook's parameters and exit")
    parser.add_argument("--pdf", action="store_true", help="also print the report to report.pdf with headless Chromium")
    parser.add_argument("--quiet", action="store_true", help="no progress bar (it is off anyway when not on a terminal)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from workbench.progress import progress_enabled
    from workbench.report.parameters import load_parameter_file, read_parameters, validate_parameters
    from workbench.report.pdf import find_chromium, print_pdf
    from workbench.report.runner import run_report

    if args.list_parameters:
        for parameter in read_parameters(args.notebook).values():
            print(f"{parameter.name}: {parameter.type} = {parameter.default!r}  # {parameter.help}")
        return 0
    declared = read_parameters(args.notebook)
    file_values = load_parameter_file(args.parameters_file) if args.parameters_file else {}
    checked = validate_parameters(declared, file_values)  # typed YAML values are checked as they are
    text_values = dict(args.parameter)
    converted = validate_parameters(declared, text_values, from_text=True)
    values = {**{name: checked[name] for name in file_values},
              **{name: converted[name] for name in text_values}}  # -p wins over -f
    if args.pdf and find_chromium() is None:  # say so before a long run, not after it
        from workbench.errors import WorkbenchError

        raise WorkbenchError("--pdf needs headless Chromium, which is not installed (Debian: apt-get install "
                             "chromium; or set WORKBENCH_CHROMIUM to its path); run without --pdf for the HTML only")
    result = run_report(args.notebook, values, out_root=args.out_dir, show_inputs=args.show_inputs,
                        progress=progress_enabled(args.quiet))
    print(result.html_path)
    if args.pdf:
        print(print_pdf(result.html_path, result.html_path.with_suffix(".pdf")))
    return 0
