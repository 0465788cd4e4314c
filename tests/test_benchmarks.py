"""``python -m benchmarks --quick``: every benchmark runs with tiny sizes and reports, so the code
cannot rot. Figures are not asserted (this is not a timed test); only what does not depend on the
machine is: the Suno batch's request count, the table's shape, the JSON file. The load benchmark's
figures (requests per minute, fetches and batches per tick, server memory and CPU under load) are
the timed half of tests/e2e/test_load.py, which keeps only checks that hold on any machine."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import MODULES, parse_args
from benchmarks.common import Row, table

ROOT = Path(__file__).resolve().parents[1]


def test_quick_run_reports_every_benchmark(tmp_path):
    out = tmp_path / "benchmarks.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_") and k != "HISTORY_DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    report = json.loads(out.read_text())
    assert report["quick"] is True and report["failed"] == []
    assert {"nproc", "python", "streamlit", "ram_gb"} <= set(report["machine"])
    rows = report["results"]
    assert {r["benchmark"] for r in rows} == set(MODULES)
    assert all(r["verdict"] in ("pass", "MISS", "report") for r in rows)
    # Only browser figures may be missing, and only without Chromium.
    assert all(r["value"] is not None or "no Chromium" in r["note"] for r in rows), rows
    requests = next(r for r in rows if r["benchmark"] == "suno" and "requests" in r["figure"])
    assert requests["value"] == 2 and requests["verdict"] == "pass"  # 20 IDs in batches of 10
    assert re.search(r"^Benchmark +\| Figure +\| Measured +\| Target +\| Result$", result.stdout, re.M)
    assert "written to" in result.stdout


def test_only_picks_benchmarks_and_rejects_unknown_names(capsys):
    assert parse_args(["--only", "suno,parsing"]).names == ["suno", "parsing"]
    assert parse_args([]).names == list(MODULES)
    with pytest.raises(SystemExit):
        parse_args(["--only", "warp-drive"])
    assert "unknown benchmark warp-drive" in capsys.readouterr().err


def test_table_marks_misses_and_numbers_their_notes():
    text = table(
        [Row("suno", "wall", 412.0, "ms", "< 300 ms", False, "two slow batches"), Row("parsing", "ratio", 2.04, "x")]
    )
    assert "MISS [1]" in text and "[1] two slow batches" in text
    assert "412 ms" in text and "2.0×" in text and "report" in text
