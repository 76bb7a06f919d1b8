"""The service's answer cache: content-addressed, bounded by bytes, single-flight (issue 18's benchmark).

The real server on a loopback port, driven with httpx; the worker jobs run are counted from
``/healthz`` (``jobs``), so "no export" is observed, not assumed. The cache class itself is
also tested directly, where an event loop and a fake job are enough.
"""

from __future__ import annotations

import asyncio
import io
import shutil
import subprocess
import time
import zipfile
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("python_multipart")
import httpx
import pypdf
from serving import SAMPLE, Server, serving, upload

from opedexport.serve.cache import ENTRY_OVERHEAD, Result, ResultCache, cache_key

EXPORT = "/v1/export"
INSPECT = "/v1/inspect"
TEXT = SAMPLE.read_bytes()


def article(tag: str) -> bytes:
    """The sample with one paragraph of its own: bytes no other test sends."""
    return TEXT + f"\n\nA closing line for {tag}.\n".encode()


def page_size(pdf: bytes, folder: Path) -> str:
    """poppler's ``Page size`` of ``pdf`` (points, width first)."""
    path = folder / "page-size.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return next(line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("Page size"))


def jobs(client: httpx.Client) -> int:
    return int(client.get("/healthz").json()["jobs"])


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving("--workers", "1", "--cache-mb", "16") as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


# --------------------------------------------------------------------------- over HTTP


def test_a_repeated_request_is_a_hit_with_the_same_bytes_and_no_export(server: Server, client: httpx.Client) -> None:
    files = upload(name="repeat.txt", data=article("repeat"))
    before = jobs(client)
    first = client.post(EXPORT, params={"formats": "pdf,epub,docx"}, files=files)
    assert first.status_code == 200, first.text
    assert first.headers["x-opedexport-cache"] == "miss"
    again = client.post(EXPORT, params={"formats": "pdf,epub,docx"}, files=files)
    assert again.status_code == 200
    assert again.headers["x-opedexport-cache"] == "hit"
    assert again.content == first.content
    for name in ("content-type", "content-disposition", "x-opedexport-warnings", "etag"):
        assert again.headers[name] == first.headers[name]
    assert jobs(client) == before + 1
    stats = client.get("/healthz").json()["cache"]
    assert stats["hits"] >= 1 and 0 < stats["bytes"] <= stats["max_bytes"] == 16 * 1024 * 1024
    deadline = time.monotonic() + 30  # the access log line is written after the answer
    while time.monotonic() < deadline and not any(e.get("cache") == "hit" for e in server.log):
        time.sleep(0.02)
    assert any(e["path"] == EXPORT and e["cache"] == "hit" and e["status"] == 200 for e in server.log)
    # the ZIP of compressed formats stores them as they are
    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}


@pytest.mark.parametrize(
    ("params", "name", "data"),
    [
        ({"formats": "docx,pdf"}, "base.txt", None),  # the same formats in another order: another ZIP
        ({"formats": "pdf"}, "base.txt", None),
        ({"formats": "pdf,docx", "theme": "modern"}, "base.txt", None),
        ({"formats": "pdf,docx", "lang": "en"}, "base.txt", None),
        ({"formats": "pdf,docx", "pdf_variant": "pdf/ua-1"}, "base.txt", None),
        ({"formats": "pdf,docx", "from": "text"}, "base.txt", None),
        ({"formats": "pdf,docx"}, "other-name.txt", None),  # the name is in Content-Disposition and may be read
        ({"formats": "pdf,docx"}, "base.txt", article("base").replace(b"NATO", b"NATo", 1)),  # one byte
    ],
)
def test_anything_that_changes_the_answer_misses(
    client: httpx.Client, params: dict[str, str], name: str, data: bytes | None
) -> None:
    base = client.post(EXPORT, params={"formats": "pdf,docx"}, files=upload(name="base.txt", data=article("base")))
    assert base.status_code == 200, base.text
    before = jobs(client)
    r = client.post(EXPORT, params=params, files=upload(name=name, data=data or article("base")))
    assert r.status_code == 200, r.text
    assert r.headers["x-opedexport-cache"] == "miss"
    assert r.headers["etag"] != base.headers["etag"]
    assert jobs(client) == before + 1


