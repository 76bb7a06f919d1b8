"""The editor's page at ``/``, driven in Debian's chromium through Playwright (never ``playwright install``)."""

from __future__ import annotations

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
from serving import SAMPLE, Server, serving  # noqa: E402

from judges import NODE_MODULES, chromium_page, have_axe, have_chromium, pdftotext  # noqa: E402

pytestmark = [pytest.mark.skipif(not have_chromium(), reason="Debian's chromium is not installed"), pytest.mark.slow]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving("--workers", "2") as running:
        yield running


@pytest.fixture
def page(server: Server) -> Iterator[Any]:
    with chromium_page() as page:
        page.set_default_timeout(60_000)
        page.requests = []  # every URL the page asked for
        page.console = []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("console", lambda m: page.console.append(m.text))
        page.goto(server.url + "/")
        yield page


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
    page.get_by_text("The whole source, removed lines marked").click()
    source = page.locator("#source")
    sync_api.expect(source.locator("li").nth(6)).to_contain_text("Bacaan Lainnya — removed: boilerplate:related")
    sync_api.expect(source.locator("li").nth(7)).not_to_contain_text("removed")
    metadata = page.locator("#metadata")
    sync_api.expect(metadata).to_contain_text("NATO, Jembatan Diplomasi Pertahanan")
    sync_api.expect(metadata).to_contain_text("Ratu Hanun T.W.A (Mahasiswi HI UIN Jakarta)")
    sync_api.expect(metadata).to_contain_text("id")
    # the article as it will read: the HTML export in a sandboxed frame, or inline without it
    preview = page.locator("#preview")
    sync_api.expect(preview.locator("iframe, article")).to_have_count(1)
    exporters = {e["name"] for e in httpx.get(server.url + "/v1/formats").json()["exporters"] if e["available"]}
    sync_api.expect(preview.locator("iframe" if "html" in exporters else "article")).to_have_count(1)
    if "html" in exporters:
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


@pytest.mark.skipif(not have_axe(), reason="axe-core is not installed (.ci/install puts it in .ci/node)")
def test_page_is_axe_clean_before_and_after_a_check(page: Any, server: Server) -> None:
    # The page's CSP allows scripts from its own origin only: axe is served from there (by the browser's
    # router, not by the server), so the page is checked under its real policy.
    axe = NODE_MODULES / "axe-core" / "axe.min.js"
    page.route(server.url + "/__axe.js", lambda route: route.fulfill(path=str(axe), content_type="text/javascript"))
    page.add_script_tag(url=server.url + "/__axe.js")
    assert violations(page) == []
    page.set_input_files("#file", str(SAMPLE))
    page.get_by_role("button", name="Check the article").click()
    sync_api.expect(page.locator("#removed")).to_contain_text("Bacaan Lainnya")
    sync_api.expect(page.locator("#preview iframe, #preview article")).to_have_count(1)
    assert violations(page) == []


def violations(page: Any) -> list[str]:
    """axe's default rules on the page (axe already loaded: judges.axe_violations injects it inline, which
    this page's CSP refuses)."""
    result = page.evaluate("() => axe.run(document)")
    return [f"{v['id']} ({v.get('impact')}): {v['help']}" for v in result["violations"]]
