"""The Insights page and the sidebar's balance through AppTest: the figures of a seeded library
(worked out by hand in tests/insight_rows.py), an empty library's friendly note, and the balance
line read from the test sandbox's billing routes — with the key nowhere on the page."""

from __future__ import annotations

from lib.sandbox import FEATURES
from lib.sandbox import account as sandbox_account
from lib.studio import gateway_account
from tests import insight_rows
from tests.apptest import element_protos, open_app
from tests.conftest import API_KEY

INSIGHTS_PAGE = "app_pages/insights.py"


def test_the_figures_of_a_seeded_library(library, on_sandbox):
    insight_rows.seed(library)
    at = open_app(INSIGHTS_PAGE)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tasks"] == "6" and metrics["Success rate"] == "83%" and metrics["Spent"] == "$0.60"
    assert metrics["Songs"] == "10" and metrics["Minutes made"] == "20.0"
    table = at.table[0].value
    rows = {row["Gateway"]: row for row in table.to_dict("records")}
    for gateway, expected in insight_rows.EXPECTED.items():
        assert rows[gateway]["Success rate"] == expected["success"]
        assert rows[gateway]["Generation (median)"] == expected["gen_p50"]
        assert rows[gateway]["Generation (p90)"] == expected["gen_p90"]


def test_an_empty_library_says_how_to_start(library, on_sandbox):
    at = open_app(INSIGHTS_PAGE)
    assert "No tasks yet" in at.info[0].value and not at.metric


def test_the_sidebar_shows_the_balance_and_nothing_when_the_gateway_has_no_route(library, on_sandbox):
    gateway_account.forget()
    at = open_app()
    shown = [c.value.replace("\\", "") for c in at.sidebar.caption]  # escaped Markdown, read as text
    assert f"Balance ${sandbox_account.HARD_LIMIT_USD:.2f} · used $0.00" in " ".join(shown), shown
    assert API_KEY not in str(element_protos(at))
    gateway_account.forget()
    on_sandbox.config.offered = frozenset(FEATURES) - {"billing"}
    at = open_app()
    assert not any("Balance" in c.value for c in at.sidebar.caption)
    assert not at.error and not at.warning