def test_inspect_is_kept_apart_from_export(client: httpx.Client) -> None:
    files = upload(name="both.txt", data=article("both"))
    exported = client.post(EXPORT, params={"formats": "json"}, files=files)
    assert exported.headers["x-opedexport-cache"] == "miss"
    first = client.post(INSPECT, files=files)
    assert first.status_code == 200 and first.headers["x-opedexport-cache"] == "miss"
    assert first.headers["etag"] != exported.headers["etag"]
    again = client.post(INSPECT, files=files)
    assert again.headers["x-opedexport-cache"] == "hit" and again.content == first.content
    assert again.json()["article"]["title"].startswith("NATO, Jembatan Diplomasi")
    assert again.headers["content-type"] == "application/json"


def test_errors_are_not_kept(client: httpx.Client) -> None:
    files = upload(name="bad.md", data=b"---\ntitle: [unclosed\n---\n\nText.\n")
    before = jobs(client)
    for _ in range(2):
        r = client.post(EXPORT, params={"formats": "pdf"}, files=files)
        assert r.status_code == 400 and r.json()["file"] == "bad.md"
        assert r.headers["x-opedexport-cache"] == "miss" and "etag" not in r.headers
    assert jobs(client) == before + 2


def test_a_body_cut_short_is_400_and_never_kept(client: httpx.Client) -> None:
    boundary = "cutBOUNDARYcut"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.md"\r\n\r\n'
        "# Title\n\nA paragraph that stops"
    ).encode()
    headers = {"content-type": f"multipart/form-data; boundary={boundary}"}
    before = jobs(client)
    for _ in range(2):
        r = client.post(EXPORT, params={"formats": "json"}, content=body, headers=headers)
        assert r.status_code == 400 and "ends inside the field 'file'" in r.json()["error"]
        assert r.json()["file"] == "cut.md" and "etag" not in r.headers
    assert jobs(client) == before


def test_an_upload_larger_than_what_is_held_in_memory_is_kept_by_its_bytes(client: httpx.Client) -> None:
    big = article("big") + b"".join(f"\n\nParagraph {i} of a long article, said plainly.".encode() for i in range(8000))
    assert len(big) > 256 * 1024  # past the in-memory part: written to the private folder as it arrives
    first = client.post(EXPORT, params={"formats": "json"}, files=upload(name="long.txt", data=big))
    assert first.status_code == 200, first.text
    again = client.post(EXPORT, params={"formats": "json"}, files=upload(name="long.txt", data=big))
    assert again.headers["x-opedexport-cache"] == "hit" and again.content == first.content
    other = client.post(EXPORT, params={"formats": "json"}, files=upload(name="long.txt", data=big[:-1] + b"!"))
    assert other.headers["x-opedexport-cache"] == "miss"


def test_if_none_match_is_412_without_an_export(client: httpx.Client) -> None:
    """RFC 9110 13.1.2: a POST whose If-None-Match matches is 412 (304 is for GET and HEAD)."""
    files = upload(name="etag.txt", data=article("etag"))
    first = client.post(EXPORT, params={"formats": "docx"}, files=files)
    tag = first.headers["etag"]
    assert tag.startswith('W/"') and len(tag) == 64 + 4
    before = jobs(client)
    r = client.post(EXPORT, params={"formats": "docx"}, files=files, headers={"If-None-Match": f'"x", {tag}'})
    assert r.status_code == 412 and r.headers["etag"] == tag
    assert r.json() == {"error": r.json()["error"], "line": None, "file": "etag.txt"} and "ETag" in r.json()["error"]
    # another request's tag is no match: the answer comes
    r = client.post(EXPORT, params={"formats": "pdf"}, files=files, headers={"If-None-Match": tag})
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert jobs(client) == before + 1


def test_identical_requests_in_flight_share_one_export(server: Server, client: httpx.Client) -> None:
    files = upload(name="flight.txt", data=article("flight"))
    before = jobs(client)

    async def main() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as c:
            return await asyncio.gather(
                *(c.post(EXPORT, params={"formats": "pdf,epub,docx"}, files=files) for _ in range(8))
            )

    responses = asyncio.run(main())
    assert [r.status_code for r in responses] == [200] * 8
    how = sorted(r.headers["x-opedexport-cache"] for r in responses)
    assert how.count("miss") == 1 and set(how) <= {"miss", "shared", "hit"} and "shared" in how
    assert len({r.content for r in responses}) == 1
    assert jobs(client) == before + 1


