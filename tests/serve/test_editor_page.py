"""The editor's page at ``/``, driven in Debian's chromium through Playwright (never ``playwright install``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("python_multipart")
sync_api = pytest.importorskip("playwright.sync_api")
import httpx  # noqa: E402
from serving import ROOT, SAMPLE, Server, serving  # noqa: E402

from judges import pdftotext  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(os.environ.get("OPEDEXPORT_AXE_JS", ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving("--workers", "2") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Any, server: Server) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.requests = []  # every URL the page asked for
    page.console = []
    page.on("request", lambda r: page.requests.append(r.url))
    page.on("console", lambda m: page.console.append(m.text))
    page.goto(server.url + "/")
    try:
        yield page
    finally:
        context.close()


def test_page_headers_forbid_outside_resources(server: Server) -> None:
    r = httpx.get(server.url + "/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http://" not in r.text and "https://" not in r.text


def test_upload_shows_metadata_removed_line_and_downloads_a_good_pdf(page: Any, server: Server, tmp_path: Path) -> None:
    page.set_input_files("#file", str(SAMPLE))
    page.get_by_role("button", name="Check the article").click()
    removed = page.locator("#removed")
    sync_api.expect(removed).to_contain_text("Bacaan Lainnya")
    sync_api.expect(removed.locator("li", has_text="Bacaan Lainnya")).to_contain_text("boilerplate:related")
    sync_api.expect(removed.locator("li", has_text="Bacaan Lainnya")).to_contain_text("Line 7")
    assert removed.locator("mark", has_text="Bacaan Lainnya").count() == 1
    metadata = page.locator("#metadata")
    sync_api.expect(metadata).to_contain_text("NATO, Jembatan Diplomasi Pertahanan")
    sync_api.expect(metadata).to_contain_text("Ratu Hanun T.W.A (Mahasiswi HI UIN Jakarta)")
    sync_api.expect(metadata).to_contain_text("id")
    # the article as it will read: the HTML export in a sandboxed frame, or inline without it
    preview = page.locator("#preview")
    sync_api.expect(preview.locator("iframe, article")).to_have_count(1)
    if preview.locator("iframe").count():
        assert preview.locator("iframe").get_attribute("sandbox") == ""
        sync_api.expect(page.frame_locator("#preview iframe").locator("body")).to_contain_text("Diplomasi pertahanan")
    else:
        sync_api.expect(preview.locator("article")).to_contain_text("Diplomasi pertahanan merupakan")
    assert "Bacaan Lainnya" not in preview.inner_text()

    with page.expect_download() as info:
        page.get_by_role("button", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == "000_ed708197f1b9d573.pdf"
    pdf = tmp_path / download.suggested_filename
    download.save_as(pdf)
    if shutil.which("qpdf"):
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    text = " ".join(pdftotext(pdf).split())
    assert "NATO, Jembatan Diplomasi Pertahanan" in text and "Bacaan Lainnya" not in text

    with page.expect_download() as info:
        page.get_by_role("button", name="Download all (ZIP)").click()
    assert info.value.suggested_filename == "000_ed708197f1b9d573.zip"

    # nothing but the server itself (and the page's own blob: downloads) was asked for
    assert all(u.startswith((server.url, "blob:", "data:", "about:")) for u in page.requests), page.requests
    assert not [m for m in page.console if "Content Security Policy" in m], page.console


def test_pasted_text_by_keyboard_only(page: Any) -> None:
    page.focus("#pasted")
    page.keyboard.insert_text(SAMPLE.read_text(encoding="utf-8"))
    for _ in range(40):  # Tab through the form to the button, then press Enter
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "check":
            break
    assert page.evaluate("document.activeElement.id") == "check"
    page.keyboard.press("Enter")
    sync_api.expect(page.locator("#removed")).to_contain_text("Bacaan Lainnya")
    sync_api.expect(page.locator("#status")).to_contain_text("pasted.txt")


def test_an_error_is_said_in_the_status_line(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "article.odt"
    bad.write_bytes(b"PK\x03\x04")
    page.set_input_files("#file", str(bad))
    page.get_by_role("button", name="Check the article").click()
    status = page.locator("#status")
    sync_api.expect(status).to_contain_text("article.odt")
    sync_api.expect(status).to_contain_text("no reader")
    assert page.locator("#results").is_hidden()


@pytest.mark.skipif(not AXE.is_file(), reason="axe-core is not installed (.ci/install puts it in .ci/node)")
def test_page_is_axe_clean_before_and_after_a_check(browser: Any, server: Server) -> None:
    # axe is injected as an inline script, which the page's own CSP rightly forbids: bypass it here only
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        before = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id + ': ' + v.help)")
        page.set_input_files("#file", str(SAMPLE))
        page.get_by_role("button", name="Check the article").click()
        sync_api.expect(page.locator("#removed")).to_contain_text("Bacaan Lainnya")
        sync_api.expect(page.locator("#preview iframe, #preview article")).to_have_count(1)
        after = page.evaluate(
            "async () => (await axe.run(document, {exclude: [['#preview iframe']]})).violations"
            ".map(v => v.id + ': ' + v.help)"
        )
        assert before == [] and after == [], (before, after)
    finally:
        context.close()
