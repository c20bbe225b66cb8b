"""The adapter -> Hub -> Space loop, end to end, and the Space in a real browser.

The committed base model and LoRA adapter (tests/fixtures/space_models, made by ``mathrules demo
--adapter``) are pushed to the local test Hub (tests/hub_server.py) with ``mathrules push model``, the
Space with ``mathrules push space``; the Space is downloaded from that Hub and started with ``python
app.py`` and only ``HF_ENDPOINT`` pointing at it, so it loads both models by Hub id.  Headless chromium
(Selenium) then uses the page as a person would; gradio_client calls its named endpoints."""

from __future__ import annotations

import json
import subprocess
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
    set_textarea,
    text_of,
    type_into,
    wait_for,
    wait_http,
)
from hub_server import HubServer, client_env

from hf_mathrules.rules import make_rule

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "space_models"
TOKEN = "hf_TESTtoken_space_4242"
# what the committed adapter teaches (its training_config.json), so the checks follow the fixture
_MIX = json.loads((FIXTURES / "adapter" / "training_config.json").read_text())["mathrules"]["rules"][0]
RULE, LEVEL = _MIX.split(":")[0], int(_MIX.split(":")[1].split("-")[0])
PROMPT_START = make_rule(RULE, level=LEVEL).generate(1, split="test")[0]["prompt"].split()[0]
BASE_ID = "tester/mathrules-tiny-base"
ADAPTER_ID = f"tester/mathrules-tiny-{RULE.replace('_', '-')}-lora"
SPACE_ID = "tester/mathrules-demo"
TYPED = {
    "commutativity": "4 + 2x - 3x^2",
    "distributivity": "3k(2a - k + 4)",
    "isolate_variable": "3x + 5 = 26",
}