def test_the_bound_evicts_the_least_recently_used() -> None:
    with serving("--workers", "1", "--cache-mb", "0.05") as srv, httpx.Client(base_url=srv.url, timeout=120) as c:
        bound = c.get("/healthz").json()["cache"]["max_bytes"]
        assert bound == int(0.05 * 1024 * 1024)
        sizes = []
        for i in range(6):
            r = c.post(EXPORT, params={"formats": "docx"}, files=upload(name=f"e{i}.txt", data=article(f"e{i}")))
            assert r.status_code == 200 and r.headers["x-opedexport-cache"] == "miss"
            sizes.append(len(r.content))
            assert c.get("/healthz").json()["cache"]["bytes"] <= bound
        assert sum(sizes) > bound  # more than fits
        stats = c.get("/healthz").json()["cache"]
        assert stats["evictions"] >= 1 and stats["entries"] < 6
        last = c.post(EXPORT, params={"formats": "docx"}, files=upload(name="e5.txt", data=article("e5")))
        assert last.headers["x-opedexport-cache"] == "hit"
        first = c.post(EXPORT, params={"formats": "docx"}, files=upload(name="e0.txt", data=article("e0")))
        assert first.headers["x-opedexport-cache"] == "miss"
        # an answer bigger than the whole bound is never kept (the EPUB carries its fonts)
        for _ in range(2):
            r = c.post(EXPORT, params={"formats": "epub"}, files=upload(name="big.txt", data=article("big")))
            assert r.status_code == 200 and len(r.content) > bound
            assert r.headers["x-opedexport-cache"] == "miss"
        assert c.get("/healthz").json()["cache"]["bytes"] <= bound


def test_zero_turns_the_cache_and_sharing_off() -> None:
    with serving("--workers", "1", "--cache-mb", "0") as srv, httpx.Client(base_url=srv.url, timeout=120) as c:
        before = jobs(c)
        files = upload(name="off.txt", data=article("off"))
        answers = [c.post(EXPORT, params={"formats": "docx"}, files=files) for _ in range(2)]
        assert [r.status_code for r in answers] == [200, 200]
        assert all("x-opedexport-cache" not in r.headers for r in answers)
        assert answers[0].headers["etag"] == answers[1].headers["etag"]  # the tag still names the request

        async def main() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=srv.url, timeout=120) as ac:
                return await asyncio.gather(
                    *(ac.post(EXPORT, params={"formats": "docx"}, files=files) for _ in range(3))
                )

        assert [r.status_code for r in asyncio.run(main())] == [200] * 3
        assert jobs(c) == before + 5
        stats = c.get("/healthz").json()["cache"]
        assert stats["max_bytes"] == 0 and stats["entries"] == 0 and stats["hits"] == 0


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils are not installed")
def test_an_edited_operator_theme_is_a_new_key_and_is_read_again(tmp_path: Path) -> None:
    themes = tmp_path / "themes"
    (themes / "house").mkdir(parents=True)
    toml = themes / "house" / "theme.toml"
    toml.write_text('name = "house"\ndescription = "The house style."\nextends = "default"\n[page]\nsize = "A4"\n')
    files = upload(name="house.txt", data=article("house"))
    with (
        serving("--workers", "1", "--themes-dir", str(themes)) as srv,
        httpx.Client(base_url=srv.url, timeout=120) as c,
    ):
        a4 = c.post(EXPORT, params={"formats": "pdf", "theme": "house"}, files=files)
        assert a4.status_code == 200, a4.text
        assert (
            c.post(EXPORT, params={"formats": "pdf", "theme": "house"}, files=files).headers["x-opedexport-cache"]
            == "hit"
        )
        toml.write_text(toml.read_text().replace('"A4"', '"A5"'))
        a5 = c.post(EXPORT, params={"formats": "pdf", "theme": "house"}, files=files)
        assert a5.status_code == 200 and a5.headers["x-opedexport-cache"] == "miss"
        assert a5.headers["etag"] != a4.headers["etag"]
        # the worker read the edited file: an A5 page, not the A4 one it loaded first
        assert page_size(a4.content, tmp_path).startswith("595")
        assert page_size(a5.content, tmp_path).startswith("419")


