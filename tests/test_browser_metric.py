"""The sympy_equivalence metric's Gradio app in a real browser (headless chromium through Selenium) and
through gradio_client: one pair with a multi-line completion, hostile and empty input, the batch mode
(pasted and uploaded JSON lines), verdicts as a table with reasons."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from browser_helpers import (
    click,
    ensure_chromium,
    free_port,
    full_page_screenshot,
    make_driver,
    screenshot_dir,
    text_of,
    type_into,
    wait_for,
    wait_http,
)

APP = Path(__file__).resolve().parents[1] / "metrics" / "sympy_equivalence" / "app.py"


@pytest.fixture(scope="module")
def metric_app():
    spec = importlib.util.spec_from_file_location("sympy_equivalence_app", APP)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    port = free_port()
    mod.demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    wait_http(url, timeout=60)
    yield url, mod
    mod.demo.close()


@pytest.fixture(scope="module")
def driver():
    ensure_chromium()
    d = make_driver()
    yield d
    d.quit()


def _table_rows(driver, elem_id: str) -> list[str]:
    """The rows of a Gradio 6 Dataframe as text (its body is a grid of role=row / role=gridcell divs)."""
    rows = driver.find_elements("css selector", f"#{elem_id} [role=row][data-index]")
    out = []
    for r in sorted(rows, key=lambda r: int(r.get_attribute("data-index"))):
        cells = r.find_elements("css selector", "[role=gridcell]")
        text = " | ".join(" ".join(c.get_attribute("textContent").split()) for c in cells)
        if text.strip(" |"):
            out.append(text)
    return out


def test_metric_app_in_the_browser(metric_app, driver, tmp_path):
    url, mod = metric_app
    driver.get(url)
    wait_for(driver, lambda d: d.find_elements("css selector", "#prediction textarea"), what="the form")

    # a multi-line completion keeps its lines; the answer is extracted and checked
    type_into(driver, "#reference textarea", "x = -2")
    type_into(driver, "#prediction textarea", "Subtract 4: 2x = -4\nDivide by 2.\nAnswer: x = -2")
    value = driver.find_element("css selector", "#prediction textarea").get_attribute("value")
    assert value.count("\n") == 2
    click(driver, "check")
    wait_for(driver, lambda d: "equivalent" in text_of(d, "headline"), what="the verdict")
    assert text_of(driver, "headline").startswith("✅ equivalent")
    rows = wait_for(driver, lambda d: _table_rows(d, "verdict-table"), what="the verdict table")
    assert len(rows) == 1 and "equivalent" in rows[0] and "proportional" not in rows[0]

    # hostile text is read by the parser, never executed
    marker = tmp_path / "PWNED"
    type_into(driver, "#prediction textarea", f"__import__('pathlib').Path({str(marker)!r}).touch()")
    click(driver, "check")
    wait_for(driver, lambda d: "parse_error" in text_of(d, "headline"), what="the parse error")
    wait_for(driver, lambda d: "parse_error" in " ".join(_table_rows(d, "verdict-table")), what="the table")
    assert not marker.exists()

    # empty input is refused, not judged
    type_into(driver, "#reference textarea", "")
    click(driver, "check")
    wait_for(driver, lambda d: "reference is empty" in text_of(d, "headline"), what="the refusal")
    wait_for(driver, lambda d: _table_rows(d, "verdict-table") == [], what="the table to be cleared")

    # batch: the pasted example lines, then an uploaded file
    driver.find_element("xpath", "//button[@role='tab'][contains(., 'Batch')]").click()
    wait_for(driver, lambda d: d.find_elements("css selector", "#batch textarea"), what="the batch tab")
    click(driver, "check-batch")
    wait_for(driver, lambda d: "accuracy" in text_of(d, "batch-summary"), what="the batch verdicts")
    assert "2 of 4 equivalent" in text_of(driver, "batch-summary")
    rows = wait_for(driver, lambda d: len(r := _table_rows(d, "batch-table")) == 4 and r, what="four rows")
    wait_for(driver, lambda d: "wrong_form" in _table_rows(d, "batch-table")[1], what="the reasons")
    full_page_screenshot(driver, screenshot_dir(tmp_path) / "metric_app.png")

    upload = tmp_path / "preds.jsonl"
    upload.write_text(
        "\n".join(
            json.dumps(x)
            for x in (
                {"reference": "3*(x + 1)", "prediction": "3x + 3"},
                {"reference": "x = 5", "prediction": "Answer: x = 5"},
                {"reference": "7", "prediction": "import os"},
            )
        )
    )
    driver.find_element("css selector", "input[type=file][accept*='.jsonl']").send_keys(str(upload))
    wait_for(
        driver,
        lambda d: "3*(x + 1)" in d.find_element("css selector", "#batch textarea").get_attribute("value"),
        what="the uploaded file in the batch box",
    )
    click(driver, "check-batch")
    wait_for(driver, lambda d: "of 3 equivalent" in text_of(d, "batch-summary"), what="the uploaded batch")
    assert "2 of 3 equivalent" in text_of(driver, "batch-summary")
    wait_for(driver, lambda d: len(_table_rows(d, "batch-table")) == 3, what="three rows")


def test_metric_api_through_gradio_client(metric_app):
    from gradio_client import Client

    url, mod = metric_app
    client = Client(url, verbose=False)
    assert {"/check", "/check_batch"} <= set(client.view_api(return_format="dict")["named_endpoints"])
    headline, table, verdict = client.predict(
        "x = -2", "First 2x = -4\nso x = -2\nAnswer: x = -2", "none", "auto", api_name="/check"
    )
    assert headline.startswith("### ✅") and verdict["equivalent"] is True
    assert "path" not in verdict and verdict["decided_by"] in ("fast", "worker")
    assert table["data"][0][2] == "equivalent"
    headline, table, verdict = client.predict("", "", "none", "auto", api_name="/check")
    assert headline.startswith("⛔") and table["data"] == [] and verdict == {}
    summary, table = client.predict(mod.EXAMPLE_BATCH, "none", "auto", api_name="/check_batch")
    assert "2 of 4 equivalent" in summary and len(table["data"]) == 4
    summary, table = client.predict('{"reference": "1"}', "none", "auto", api_name="/check_batch")
    assert summary.startswith("⛔") and "prediction" in summary
