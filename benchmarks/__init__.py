"""``python -m benchmarks``: the performance figures of issue 7 against their targets.

Each module measures one thing and returns ``Row``s; ``--only`` picks modules by name, ``--quick``
uses tiny sizes (tests/test_benchmarks.py runs that so the code cannot rot).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

from benchmarks.common import ARTIFACTS, Row, machine, table

# name -> module; the order they run and print in.
MODULES = {
    "parsing": "benchmarks.parsing",
    "suno": "benchmarks.suno_batch",
    "udio": "benchmarks.udio_parallel",
    "task_page": "benchmarks.task_page",
    "history_page": "benchmarks.history_page",
    "insights_page": "benchmarks.insights_page",
    "bulk_export": "benchmarks.bulk_export",
    "startup": "benchmarks.startup",
    "load": "benchmarks.load",
    "capacity": "benchmarks.capacity",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help=f"comma-separated: {','.join(MODULES)}")
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the code runs, not the figures")
    parser.add_argument("--out", type=Path, default=ARTIFACTS / "benchmarks.json", help="JSON results file")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(MODULES)
    unknown = [n for n in names if n not in MODULES]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    args.names = names
    return args


def quiet_streamlit() -> None:
    """AppTest from a plain process warns "missing ScriptRunContext" once per page: noise here.
    A filter, not a level: Streamlit resets its loggers' levels when a script runs."""
    import_module("streamlit")  # creates the logger
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    quiet_streamlit()
    info = machine()
    print(
        f"machine: {info.get('nproc')} CPUs, {info.get('ram_gb')} GB RAM, Python {info.get('python')}, "
        f"Streamlit {info.get('streamlit')}, load average {info.get('load_average')}"
        + ("  [--quick: tiny sizes, figures not meaningful]" if args.quick else ""),
        flush=True,
    )
    rows: list[Row] = []
    timings: dict[str, float] = {}
    failed = []
    for name in args.names:
        print(f"… {name}", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            rows += import_module(MODULES[name]).run(args.quick)
        except Exception as error:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
            first_line = (str(error).strip().splitlines() or [""])[0][:300]
            rows.append(
                Row(
                    name,
                    "benchmark failed",
                    None,
                    "",
                    ok=False,
                    note=f"{type(error).__name__}: {first_line} (traceback above)",
                )
            )
        timings[name] = round(time.perf_counter() - start, 1)
    print()
    print(table(rows))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "finished": datetime.now(UTC).isoformat(timespec="seconds"),
                "quick": args.quick,
                "machine": info,
                "seconds_per_benchmark": timings,
                "failed": failed,
                "results": [row.as_dict() for row in rows],
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    )
    print(f"\nwritten to {args.out}  (seconds per benchmark: {timings})")
    return 1 if failed else 0