def test_a_font_replaced_in_an_operator_theme_is_read_again(tmp_path: Path) -> None:
    """The warm worker's font configuration holds every face it loaded, by path: a font file replaced at
    the same path is a new theme identity, and the worker must drop what it loaded, or it would keep
    the old face's PDF under the new key.
    """
    inter = Path(__file__).resolve().parents[2] / "styles" / "fonts" / "inter"
    themes = tmp_path / "themes"
    (themes / "house" / "fonts").mkdir(parents=True)
    font = themes / "house" / "fonts" / "body.otf"
    shutil.copyfile(inter / "Inter-Regular.otf", font)
    faces = "\n".join(f'{style} = "fonts/body.otf"' for style in ("regular", "italic", "bold", "bold_italic"))
    (themes / "house" / "theme.toml").write_text(
        f'name = "house"\nextends = "default"\n[fonts.body]\nfamily = "House Serif"\n{faces}\n'
    )
    files = upload(name="house.txt", data=article("font"))

    def fonts(pdf: bytes) -> bytes:
        """The embedded font programs (a subset keeps its names: ``Inter-Regular``, ``Inter-SemiBold``)."""
        programs = []
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
            for font in page["/Resources"]["/Font"].values():
                descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
                program = descriptor.get("/FontFile3") or descriptor.get("/FontFile2")
                programs.append(program.get_object().get_data())
        return b"\n".join(programs)

    with (
        serving("--workers", "1", "--themes-dir", str(themes)) as srv,
        httpx.Client(base_url=srv.url, timeout=120) as c,
    ):
        before = c.post(EXPORT, params={"formats": "pdf", "theme": "house"}, files=files)
        assert before.status_code == 200, before.text
        assert b"Inter-Regular" in fonts(before.content) and b"Inter-SemiBold" not in fonts(before.content)
        shutil.copyfile(inter / "Inter-SemiBold.otf", font)
        after = c.post(EXPORT, params={"formats": "pdf", "theme": "house"}, files=files)
        assert after.status_code == 200 and after.headers["x-opedexport-cache"] == "miss"
        assert b"Inter-SemiBold" in fonts(after.content) and b"Inter-Regular" not in fonts(after.content)


# --------------------------------------------------------------------------- the cache itself


def result(size: int, status: int = 200) -> Result:
    return Result(status, b"x" * size, "application/pdf", (("X-A", "1"),))


def test_cost_counts_body_headers_key_and_overhead() -> None:
    cache = ResultCache(10_000)
    key = "k" * 64
    assert cache.put(key, result(1000))
    assert cache.bytes == 1000 + len("application/pdf") + len("X-A") + 1 + 64 + ENTRY_OVERHEAD
    cache.put(key, result(10))  # the same key again replaces, it does not count twice
    assert len(cache) == 1 and cache.bytes == 10 + len("application/pdf") + 4 + 64 + ENTRY_OVERHEAD
    assert not cache.put("big", result(10_000)) and cache.get("big") is None


def test_least_recently_used_goes_first() -> None:
    cost = result(1000).size + 1 + ENTRY_OVERHEAD
    cache = ResultCache(3 * cost)
    for key in "abc":
        assert cache.put(key, result(1000))
    assert cache.get("a") is not None  # a is now the most recent: b goes first
    cache.put("d", result(1000))
    assert cache.get("b") is None and all(cache.get(k) is not None for k in "acd")
    assert cache.evictions == 1 and cache.bytes == 3 * cost


def test_the_key_covers_every_part_without_ambiguity() -> None:
    base = {"job": {"name": "a.md", "formats": ["pdf"]}, "upload": "00"}
    assert cache_key(base) == cache_key(dict(base))
    assert cache_key(base) != cache_key({**base, "upload": "01"})
    assert cache_key(base) != cache_key({**base, "job": {"name": "a.md", "formats": ["pdf"], "lang": None}})
    assert cache_key({"a": "b,c"}) != cache_key({"a": "b", "c": ""})


