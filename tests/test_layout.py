"""The layout's rules, checked on the tree: rooms a newcomer can read, modules short enough to read
whole, Streamlit and session state each in one place, every route spelled once."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIB = ROOT / "lib"
MAX_LINES = 400
ROOMS = {"access", "gateway", "library", "studio", "ui", "sandbox", "i18n"}


def python_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_lib_is_rooms_with_at_most_two_loose_modules():
    rooms = {p.name for p in LIB.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert rooms == ROOMS
    loose = sorted(p.name for p in LIB.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= 2, loose


def test_no_module_is_longer_than_400_lines():
    long = {relative(p): n for p in python_files(LIB) if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_streamlit_is_imported_only_under_lib_ui():
    importing = re.compile(r"^\s*(import streamlit|from streamlit)", re.M)
    outside = [relative(p) for p in python_files(LIB) if importing.search(p.read_text()) and "ui" not in p.parts]
    assert outside == []


def test_session_state_is_touched_only_by_the_session_package():
    sources = [*python_files(LIB), *python_files(ROOT / "app_pages"), ROOT / "app.py"]
    session = LIB / "ui" / "session"
    touching = [relative(p) for p in sources if "session_state" in p.read_text() and session not in p.parents]
    assert touching == []


def test_every_gateway_route_is_spelled_only_in_the_route_table():
    """The route table is lib/gateway/routes.py (the new-api family) plus one module per provider
    in lib/gateway/providers/ (each provider's routes in one place, docs/providers.md)."""
    route = re.compile(r"""["'](/(suno|udio|api)/[a-zA-Z0-9_/-]+)""")
    tables = {LIB / "gateway" / "routes.py", *(LIB / "gateway" / "providers").glob("*.py")}
    elsewhere = {
        f"{relative(p)}: {m.group(1)}"
        for p in python_files(LIB)
        if p not in tables and "sandbox" not in p.parts  # the sandbox serves the routes: its own table
        for m in route.finditer(p.read_text())
    }
    assert elsewhere == set()


def test_each_provider_spells_only_its_own_routes():
    """A provider module's routes are named after it: no provider borrows another's table."""
    named = re.compile(r"""Route\(\s*["']([a-z-]+)\.""")
    for module in (LIB / "gateway" / "providers").glob("*.py"):
        prefixes = set(named.findall(module.read_text()))
        assert prefixes <= {module.stem.replace("_", "-")}, (module.name, prefixes)