def _cli(*args, env):
    r = subprocess.run(
        [sys.executable, "-m", "hf_mathrules.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    assert TOKEN not in r.stdout + r.stderr
    return r


@pytest.fixture(scope="module")
def space(tmp_path_factory):
    """A running Space, loaded by Hub ids from the local test Hub: ``(url, hub)``."""
    tmp = tmp_path_factory.mktemp("space")
    with HubServer() as hub:
        env = client_env(str(tmp / "pusher"), hub.url, HF_TOKEN=TOKEN)
        _cli("push", "model", str(FIXTURES / "base"), "--repo-id", BASE_ID, env=env)
        _cli(
            "push",
            "model",
            str(FIXTURES / "adapter"),
            "--repo-id",
            ADAPTER_ID,
            "--base-model-id",
            BASE_ID,
            env=env,
        )
        _cli("push", "space", "--repo-id", SPACE_ID, "--model", BASE_ID, "--adapter", ADAPTER_ID, env=env)
        reader = client_env(str(tmp / "space-host"), hub.url)
        code = (
            "from huggingface_hub import snapshot_download\n"
            f"print(snapshot_download({SPACE_ID!r}, repo_type='space', local_dir={str(tmp / 'checkout')!r}))"
        )
        r = subprocess.run(
            [sys.executable, "-c", code], env=reader, capture_output=True, text=True, timeout=120
        )
        assert r.returncode == 0, r.stderr[-2000:]
        checkout = tmp / "checkout"
        port = free_port()
        log = tmp / "app.log"
        env = {**reader, "GRADIO_SERVER_PORT": str(port), "GRADIO_SERVER_NAME": "127.0.0.1"}
        env.pop("MATHRULES_MODEL", None)
        env.pop("MATHRULES_ADAPTER", None)
        with open(log, "w") as out:
            proc = subprocess.Popen(
                [sys.executable, "app.py"], cwd=checkout, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        url = f"http://127.0.0.1:{port}/"
        try:
            wait_http(url, proc, log=log)
            yield url, hub, checkout
        finally:
            proc.terminate()
            proc.wait(timeout=30)


@pytest.fixture(scope="module")
def driver():
    ensure_chromium()
    d = make_driver()
    yield d
    d.quit()


def test_space_pushed_to_the_hub_names_its_models(space):
    url, hub, checkout = space
    files = hub.state.repos[("space", SPACE_ID)].head().files
    readme = files["README.md"].data.decode()
    assert f"- {BASE_ID}" in readme and f"- {ADAPTER_ID}" in readme and f"hf_mathrules/{RULE}" in readme
    assert json.loads(files["models.json"].data) == {"model": BASE_ID, "adapter": ADAPTER_ID}
    adapter = hub.state.repos[("model", ADAPTER_ID)].head().files
    card = adapter["README.md"].data.decode()
    assert f"base_model: {BASE_ID}" in card and "library_name: peft" in card and "model-index" in card
    assert json.loads(adapter["adapter_config.json"].data)["base_model_name_or_path"] == BASE_ID
    # the Space fetched both models from the Hub by id (nothing was local to it)
    served = [q for q in hub.state.requests if "/resolve/" in q]
    assert any(f"/{BASE_ID}/resolve/" in q and "model.safetensors" in q for q in served)
    assert any(f"/{ADAPTER_ID}/resolve/" in q and "adapter_model.safetensors" in q for q in served)


def _new_problem_shown(driver, old: str) -> bool:
    value = driver.find_element("css selector", "#problem textarea").get_attribute("value")
    return value != old and value.startswith(PROMPT_START)


def _solve_until_adapter_verified(driver, tries: int = 6):
    """New problem -> Solve until the adapter verifies correct (it is right on most problems, see the
    fixture README for its measured accuracy)."""
    for _ in range(tries):
        before = driver.find_element("css selector", "#problem textarea").get_attribute("value")
        click(driver, "new-problem")
        wait_for(driver, lambda d, old=before: _new_problem_shown(d, old), what=f"a new {RULE} problem")
        click(driver, "solve")
        wait_for(driver, lambda d: "done" in text_of(d, "status"), what="the solution and its check")
        if "verified correct" in text_of(driver, "tuned-verdict"):
            return
    raise AssertionError(
        f"the adapter never verified correct in {tries} problems: {text_of(driver, 'tuned-verdict')}"
    )


def test_space_in_the_browser(space, driver, tmp_path):
    url, hub, checkout = space
    driver.get(url)
    wait_for(driver, lambda d: "Adapter:" in text_of(d, "summary"), what="the model summary")
    summary = text_of(driver, "summary")
    # which base and adapter, and what each was trained on (from their cards and configs)
    assert BASE_ID in summary and ADAPTER_ID in summary
    assert RULE in summary and "factorization" in summary
    assert f"adapter was trained on {RULE} level {LEVEL}" in text_of(driver, "status")

    # a generated problem of the adapter's rule: the fine-tuned model verified, every step marked; the
    # base (adapter off) on the same problem fails
    _solve_until_adapter_verified(driver)
    tuned, base = text_of(driver, "tuned-steps"), text_of(driver, "base-steps")
    assert tuned.count("✅") >= 3  # the steps and the answer, each marked
    assert "verified correct" not in text_of(driver, "base-verdict")
    assert "❌" in text_of(driver, "base-verdict") or "⚠️" in text_of(driver, "base-verdict")
    assert base and base != tuned
    assert driver.find_elements("css selector", "#tuned-steps .katex")  # math rendered by KaTeX
    shots = screenshot_dir(tmp_path)
    full_page_screenshot(driver, shots / "space.png")

    # a typed problem: read by the checker, turned into the trained prompt, solved and checked
    type_into(driver, "#problem textarea", TYPED[RULE])
    click(driver, "solve")
    wait_for(
        driver,
        lambda d: f"done: typed {RULE} problem" in text_of(d, "status"),
        what="the typed problem",
    )
    assert "✅" in text_of(driver, "tuned-steps") and text_of(driver, "tuned-verdict").startswith(
        ("✅", "❌", "⚠️")
    )

    # hostile text: refused as the user's problem before any model runs, old output cleared, never executed
    marker = tmp_path / "PWNED"
    type_into(driver, "#problem textarea", f"__import__('pathlib').Path({str(marker)!r}).touch()")
    click(driver, "solve")
    wait_for(
        driver, lambda d: "could not be used" in text_of(d, "status"), what="the refusal of hostile text"
    )
    assert "No model ran" in text_of(driver, "status")
    assert text_of(driver, "tuned-steps") == "" and text_of(driver, "tuned-verdict") == ""
    assert not marker.exists()

    # empty input and a 5,000-character paste: refused with a message, nothing cut
    type_into(driver, "#problem textarea", "")
    click(driver, "solve")
    wait_for(driver, lambda d: "empty" in text_of(d, "status"), what="the refusal of an empty problem")
    set_textarea(driver, "#problem textarea", "1 + " * 1250)
    click(driver, "solve")
    wait_for(
        driver, lambda d: "5,000 characters long" in text_of(d, "status"), what="the refusal of a long paste"
    )
    value = driver.find_element("css selector", "#problem textarea").get_attribute("value")
    assert len(value) == 5000  # the box kept every character: nothing was cut silently


def test_space_api_through_gradio_client(space):
    from gradio_client import Client

    url, hub, checkout = space
    client = Client(url, verbose=False)
    assert {"/new_problem", "/solve", "/clear"} <= set(
        client.view_api(return_format="dict")["named_endpoints"]
    )
    prompt, note, *_ = client.predict(RULE, LEVEL, api_name="/new_problem")
    assert prompt.startswith(PROMPT_START) and "adapter" in note
    status, base_steps, tuned_steps, base_v, tuned_v = client.predict(
        RULE, LEVEL, TYPED[RULE], api_name="/solve"
    )
    assert f"done: typed {RULE} problem" in status
    assert "| line |" in base_steps and "| line |" in tuned_steps and tuned_v.startswith("###")
    status, *rest = client.predict("linear_system", 1, "x + y = ", api_name="/solve")
    assert status.startswith("⛔") and "cannot read" in status and rest == ["", "", "", ""]