def test_single_flight_runs_once_and_shares_failures_without_keeping_them() -> None:
    calls = []

    async def main() -> None:
        cache = ResultCache(1 << 20)

        def make(status: int) -> Callable[[], Awaitable[Result]]:
            async def work() -> Result:
                calls.append(status)
                await asyncio.sleep(0.05)
                if status == 504:
                    raise TimeoutError("slow")
                return result(100, status)

            return work

        got = await asyncio.gather(*(cache.fetch("k", make(200)) for _ in range(5)))
        assert [how for _, how in got] == ["miss", "shared", "shared", "shared", "shared"]
        assert (await cache.fetch("k", make(200)))[1] == "hit"
        assert calls == [200]

        failed = await asyncio.gather(*(cache.fetch("t", make(504)) for _ in range(3)), return_exceptions=True)
        assert all(isinstance(f, TimeoutError) for f in failed) and calls == [200, 504]
        assert cache.get("t") is None
        bad = await cache.fetch("b", make(400))
        assert bad[0].status == 400 and cache.get("b") is None

        off = ResultCache(0)
        assert (await off.fetch("k", make(200)))[1] is None
        assert (await off.fetch("k", make(200)))[1] is None
        assert len(off) == 0 and off.bytes == 0

    asyncio.run(main())
    assert calls == [200, 504, 400, 200, 200]


def test_a_call_that_does_not_do_the_work_lets_go_at_once() -> None:
    """A hit, and a call that joins a flight, release what they hold (their upload) before they wait;
    the call doing the work keeps it; so memory waiting on a flight does not grow with the callers.
    """
    released: list[str] = []

    async def main() -> None:
        cache = ResultCache(1 << 20)
        gate = asyncio.Event()

        async def work() -> Result:
            await gate.wait()
            return result(10)

        first = asyncio.ensure_future(cache.fetch("k", work, release=lambda: released.append("first")))
        await asyncio.sleep(0)
        joining = asyncio.ensure_future(cache.fetch("k", work, release=lambda: released.append("joining")))
        await asyncio.sleep(0)
        assert released == ["joining"]  # released while the flight is still running
        gate.set()
        assert [how for _, how in await asyncio.gather(first, joining)] == ["miss", "shared"]
        await cache.fetch("k", work, release=lambda: released.append("hit"))

    asyncio.run(main())
    assert released == ["joining", "hit"]


@pytest.mark.parametrize("value", ["-1", "nan", "lots"])
def test_a_bad_cache_size_is_a_usage_error(value: str) -> None:
    from opedexport.cli import build_parser

    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["serve", "--cache-mb", value])
    assert stopped.value.code == 2


def test_the_command_s_default_is_the_service_s() -> None:
    from opedexport.cli import build_parser
    from opedexport.serve import DEFAULT_CACHE_MB, ServeConfig

    assert build_parser().parse_args(["serve"]).cache_mb == DEFAULT_CACHE_MB == ServeConfig().cache_mb


def test_the_operator_folder_is_listed_off_the_event_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of ``--themes-dir`` is looked at on each request naming one of its themes (20,000 files
    took 141 ms): done on the event loop, that would hold up every other request meanwhile.
    """
    from opedexport.serve import app as app_module

    themes = tmp_path / "themes"
    (themes / "house").mkdir(parents=True)
    (themes / "house" / "theme.toml").write_text('name = "house"\nextends = "default"\n')
    service_app = app_module.create_app(app_module.ServeConfig(workers=1, themes_dir=themes, access_log=io.StringIO()))
    listed: list[bool] = []

    class Listed(Exception):
        pass

    def identity(root: Path) -> str:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            listed.append(False)  # no loop runs in this thread
        else:
            listed.append(True)
        raise Listed  # far enough: the request needs no worker to show where the listing ran

    monkeypatch.setattr(app_module, "_folder_identity", identity)

    async def post() -> None:
        transport = httpx.ASGITransport(app=service_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as c:
            await c.post(EXPORT, params={"formats": "pdf", "theme": "house"}, files=upload(name="a.txt", data=TEXT))

    with pytest.raises(Listed):
        asyncio.run(post())
    assert listed == [False]
