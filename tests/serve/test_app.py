"""``opedexport serve`` over real HTTP: a subprocess on a loopback port, driven with httpx."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import signal
import subprocess
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("python_multipart")
import httpx
from serving import SAMPLE, Server, alive, serving, upload

EXPORT = "/v1/export"
LIMIT = 200_000


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving("--workers", "2", "--max-bytes", str(LIMIT)) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


def test_health_formats_themes(client: httpx.Client) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    exporters = {e["name"] for e in client.get("/v1/formats").json()["exporters"]}
    assert {"pdf", "epub", "docx", "json"} <= exporters
    themes = {t["name"] for t in client.get("/v1/themes").json()["themes"]}
    assert {"default", "modern", "newspaper"} <= themes


def test_one_format_is_the_file_itself(client: httpx.Client) -> None:
    r = client.post(EXPORT, params={"formats": "pdf"}, files=upload())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == 'attachment; filename="000_ed708197f1b9d573.pdf"'
    assert r.content.startswith(b"%PDF-")
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_several_formats_are_a_deterministic_zip(client: httpx.Client) -> None:
    bodies = []
    for _ in range(2):
        r = client.post(EXPORT, params={"formats": "json,docx", "theme": "modern"}, files=upload())
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/zip"
        assert r.headers["content-disposition"] == 'attachment; filename="000_ed708197f1b9d573.zip"'
        bodies.append(r.content)
    with zipfile.ZipFile(io.BytesIO(bodies[0])) as archive:
        assert archive.namelist() == ["000_ed708197f1b9d573.json", "000_ed708197f1b9d573.docx"]
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in archive.infolist())
        article = json.loads(archive.read("000_ed708197f1b9d573.json"))
    assert article["title"].startswith("NATO, Jembatan Diplomasi")
    # the JSON export has no time in it: the same upload gives the same entry, byte for byte
    with zipfile.ZipFile(io.BytesIO(bodies[0])) as first, zipfile.ZipFile(io.BytesIO(bodies[1])) as again:
        assert again.read("000_ed708197f1b9d573.json") == first.read("000_ed708197f1b9d573.json")
        assert [(i.filename, i.date_time, i.external_attr) for i in again.infolist()] == [
            (i.filename, i.date_time, i.external_attr) for i in first.infolist()
        ]


def test_inspect_reports_removed_lines_notes_and_article(client: httpx.Client) -> None:
    r = client.post("/v1/inspect", files=upload())
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["article"]["title"].startswith("NATO, Jembatan Diplomasi")
    assert data["article"]["authors"][0]["affiliation"] == "Mahasiswi HI UIN Jakarta"
    assert {"line": 7, "rule": "boilerplate:related", "text": "Bacaan Lainnya"} in data["removed"]
    assert any("language" in n for n in data["notes"])
    assert data["warnings"] == []


def test_from_chooses_the_reader(client: httpx.Client) -> None:
    r = client.post(
        "/v1/inspect", params={"from": "markdown"}, files=upload(name="pasted", data=b"# Hello\n\nWorld.\n")
    )
    assert r.status_code == 200, r.text
    assert r.json()["article"]["title"] == "Hello"


def test_bad_input_is_400_with_file_and_line(client: httpx.Client) -> None:
    bad = b"---\ntitle: [unclosed\n---\n\nText.\n"
    r = client.post(EXPORT, params={"formats": "pdf"}, files=upload(name="bad.md", data=bad))
    assert r.status_code == 400
    body = r.json()
    assert body["file"] == "bad.md" and isinstance(body["line"], int) and body["error"]
    assert "opedexport-serve-" not in body["error"]  # the private folder is not shown
    r = client.post(
        EXPORT, params={"formats": "pdf"}, files=upload(name="latin1.txt", data=b"Caf\xe9 au lait\n\nMore.\n")
    )
    assert r.status_code == 400 and r.json()["line"] == 1 and "UTF-8" in r.json()["error"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"formats": "pdf,nope"}, "unknown format 'nope'"),
        ({"theme": "../../etc"}, "unknown theme"),
        ({"theme": "/tmp"}, "unknown theme"),
    ],
)
def test_bad_parameters_are_400(client: httpx.Client, params: dict[str, str], fragment: str) -> None:
    r = client.post(EXPORT, params=params, files=upload())
    assert r.status_code == 400 and fragment in r.json()["error"]


def test_unknown_input_type_is_415(client: httpx.Client) -> None:
    r = client.post(EXPORT, files=upload(name="article.odt", data=b"PK\x03\x04"))
    assert r.status_code == 415 and r.json()["file"] == "article.odt"
    r = client.post(EXPORT, params={"from": "nope"}, files=upload())
    assert r.status_code == 415
    r = client.post(EXPORT, content=b"just text", headers={"content-type": "text/plain"})
    assert r.status_code == 415


def test_missing_field_is_400(client: httpx.Client) -> None:
    r = client.post(EXPORT, files={"other": ("a.txt", b"x")})
    assert r.status_code == 400 and "'file'" in r.json()["error"]


def test_over_the_limit_is_413_by_length_and_while_streaming(client: httpx.Client) -> None:
    big = b"Words and more words.\n\n" * (LIMIT // 10)
    r = client.post(EXPORT, files=upload(name="big.txt", data=big))
    assert r.status_code == 413 and str(LIMIT) in r.json()["error"]

    boundary = "xyzBOUNDARYxyz"

    def chunked() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        yield f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'.encode()
        for _ in range(LIMIT // 10_000 + 2):
            yield b"x" * 10_000
        yield f"\r\n--{boundary}--\r\n".encode()

    r = client.post(EXPORT, content=chunked(), headers={"content-type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413
    assert r.json()["file"] == "big.txt"


def test_nothing_outside_the_upload_is_read(client: httpx.Client, tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    shutil.copy(Path(__file__).resolve().parents[1] / "data" / "images" / "chart.png", secret)
    text = f"# Title\n\n![a chart]({secret})\n\n![beside](chart.png)\n\n![far](../../../../{secret})\n\nText.\n"
    r = client.post(EXPORT, params={"formats": "json,docx"}, files=upload(name="a.md", data=text.encode()))
    assert r.status_code == 200, r.text
    assert int(r.headers["x-opedexport-warnings"]) >= 3
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        docx = zipfile.ZipFile(io.BytesIO(archive.read("a.docx")))
        assert not [n for n in docx.namelist() if n.startswith("word/media/")]


def test_forty_requests_eight_at_a_time(server: Server) -> None:
    async def main() -> list[int]:
        limit = asyncio.Semaphore(8)
        async with httpx.AsyncClient(base_url=server.url, timeout=300) as c:

            async def one(i: int) -> int:
                async with limit:
                    fmt = ("pdf", "epub", "docx", "json")[i % 4]
                    r = await c.post(EXPORT, params={"formats": fmt}, files=upload())
                    assert r.content, r.status_code
                    return r.status_code

            return await asyncio.gather(*(one(i) for i in range(40)))

    statuses = asyncio.run(main())
    assert statuses == [200] * 40


def test_access_log_is_one_json_line_per_request(server: Server, client: httpx.Client) -> None:
    client.post(EXPORT, params={"formats": "pdf,docx"}, files=upload())
    client.get("/v1/themes")
    deadline = time.monotonic() + 30  # the log is written after the response: wait for it, not a fixed time
    while time.monotonic() < deadline and not any(e["path"] == "/v1/themes" for e in server.log):
        time.sleep(0.02)
    entries = [e for e in server.log if e["path"] == EXPORT and e["formats"] == ["pdf", "docx"]]
    assert entries and entries[-1]["status"] == 200 and entries[-1]["method"] == "POST"
    assert entries[-1]["bytes"] > 1000 and entries[-1]["ms"] > 0
    assert any(e["path"] == "/v1/themes" and e["formats"] is None for e in server.log)


def test_healthz_is_503_until_workers_are_ready_then_full_queue_is_503() -> None:
    # the cache off: identical requests would otherwise share one job and never fill the queue
    with serving("--workers", "1", "--queue", "0", "--cache-mb", "0", ready=False) as srv:
        srv.wait_ready()
        assert srv.statuses[0] == 503 and srv.statuses[-1] == 200

        async def main() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=srv.url, timeout=120) as c:
                return await asyncio.gather(
                    *(c.post(EXPORT, params={"formats": "pdf,epub,docx"}, files=upload()) for _ in range(4))
                )

        responses = asyncio.run(main())
        codes = sorted(r.status_code for r in responses)
        assert 200 in codes and 503 in codes, codes
        busy = next(r for r in responses if r.status_code == 503)
        assert busy.headers["retry-after"] and "queue is full" in busy.json()["error"]


def test_past_the_time_limit_is_504() -> None:
    with serving("--workers", "1", "--time-limit", "0.05") as srv:
        r = httpx.post(srv.url + EXPORT, params={"formats": "pdf,epub,docx"}, files=upload(), timeout=60)
        assert r.status_code == 504, r.text
        assert "0.05 s" in r.json()["error"] and r.json()["file"] == SAMPLE.name
        # the worker is still there and answers the next request
        assert httpx.get(srv.url + "/healthz").status_code == 200


def test_sigterm_finishes_running_jobs_refuses_new_ones_and_leaves_no_worker() -> None:
    srv = Server("--workers", "1", "--cache-mb", "0")  # three jobs, not one shared
    try:
        workers = srv.workers()  # the worker and multiprocessing's resource tracker
        assert workers

        async def main() -> tuple[list[int], int]:
            async with httpx.AsyncClient(base_url=srv.url, timeout=120) as c:
                running = [
                    asyncio.create_task(c.post(EXPORT, params={"formats": "pdf,epub,docx"}, files=upload()))
                    for _ in range(3)
                ]
                for _ in range(300):  # until the server has accepted all three
                    if (await c.get("/healthz")).json()["active"] >= 3:
                        break
                    await asyncio.sleep(0.05)
                srv.proc.send_signal(signal.SIGTERM)
                await asyncio.sleep(0.1)
                late = await c.post(EXPORT, params={"formats": "pdf"}, files=upload())
                done = await asyncio.gather(*running)
                return [r.status_code for r in done], late.status_code

        finished, late = asyncio.run(main())
        assert finished == [200, 200, 200]
        assert late == 503
        assert srv.proc.wait(60) == 0
        deadline = time.monotonic() + 10  # the resource tracker ends once the server's end of its pipe is gone
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = {pid: Path(f"/proc/{pid}/cmdline").read_bytes() for pid in workers if alive(pid)}
        assert not left
    finally:
        srv.stop()


def test_serve_without_the_extra_says_how_to_install(tmp_path: Path) -> None:
    blocker = tmp_path / "starlette"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('blocked', name='starlette')\n")
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run(
        ["python3", "-m", "opedexport", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{tmp_path}:{root / 'src'}", "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert proc.returncode == 2
    assert "pip install 'opedexport[serve]'" in proc.stderr


def test_html_when_the_exporter_is_registered(client: httpx.Client) -> None:
    exporters = {e["name"] for e in client.get("/v1/formats").json()["exporters"] if e["available"]}
    if "html" not in exporters:
        pytest.skip("no html exporter registered")
    r = client.post(EXPORT, params={"formats": "html"}, files=upload())
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"] == 'attachment; filename="000_ed708197f1b9d573.html"'
    assert "NATO, Jembatan Diplomasi" in r.text and "Bacaan Lainnya" not in r.text


def test_themes_dir_allows_its_themes_by_name_only(client: httpx.Client, tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    (themes / "house").mkdir(parents=True)
    (themes / "house" / "theme.toml").write_text(
        'name = "house"\ndescription = "The house style."\nextends = "default"\n'
    )
    assert client.post(EXPORT, params={"formats": "json", "theme": "house"}, files=upload()).status_code == 400
    with serving("--workers", "1", "--themes-dir", str(themes)) as srv:
        names = {t["name"]: t["built_in"] for t in httpx.get(srv.url + "/v1/themes").json()["themes"]}
        assert names["house"] is False and names["default"] is True
        r = httpx.post(srv.url + EXPORT, params={"formats": "docx", "theme": "house"}, files=upload(), timeout=60)
        assert r.status_code == 200, r.text
        r = httpx.post(srv.url + EXPORT, params={"theme": str(themes / "house")}, files=upload(), timeout=60)
        assert r.status_code == 400


def test_unknown_paths_and_methods_answer_json(client: httpx.Client) -> None:
    r = client.get("/v2/nothing")
    assert r.status_code == 404 and "no such endpoint" in r.json()["error"]
    r = client.get(EXPORT)
    assert r.status_code == 405 and r.json()["line"] is None


def test_a_bad_pdf_variant_is_400(client: httpx.Client) -> None:
    r = client.post(EXPORT, params={"formats": "pdf", "pdf_variant": "pdf/x-1"}, files=upload())
    assert r.status_code == 400 and "pdf_variant must be one of" in r.json()["error"]


def test_a_folder_in_the_file_name_is_dropped(client: httpx.Client) -> None:
    r = client.post(EXPORT, params={"formats": "pdf"}, files=upload(name="../../x/Op ed\\final.txt"))
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == 'attachment; filename="final.pdf"'


def test_a_stuck_worker_is_killed_replaced_and_the_request_is_504() -> None:
    with serving("--workers", "1", "--time-limit", "1") as srv:
        [worker] = [p for p in srv.workers() if b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()]
        os.kill(worker, signal.SIGSTOP)  # deaf to its own time limit: the server's grace must end it
        r = httpx.post(srv.url + EXPORT, params={"formats": "docx"}, files=upload(), timeout=60)
        assert r.status_code == 504, r.text
        deadline = time.monotonic() + 60
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(worker)
        while time.monotonic() < deadline:
            r = httpx.post(srv.url + EXPORT, params={"formats": "docx"}, files=upload(), timeout=60)
            if r.status_code == 200:
                break
            time.sleep(0.2)
        assert r.status_code == 200


def test_workers_die_with_a_killed_server() -> None:
    srv = Server("--workers", "2")
    workers: list[int] = []
    try:
        workers = srv.workers()
        assert len(workers) >= 2
        for pid in workers:  # stuck: not even a closed pipe would end them now
            if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGSTOP)
        srv.proc.kill()
        srv.proc.wait(10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [pid for pid in workers if alive(pid)]
    finally:
        srv.stop()
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
