"""The outside review's findings on the HTTP service: upload names in any script, uploads that never
finish, and query parameters given twice or misspelt (a real server on a loopback port).
"""

from __future__ import annotations

import contextlib
import io
import socket
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("python_multipart")
import httpx
from serving import SAMPLE, Server, serving, upload

from opedexport.cli import build_parser
from opedexport.serve import DEFAULT_UPLOAD_TIMEOUT, ServeConfig
from opedexport.serve.names import clean_name, disposition

EXPORT = "/v1/export"
SOURCE = b'---\ntitle: "Trees"\n---\n\nThe trees of the city are old and tall, and the people love them.\n'


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving("--workers", "1") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


def _filename_star(disposition: str) -> str:
    """The name a ``filename*=UTF-8''…`` parameter carries, decoded."""
    [value] = [p.strip() for p in disposition.split(";") if p.strip().startswith("filename*=")]
    charset, _, encoded = value.removeprefix("filename*=").partition("''")
    assert charset == "UTF-8"
    return urllib.parse.unquote(encoded, encoding="utf-8", errors="strict")


# --------------------------------------------------------------------------- 1. names in any script


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("é漢字.md", "é漢字.md"),
        ("Стаття про дерева.txt", "Стаття_про_дерева.txt"),
        ("मेरा लेख.md", "मेरा_लेख.md"),  # the vowel signs (marks) stay
        ("e\u0301.md", "é.md"),  # one form of each letter (NFC)
        ("../../x/Op ed\\final.txt", "final.txt"),
        ("a.b.v2.md", "a.b.v2.md"),
        (".md", "upload.md"),
        ("..", "upload"),
        ("\u202egpj.md", "gpj.md"),  # a right-to-left override is not kept
        ("a\x00b\r\nc\x7f.md", "a_b_c.md"),
        ('"q";x.md', "q_x.md"),
    ],
)
def test_a_clean_name_keeps_letters_of_any_script_and_the_suffix(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_a_clean_name_is_bounded_and_keeps_its_suffix() -> None:
    name = clean_name("漢" * 400 + ".docx")
    assert name.endswith("漢.docx") and len(name) <= 120 and len(name.encode()) <= 200


def test_a_disposition_carries_a_name_in_any_script() -> None:
    assert disposition("final.pdf") == 'attachment; filename="final.pdf"'
    value = disposition("é漢字.pdf")
    assert value.isascii()
    assert value.startswith('attachment; filename="e.pdf"; ')
    assert _filename_star(value) == "é漢字.pdf"
    assert 'filename="article.pdf"' in disposition("漢字.pdf")


def test_an_upload_named_in_any_script_is_converted_and_named_back(client: httpx.Client) -> None:
    r = client.post(EXPORT, params={"formats": "json"}, files={"file": ("é漢字.md", SOURCE, "text/markdown")})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Trees"
    disposition = r.headers["content-disposition"]
    assert 'filename="e.json"' in disposition and _filename_star(disposition) == "é漢字.json"
    r = client.post(
        EXPORT, params={"formats": "json,docx"}, files={"file": ("Стаття про дерева.md", SOURCE, "text/markdown")}
    )
    assert r.status_code == 200, r.text
    assert _filename_star(r.headers["content-disposition"]) == "Стаття_про_дерева.zip"
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        assert archive.namelist() == ["Стаття_про_дерева.json", "Стаття_про_дерева.docx"]


def test_an_error_names_the_upload_in_its_own_script(client: httpx.Client) -> None:
    r = client.post(EXPORT, files={"file": ("漢字.odt", b"PK\x03\x04", "application/octet-stream")})
    assert r.status_code == 415 and r.json()["file"] == "漢字.odt" and "'.odt'" in r.json()["error"]


# --------------------------------------------------------------------------- 2. uploads that never finish


def test_the_upload_timeout_is_an_option_with_a_default() -> None:
    assert build_parser().parse_args(["serve"]).upload_timeout == DEFAULT_UPLOAD_TIMEOUT
    assert ServeConfig().upload_timeout == DEFAULT_UPLOAD_TIMEOUT == 60
    assert build_parser().parse_args(["serve", "--upload-timeout", "5"]).upload_timeout == 5


def _partial_request(port: int, declared: int, first: bytes) -> socket.socket:
    """A connection that has sent the headers of a multipart upload of ``declared`` bytes and ``first``."""
    boundary = "tricklebound"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="slow.md"\r\n'
        "Content-Type: text/markdown\r\n\r\n"
    ).encode()
    request = (
        f"POST {EXPORT}?formats=json HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {declared}\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(request + head + first)
    return sock


def _answer(sock: socket.socket, trickle: float, within: float) -> bytes:
    """Send one more byte every ``trickle`` seconds until the server answers and closes (or ``within`` s pass)."""
    sock.settimeout(trickle)
    received = b""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            with contextlib.suppress(OSError):  # closed by the server
                sock.sendall(b"x")
            continue
        except ConnectionResetError:
            break
        if not chunk:
            return received + b"<closed>"
        received += chunk
    return received


def test_a_trickled_upload_is_408_its_folder_removed_and_its_connection_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # the server's private upload folders are made here
    with serving("--workers", "1", "--upload-timeout", "2", "--cache-mb", "0") as srv:
        assert srv.port is not None
        sock = _partial_request(srv.port, 2_000_000, b"a" * 300_000)  # past 256 KiB: written to its folder
        try:
            started = time.monotonic()
            deadline = started + 30
            while time.monotonic() < deadline and not list(tmp_path.glob("opedexport-serve-*")):
                time.sleep(0.05)
            assert list(tmp_path.glob("opedexport-serve-*")), "the upload never reached its folder"
            answer = _answer(sock, trickle=0.5, within=30)
            took = time.monotonic() - started
        finally:
            sock.close()
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
        assert b"connection: close" in answer.lower() and answer.endswith(b"<closed>")
        assert b"did not arrive within 2 s" in answer and b'"file":"slow.md"' in answer
        assert took < 25
        assert not list(tmp_path.glob("opedexport-serve-*"))
        # the server serves the next upload as before
        r = httpx.post(srv.url + EXPORT, params={"formats": "json"}, files=upload(), timeout=60)
        assert r.status_code == 200, r.text
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(e["status"] == 408 for e in srv.log):
            time.sleep(0.05)
        assert any(e["status"] == 408 and e["path"] == EXPORT for e in srv.log)


def test_an_upload_that_stops_before_its_file_is_408(tmp_path: Path) -> None:
    with serving("--workers", "1", "--upload-timeout", "1") as srv:
        assert srv.port is not None
        sock = _partial_request(srv.port, 1000, b"")
        try:
            sock.settimeout(30)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        finally:
            sock.close()
    assert answer.startswith(b"HTTP/1.1 408 "), answer[:200]
    assert b'"file":"slow.md"' in answer


def _response(sock: socket.socket) -> bytes:
    """One whole answer (its headers and ``Content-Length`` bytes of body) read from ``sock``."""
    sock.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    [length] = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
    while len(body) < length:
        body += sock.recv(65536)
    return data


def test_headers_trickled_or_never_sent_close_the_connection() -> None:
    with serving("--workers", "1", "--upload-timeout", "2") as srv:
        assert srv.port is not None
        trickled = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        silent = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        try:
            started = time.monotonic()
            trickled.sendall(b"POST /v1/export HTTP/1.1\r\nHo")
            assert _answer(trickled, trickle=0.5, within=30) == b"<closed>"
            silent.settimeout(30)
            assert silent.recv(100) == b""
            assert time.monotonic() - started < 25
        finally:
            trickled.close()
            silent.close()
        # a client that asks in time is answered, and may ask again on the same connection
        kept = socket.create_connection(("127.0.0.1", srv.port), timeout=30)
        try:
            for _ in range(2):
                kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                assert _response(kept).startswith(b"HTTP/1.1 200 ")
        finally:
            kept.close()


# --------------------------------------------------------------------------- 3. query parameters


def test_formats_given_twice_are_both_exported(client: httpx.Client, server: Server) -> None:
    r = client.post(EXPORT, params=[("formats", "json"), ("formats", "docx")], files=upload())
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    stem = SAMPLE.stem
    with zipfile.ZipFile(io.BytesIO(r.content)) as archive:
        assert archive.namelist() == [f"{stem}.json", f"{stem}.docx"]
    # the same as the comma-separated list: one cache entry answers both
    again = client.post(EXPORT, params={"formats": "json,docx"}, files=upload())
    assert again.status_code == 200 and again.headers["etag"] == r.headers["etag"]


@pytest.mark.parametrize(
    ("path", "params", "fragment"),
    [
        (EXPORT, [("fromat", "epub")], "unknown query parameter 'fromat'"),
        (EXPORT, [("formats", "json"), ("themes", "modern"), ("x", "1")], "unknown query parameter 'themes', 'x'"),
        ("/v1/inspect", [("formats", "pdf")], "/v1/inspect takes from, lang"),
        (EXPORT, [("formats", "json"), ("theme", "modern"), ("theme", "default")], "'theme' is given 2 times"),
        (EXPORT, [("formats", "json"), ("lang", "id"), ("lang", "en")], "'lang' is given 2 times"),
    ],
)
def test_unknown_or_repeated_query_parameters_are_400(
    client: httpx.Client, path: str, params: list[tuple[str, str]], fragment: str
) -> None:
    r = client.post(path, params=params, files=upload())
    assert r.status_code == 400, r.text
    assert fragment in r.json()["error"] and r.json()["file"] == SAMPLE.name
