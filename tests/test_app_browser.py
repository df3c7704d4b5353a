"""The real app in a real browser: Debian's chromium driven by Playwright against ``python app.py``.

One app process (temporary data dir, free port) serves the whole module. Its review queue is filled by the real
synthesis pipeline (a few seed key poses); the Demo uses the shipped checkpoint. The tests save the screenshots
in docs/screenshots/.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError
from playwright.sync_api import Page, expect, sync_playwright

from db import open_store
from db.config import DB_FILE_NAME
from ui.app_process import REPO, AppProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic",
                 # WebGL for the 3D viewer without a GPU: SwiftShader, which Chromium no longer falls back to by itself
                 "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
SCREENSHOTS = REPO / "docs" / "screenshots"
ADMIN = ("admin", "admin-secret-1")
ANNOTATOR = ("ann", "annotator-secret-1")


@pytest.fixture(scope="module")
def synthesis_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthesis") / "out"
    subprocess.run([sys.executable, "-m", "synthesis", "run", "--config", "synthesis/configs/offline.yaml",
                    "--limit", "2", "--workers", "0", "--out", str(out)], cwd=REPO, check=True, timeout=300,
                   capture_output=True)
    return out


@pytest.fixture(scope="module")
def app(tmp_path_factory, synthesis_dir):
    data = tmp_path_factory.mktemp("app") / "data"
    store = open_store(f"sqlite:///{data / DB_FILE_NAME}", exports_root=data / "exports")
    store.users.create(*ANNOTATOR, role="annotator")
    store.samples.import_dir(synthesis_dir)
    store.close()
    server = AppProcess(data, env={"COTPOSE_ADMIN_USER": ADMIN[0], "COTPOSE_ADMIN_PASSWORD": ADMIN[1]})
    with server:
        yield server


@pytest.fixture(scope="module")
def store(app):
    opened = open_store(f"sqlite:///{app.data_dir / DB_FILE_NAME}", exports_root=app.data_dir / "exports")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, app) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.goto(app.url)
    opened.wait_for_selector("#demo-generate")
    yield opened
    context.close()


def field(page: Page, elem_id: str):
    return page.locator(f"#{elem_id} textarea, #{elem_id} input").first


def sign_in(page: Page, user: tuple[str, str]) -> None:
    field(page, "signin-user").fill(user[0])
    field(page, "signin-password").fill(user[1])
    page.click("#signin-button")
    expect(page.locator("#whoami")).to_contain_text(f"Signed in as {user[0]}")


def pick(page: Page, elem_id: str, option_text: str) -> None:
    """Choose a dropdown option by (part of) its label."""
    field(page, elem_id).click()
    page.get_by_role("option", name=option_text, exact=False).first.click()


def expect_tabs(page: Page, names: list[str]) -> None:
    """The visible tabs are exactly ``names`` (polled: tabs appear a moment after sign-in)."""
    expect(page.get_by_role("tab")).to_have_text(names)


def test_visitor_sees_only_the_demo_and_protected_handlers_refuse(app, page, store):
    expect_tabs(page, ["Demo"])
    client = Client(app.url, verbose=False)
    pending_before = store.queue.progress().pending
    protected = [
        ("/annotate_next", ["(any)", "(any)", "any"], "annotator"),
        ("/annotate_approve", ["(any)", "(any)", "any", "text", "reason"], "annotator"),
        ("/annotate_reject", ["(any)", "(any)", "any", "text", "reason"], "annotator"),
        ("/annotate_undo", ["(any)", "(any)", "any"], "annotator"),
        ("/train_export", ["stolen"], "admin"),
        ("/train_overview", [], "admin"),
    ]
    for endpoint, args, role in protected:
        with pytest.raises(AppError, match=f"Sign in as an {role} to do this"):
            client.predict(*args, api_name=endpoint)
    # Menus a visitor never had filled in: refused before any handler runs (a value outside the choices).
    for endpoint, args in (("/train_launch", [1, "/tmp", 64, 16, 0.05, 1, 8, 5e-5]), ("/train_activate", [1]),
                           ("/train_cancel", [1])):
        with pytest.raises(AppError):
            client.predict(*args, api_name=endpoint)
    with pytest.raises(AppError, match="Wrong user name or password"):
        client.predict(ADMIN[0], "not-the-password", api_name="/sign_in")
    client.predict(*ANNOTATOR, api_name="/sign_in")  # an annotator's session is still no admin
    for endpoint, args in (("/train_export", ["stolen"]), ("/train_overview", [])):
        with pytest.raises(AppError, match="Only an admin can do this; you are signed in as annotator"):
            client.predict(*args, api_name=endpoint)
    assert store.queue.progress().pending == pending_before
    assert store.exports.list() == [] and store.jobs.list_jobs() == []


def test_demo_streams_reasoning_then_shows_the_mesh(page):
    field(page, "demo-prompt").fill("Generate the pose of throwing a ball")
    page.click("#demo-generate")
    reasoning = field(page, "demo-reasoning")
    expect(reasoning).not_to_have_value("", timeout=60_000)
    expect(page.locator("#demo-mesh canvas")).to_be_visible(timeout=60_000)
    expect(page.locator("#demo-render img")).to_be_visible()
    expect(page.locator("#demo-status")).to_contain_text("Done", timeout=60_000)
    files = page.locator("#demo-files").inner_text().replace("\n", "")  # Gradio puts the extension on its own line
    assert "pose.npz" in files and "pose.json" in files and "pose.glb" in files
    assert len(reasoning.input_value().split()) >= 5
    page.wait_for_timeout(3000)  # let the viewer load and draw the mesh before the screenshot
    page.screenshot(path=str(SCREENSHOTS / "demo.png"))

    field(page, "demo-prompt").fill("   ")
    page.click("#demo-generate")
    expect(page.get_by_text("The prompt is empty")).to_be_visible(timeout=20_000)


def test_annotator_approves_edits_rejects_and_undoes(page, store):
    sign_in(page, ANNOTATOR)
    expect_tabs(page, ["Demo", "Annotate"])
    info = page.locator("#annotate-info")
    expect(info).to_contain_text("Sample", timeout=30_000)

    def current_id() -> int:
        text = info.inner_text()
        return int(text.split("Sample ", 1)[1].split()[0])

    first = current_id()
    page.click("#annotate-approve")
    expect(info).to_contain_text(f"Approved sample {first}.")
    second = current_id()
    edited = "The person stands upright with the right arm raised high above the head."
    field(page, "annotate-refined").fill(edited)
    page.click("#annotate-edit")
    expect(info).to_contain_text(f"Approved sample {second} with your edit.")
    third = current_id()
    page.keyboard.press("r")  # keyboard shortcut: reject with the selected reason
    expect(info).to_contain_text(f"Rejected sample {third}")
    page.screenshot(path=str(SCREENSHOTS / "annotate.png"))

    assert store.samples.get(first).status == "approved"
    assert store.samples.get(first).final_text == store.samples.get(first).detailed_refined
    assert store.samples.get(second).status == "approved" and store.samples.get(second).final_text == edited
    rejected = store.queue.reviews_of(third)
    assert store.samples.get(third).status == "rejected" and rejected[-1].reason == "pose does not match the prompt"

    page.click("#annotate-undo")
    expect(info).to_contain_text(f"Undid your reject of sample {third}")
    assert store.samples.get(third).status == "pending"
    assert current_id() == third
    page.keyboard.press("s")
    expect(info).to_contain_text(f"Skipped sample {third}")


def test_admin_exports_trains_and_sees_the_checkpoint(page, store):
    assert store.queue.progress().approved >= 1, "runs after the annotator test, which approves samples"
    sign_in(page, ADMIN)
    expect_tabs(page, ["Demo", "Annotate", "Train"])
    expect(page.locator("#train-device")).to_contain_text("CPU")
    page.get_by_text("Export approved samples as a new dataset version").click()
    page.click("#train-export-button")
    expect(page.locator("#train-message")).to_contain_text("Exported", timeout=30_000)
    field(page, "train-epochs").fill("1")
    page.click("#train-launch")
    expect(page.locator("#train-message")).to_contain_text("Started job", timeout=30_000)
    expect(page.locator("#train-status")).to_contain_text("succeeded", timeout=150_000)
    expect(page.locator("#train-job input")).to_have_value(re.compile(r"job \d+ · succeeded"), timeout=20_000)
    [job] = store.jobs.list_jobs()
    assert job.state == "succeeded" and job.config["finetune"]["epochs"] == 1
    [checkpoint] = store.jobs.list_checkpoints(job_id=job.id)
    assert Path(checkpoint.path, "model").is_dir()
    expect(page.locator("#train-checkpoints")).to_contain_text("final_loss")
    expect(page.locator("#train-checkpoints")).to_contain_text("Ours (CoT) MPJPE_mm", timeout=20_000)  # shipped figures
    expect(page.locator("#train-checkpoints")).to_contain_text("finetune_mode=unrefined")
    expect(page.locator("#train-plot")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "train.png"), full_page=True)
