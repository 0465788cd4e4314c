"""A persona made from a finished song leaves nothing unfinished behind (issue 15): History shows no
"Not started" row and nothing to refresh, and the sidebar's recent tasks hold no raw persona ID.
Before the fix the persona was recorded as a task that could never finish."""

import re

from playwright.sync_api import expect

from lib.gateway.client import GatewayClient
from tests.e2e.conftest import ARTIFACTS, open_finished_task, open_tab, open_tools_menu, wait_for_app

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def open_persona_tool(page, main):
    """The first song's persona tool on the Task page. The one place that knows how the song tools
    are reached (the tools menu of the card's action row, then its *Persona* tab): adapt it here when
    the card opens them some other way."""
    tools = open_tools_menu(page)
    open_tab(page, tools, "Persona")
    return tools


def test_a_persona_leaves_no_unfinished_row(page, studio):
    page.goto(studio.url)
    wait_for_app(page)  # the first run starts the sandbox
    task_id = GatewayClient(studio.sandbox_url, "e2e-key").generate("neon rain over the harbour")
    main = open_finished_task(page, studio.url, task_id)

    tools = open_persona_tool(page, main)
    tools.get_by_role("textbox", name="Persona name").fill("Harbour voice")
    # The sandbox spends nothing, so no confirmation dialog opens.
    tools.get_by_role("button", name="Create persona", exact=True).click()  # free: no cost named
    wait_for_app(page)
    expect(tools.get_by_text("Persona “Harbour voice” created", exact=False)).to_be_visible(timeout=30_000)
    persona_id = UUID.search(tools.get_by_test_id("stCode").inner_text()).group(0)
    assert persona_id not in task_id

    page.goto(f"{studio.url}/history")
    wait_for_app(page)
    main = page.get_by_test_id("stMainBlockContainer")
    expect(main.get_by_role("button", name=re.compile(r"^Refresh unfinished"))).to_be_visible()
    refresh = main.get_by_role("button", name=re.compile(r"^Refresh unfinished"))
    expect(refresh).to_have_text(re.compile(r"\(0\)"))
    expect(refresh).to_be_disabled()
    cells = page.locator("[data-testid='stDataFrame'] td")
    expect(cells.filter(has_text="Succeeded")).to_have_count(1)  # the song's own task, and no other row
    expect(cells.filter(has_text="Not started")).to_have_count(0)
    expect(cells.filter(has_text=persona_id)).to_have_count(0)

    sidebar = page.get_by_test_id("stSidebar")
    recent = sidebar.locator("[data-testid='stPageLink']")
    expect(recent.first).to_be_visible()
    assert not [text for text in recent.all_inner_texts() if persona_id[:8] in text]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "persona-history.png"), full_page=True)
    assert page.js_errors == []
