"""The ASGI application: the JSON/file API under ``/v1``, ``/healthz`` and the editor's page at ``/``.

Every upload is hashed and counted as it arrives, refused past the size limit, and answered 408 when it
has not all arrived within the upload timeout;
it is held in memory up to 256 KiB, and written to a private folder of its own
(mode 0700) that holds only it once it is larger or a worker needs it (an answer
from the cache, :mod:`opedexport.serve.cache`, needs none). The read and the
exports run in a warm worker process (:mod:`opedexport.serve.workers`); the folder
is removed once the worker has answered. Nothing is fetched from the network and
nothing outside the upload is read (relative image references therefore fail
with a warning), themes are chosen by name only.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import html
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import RegistryError
from ..registry import registry
from ..theme import themes_dir
from .cache import Result, ResultCache, cache_key
from .names import clean_name, disposition
from .workers import Busy, Draining, Job, WorkerCrashed, WorkerPool, WorkerTimeout

__all__ = [
    "DEFAULT_CACHE_MB",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_QUEUE",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_UPLOAD_TIMEOUT",
    "ServeConfig",
    "create_app",
]

#: The largest upload accepted, in bytes (``--max-bytes``).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Seconds one request's read and exports may take before it is answered 504 (``--time-limit``).
DEFAULT_TIME_LIMIT = 60.0
#: Seconds the whole request body may take to arrive before the request is answered 408 and its
#: connection closed (``--upload-timeout``): a client trickling its upload holds a connection no longer.
DEFAULT_UPLOAD_TIMEOUT = 60.0
#: Jobs that may wait for a free worker before new ones are answered 503 (``--queue``).
DEFAULT_QUEUE = 32
#: Megabytes of finished answers kept for identical requests (``--cache-mb``; 0 turns the cache off).
DEFAULT_CACHE_MB = 64.0
#: Formats whose files are compressed already: stored in a ZIP of several as they are.
_COMPRESSED = frozenset({"pdf", "epub", "docx"})
#: Room for the multipart envelope around the file (boundaries, part headers, small fields).
_ENVELOPE = 64 * 1024
#: Bytes of an upload held in memory; past this it is written to its private folder as it arrives.
_IN_MEMORY = 256 * 1024
#: The query parameters each route takes.
_PARAMETERS = {"export": ("formats", "theme", "from", "lang", "pdf_variant"), "inspect": ("from", "lang")}
_THEME_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

#: Sent with every answer: the page loads only its own script and style sheet; previews are
#: inline-styled HTML in a sandboxed frame (no scripts), images and fonts as data: URLs.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(slots=True)
class ServeConfig:
    """How the service runs (the ``opedexport serve`` options)."""

    workers: int = 2
    queue: int = DEFAULT_QUEUE
    max_bytes: int = DEFAULT_MAX_BYTES
    time_limit: float | None = DEFAULT_TIME_LIMIT
    upload_timeout: float | None = DEFAULT_UPLOAD_TIMEOUT
    """Seconds the upload may take to arrive (then 408); ``None``: no limit."""
    themes_dir: Path | None = None
    """A folder of extra themes the operator allows, each a sub-folder chosen by its name."""
    max_jobs_per_worker: int = 500
    access_log: IO[str] | None = field(default=None)
    """Where the JSON access log lines go (``None``: standard error)."""
    cache_mb: float = DEFAULT_CACHE_MB
    """Megabytes of finished answers kept for identical requests, and identical requests in flight
    shared; ``0`` turns both off (see :mod:`opedexport.serve.cache`)."""


class _HTTPError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status, self.message, self.file, self.line, self.headers = status, message, file, line, headers or {}


def _json_bytes(value: Any) -> bytes:
    """``value`` as JSON, encoded as Starlette's ``JSONResponse`` does."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")


def _matches(if_none_match: str | None, key: str) -> bool:
    """Whether an ``If-None-Match`` header names the entity tag of ``key`` (weak comparison; ``*`` is not taken)."""
    if not if_none_match:
        return False
    for tag in if_none_match.split(","):
        tag = tag.strip()
        tag = tag.removeprefix("W/")
        if tag == f'"{key}"':
            return True
    return False


def _folder_identity(root: Path) -> str:
    """A SHA-256 over the relative path, size, inode, modification and change times (ns) of every file
    under ``root`` (the change time moves even where a copy keeps the modification time, ``cp -p``).
    """
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            stamp = f"{st.st_size}\0{st.st_ino}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
            digest.update(f"{os.path.relpath(path, root)}\0{stamp}\n".encode("utf-8", "replace"))
    return digest.hexdigest()


def _built_in_identity() -> str:
    """The package version and the built-in themes' files, as they were when the service started."""
    from .. import __version__

    return f"{__version__};{_folder_identity(themes_dir())}"


def _error_response(
    status: int, message: str, file: str | None = None, line: int | None = None, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse({"error": message, "line": line, "file": file}, status_code=status, headers=headers)


# --------------------------------------------------------------------------- uploads


class _Upload:
    """The multipart field ``file`` as it arrives: hashed, counted, and held in memory up to
    :data:`_IN_MEMORY` bytes; past that (or once a worker needs it, :meth:`path`) it is written to a
    private folder of its own (mode 0700) that holds only it. :meth:`discard` removes the folder.

    An upload answered from the cache therefore never touches the disk.
    """

    def __init__(self) -> None:
        self.name = "upload"
        """The file name as the client gave it, cleaned."""
        self.size = 0
        self.digest = ""
        """The hex SHA-256 of the uploaded bytes (once the part has ended)."""
        self.found = False
        self._hash = hashlib.sha256()
        self._buffer: bytearray | None = bytearray()
        self._folder: Path | None = None
        self._out: IO[bytes] | None = None

    def begin(self, name: str) -> None:
        self.name, self.found = name, True

    def write(self, chunk: bytes) -> None:
        self._hash.update(chunk)
        self.size += len(chunk)
        if self._buffer is None:
            assert self._out is not None
            self._out.write(chunk)
            return
        self._buffer += chunk
        if len(self._buffer) > _IN_MEMORY:
            self._spill()

    def end(self) -> None:
        self.digest = self._hash.hexdigest()
        self._close()

    def _spill(self) -> None:
        """Open the file in a new private folder and move what is held in memory there."""
        self._folder = Path(tempfile.mkdtemp(prefix="opedexport-serve-"))
        self._out = (self._folder / self.name).open("xb")
        if self._buffer:
            self._out.write(self._buffer)
        self._buffer = None

    def _close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def path(self) -> Path:
        """The upload as a file, alone in its private folder (written there now if it was in memory)."""
        if self._folder is None:
            self._spill()
            self._close()
        assert self._folder is not None
        return self._folder / self.name

    def discard(self) -> None:
        """Forget the upload: close and remove its folder, drop what is held in memory."""
        self._close()
        self._buffer = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


async def _receive_upload(request: Request, upload: _Upload, max_bytes: int, timeout: float | None = None) -> None:
    """Read the multipart field ``file`` into ``upload``; never hold more than ``max_bytes`` of it, nor
    wait more than ``timeout`` seconds for the whole body.

    :raises _HTTPError: 415 when the body is not multipart, 413 past the limit, 400 when ``file`` is missing,
        408 (``Connection: close``) when the body has not arrived in time.
    """
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if ctype != b"multipart/form-data" or not boundary:
        raise _HTTPError(415, "send the source as the multipart/form-data field 'file'")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + _ENVELOPE:
        raise _HTTPError(413, f"the upload is {declared} bytes, over the limit of {max_bytes}")

    state: dict[str, Any] = {"headers": {}, "field": b"", "value": b"", "active": False}

    def on_part_begin() -> None:
        state["headers"] = {}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"] = state["value"] = b""

    def on_headers_finished() -> None:
        _, disp = parse_options_header(state["headers"].get(b"content-disposition", b""))
        if disp.get(b"name") == b"file" and not upload.found:
            upload.begin(clean_name(disp.get(b"filename", b"upload").decode("utf-8", "replace")))
            state["active"] = True

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if not state["active"]:
            return
        if upload.size + end - start > max_bytes:
            raise _HTTPError(413, f"the upload is over the limit of {max_bytes} bytes", file=upload.name)
        upload.write(data[start:end])

    def on_part_end() -> None:
        if state["active"]:
            upload.end()
            state["active"] = False

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
        },
    )
    total = 0
    try:
        async with asyncio.timeout(timeout):
            async for chunk in request.stream():
                total += len(chunk)
                if total > max_bytes + _ENVELOPE:
                    name = upload.name if upload.found else None
                    raise _HTTPError(413, f"the upload is over the limit of {max_bytes} bytes", file=name)
                parser.write(chunk)
        parser.finalize()
    except _HTTPError:
        raise
    except TimeoutError:
        raise _HTTPError(
            408,
            f"the upload did not arrive within {timeout:g} s ({total} bytes came in that time); send it again "
            "over a faster connection, or ask the operator for a longer --upload-timeout",
            file=upload.name if upload.found else None,
            headers={"Connection": "close"},
        ) from None
    except Exception as exc:  # a malformed body
        raise _HTTPError(400, f"the multipart body cannot be read: {exc}") from None
    if not upload.found:
        raise _HTTPError(400, "the multipart field 'file' is missing: send the source as file=@PATH")
    if state["active"]:
        raise _HTTPError(400, "the multipart body ends inside the field 'file': send the whole file", file=upload.name)


def _query(request: Request, op: str, name: str) -> dict[str, str]:
    """The query parameters of an ``op`` request, each once: ``formats`` given several times is one
    comma-separated list (``formats=pdf&formats=docx`` is ``formats=pdf,docx``).

    :raises _HTTPError: 400 naming a parameter ``op`` does not take (a typo would otherwise give the
        default silently), or one other than ``formats`` given twice.
    """
    known = _PARAMETERS[op]
    given = request.query_params
    unknown = [key for key in dict.fromkeys(given.keys()) if key not in known]
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        raise _HTTPError(
            400, f"unknown query parameter {names}; {request.url.path} takes {', '.join(known)}", file=name
        )
    query: dict[str, str] = {}
    for key in dict.fromkeys(given.keys()):
        values = given.getlist(key)
        if len(values) > 1 and key != "formats":
            raise _HTTPError(400, f"the query parameter {key!r} is given {len(values)} times; give it once", file=name)
        query[key] = ",".join(values)
    return query


# --------------------------------------------------------------------------- the application


class _Service:
    """The routes, sharing the configuration and the worker pool."""

    def __init__(self, config: ServeConfig):
        self.config = config
        self.themes = self._themes()
        self._built_in_id = _built_in_identity()
        self.pool = WorkerPool(
            config.workers,
            config.queue,
            themes=[(name, within, self._theme_id(within)) for name, (_, within) in sorted(self.themes.items())],
            max_jobs=config.max_jobs_per_worker,
        )
        self.cache = ResultCache(int(config.cache_mb * 1024 * 1024))
        self._formats: dict[str, Any] | None = None
        self.inflight = 0
        """Export and inspect requests being received or worked on (the server drains until none is left)."""

    def _themes(self) -> dict[str, tuple[str, str | None]]:
        """Each theme a request may name: name → (what to load, the folder it is confined to)."""
        found: dict[str, tuple[str, str | None]] = {}
        for folder in sorted(themes_dir().iterdir()):
            if (folder / "theme.toml").is_file() and _THEME_NAME.match(folder.name):
                found[folder.name] = (folder.name, None)
        if self.config.themes_dir is not None:
            root = self.config.themes_dir.resolve()
            for folder in sorted(root.iterdir()):
                if (folder / "theme.toml").is_file() and _THEME_NAME.match(folder.name):
                    found[folder.name] = (folder.name, str(root))  # confined to the folder
        return found

    def _theme_id(self, within: str | None) -> str:
        """What identifies the theme files a job may use: the built-in themes, and the operator's folder.

        The operator's folder is listed on every call (path, size and modification time of each file),
        so an edited theme is a new identity: a new cache key, and a reload in the worker.
        """
        if within is None:
            return self._built_in_id
        return f"{self._built_in_id};{_folder_identity(Path(within))}"

    # ---- small GET routes

    async def healthz(self, request: Request) -> Response:
        if self.pool.draining:
            return JSONResponse({"status": "stopping"}, status_code=503, headers={"Retry-After": "5"})
        if not self.pool.ready:
            return JSONResponse({"status": "starting"}, status_code=503, headers={"Retry-After": "1"})
        return JSONResponse(
            {
                "status": "ok",
                "workers": self.config.workers,
                "active": self.pool.active,
                "jobs": self.pool.jobs,
                "cache": self.cache.stats(),
            }
        )

    async def formats(self, request: Request) -> Response:
        if self._formats is None:
            readers = [
                {"name": n, "suffixes": list(c.suffixes) if c else [], "description": c.description if c else problem}
                for n, c, problem in registry.readers.all()
            ]
            exporters = [
                {
                    "name": n,
                    "suffix": c.suffix if c else None,
                    "media_type": c.media_type if c else None,
                    "description": c.description if c else problem,
                    "available": c is not None,
                }
                for n, c, problem in registry.exporters.all()
            ]
            self._formats = {"readers": readers, "exporters": exporters}
        return JSONResponse(self._formats)

    async def list_themes(self, request: Request) -> Response:
        return JSONResponse(
            {"themes": [{"name": n, "built_in": w is None} for n, (_, w) in sorted(self.themes.items())]}
        )

    async def editor(self, request: Request) -> Response:
        page = resources.files(__package__).joinpath("static/editor.html").read_text("utf-8")
        themes = "".join(
            f'<option value="{html.escape(n)}"{" selected" if n == "default" else ""}>{html.escape(n)}</option>'
            for n in sorted(self.themes)
        )
        boxes = "".join(
            f'<label><input type="checkbox" name="formats" value="{html.escape(n)}"'
            f"{' checked' if n in ('pdf', 'epub', 'docx') else ''}> {html.escape(n.upper())}</label>"
            for n in registry.exporters.names()
        )
        page = page.replace("<!--THEMES-->", themes).replace("<!--FORMATS-->", boxes)
        return Response(page, media_type="text/html; charset=utf-8")

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        types = {"editor.js": "text/javascript; charset=utf-8", "editor.css": "text/css; charset=utf-8"}
        if name not in types:
            return _error_response(404, "not found")
        data = resources.files(__package__).joinpath(f"static/{name}").read_bytes()
        return Response(data, media_type=types[name], headers={"Cache-Control": "no-cache"})

    # ---- the work routes

    def _job(self, request: Request, op: str, upload: _Upload) -> Job:
        q = _query(request, op, upload.name)
        reader = q.get("from") or None
        try:
            if reader is not None:
                registry.readers.require_known(reader)
            else:
                registry.reader_for_path(upload.name)
        except RegistryError as exc:
            raise _HTTPError(415, exc.message, file=upload.name) from None
        formats: tuple[str, ...] = ()
        options: list[tuple[str, Any]] = []
        theme, within = "default", None
        if op == "export":
            formats = tuple(dict.fromkeys(f.strip().lower() for f in q.get("formats", "pdf").split(",") if f.strip()))
            if not formats:
                raise _HTTPError(400, "give at least one format, for example formats=pdf,epub", file=upload.name)
            known = registry.exporters.names()
            for name in formats:
                if name not in known:
                    raise _HTTPError(400, f"unknown format {name!r}; known: {', '.join(known)}", file=upload.name)
            wanted = q.get("theme", "default")
            if wanted not in self.themes:
                raise _HTTPError(
                    400, f"unknown theme {wanted!r}; available: {', '.join(sorted(self.themes))}", file=upload.name
                )
            theme, within = self.themes[wanted]
            if q.get("pdf_variant"):
                options.append(("pdf_variant", q["pdf_variant"]))
        return Job(
            op=op,
            path="",  # set once a worker needs the file (see _work): an answer from the cache needs none
            name=upload.name,
            reader=reader,
            formats=formats,
            theme=theme,
            theme_within=within,
            # an operator's folder is listed by _run, off the event loop
            theme_id=self._built_in_id if op == "export" else "",
            lang=q.get("lang") or None,
            options=tuple(options),
            time_limit=self.config.time_limit,
            max_bytes=self.config.max_bytes,
        )

    def _key(self, job: Job, upload: _Upload) -> str:
        """The cache key: everything the answer depends on (see :mod:`opedexport.serve.cache`).

        Every field of the job but its private path (so an option added to :class:`Job` is covered
        without more work), the upload's SHA-256, the theme files' identity (in the job) and
        ``SOURCE_DATE_EPOCH`` (the moment the documents are stamped with).
        """
        fields = {name: getattr(job, name) for name in job.__dataclass_fields__ if name != "path"}
        return cache_key(
            {
                "job": fields,
                "upload": upload.digest,
                "built_in": self._built_in_id,
                "source_date_epoch": os.environ.get("SOURCE_DATE_EPOCH"),
            }
        )

    async def _run(self, request: Request, op: str) -> Response:
        if self.pool.draining:
            raise _HTTPError(503, "the server is shutting down; try again shortly", headers={"Retry-After": "5"})
        upload = _Upload()
        owned = True
        try:
            await _receive_upload(request, upload, self.config.max_bytes, self.config.upload_timeout)
            job = self._job(request, op, upload)
            if job.op == "export" and job.theme_within is not None:
                # Every file of the operator's folder is looked at (see _theme_id): a large folder
                # would hold up every other request if it were listed on the event loop.
                theme_id = await asyncio.to_thread(self._theme_id, job.theme_within)
                job = dataclasses.replace(job, theme_id=theme_id)
            key = self._key(job, upload)
            etag = f'W/"{key}"'
            if _matches(request.headers.get("if-none-match"), key):
                # The client holds the answer to exactly this request already (whatever the cache
                # holds): the export is not run. RFC 9110 (13.1.2) keeps 304 for GET and HEAD; a POST
                # whose If-None-Match matches is answered 412 Precondition Failed.
                return _error_response(
                    412,
                    "If-None-Match: the answer to this request is the one whose ETag you sent",
                    upload.name,
                    headers={"ETag": etag},
                )

            def make() -> Awaitable[Result]:
                nonlocal owned
                owned = False  # the work discards the upload once done, even if this request goes away
                return self._work(job, upload)

            result, how = await self.cache.fetch(key, make, release=upload.discard)
        finally:
            if owned:
                upload.discard()
        headers = dict(result.headers)
        if how is not None:
            headers["X-Opedexport-Cache"] = how
        if result.status == 200:
            headers["ETag"] = etag
        return Response(result.body, status_code=result.status, media_type=result.media_type, headers=headers)

    async def _work(self, job: Job, upload: _Upload) -> Result:
        """Run ``job`` on a worker and turn its answer into the finished response; discards ``upload``."""
        try:
            job = dataclasses.replace(job, path=str(upload.path()))
            try:
                answer = await self.pool.submit(job)
            except Busy:
                raise _HTTPError(
                    503,
                    "every worker is busy and the queue is full; try again shortly",
                    file=upload.name,
                    headers={"Retry-After": "1"},
                ) from None
            except Draining:
                raise _HTTPError(
                    503,
                    "the server is shutting down; try again shortly",
                    file=upload.name,
                    headers={"Retry-After": "5"},
                ) from None
            except WorkerTimeout:
                raise _HTTPError(
                    504, f"the request took longer than {self.config.time_limit:g} s and was stopped", file=upload.name
                ) from None
            except WorkerCrashed:
                raise _HTTPError(
                    500, "the worker stopped unexpectedly; it has been replaced", file=upload.name
                ) from None
        finally:
            upload.discard()
        if not answer["ok"]:
            error = {"error": answer["error"], "line": answer["line"], "file": answer["file"]}
            return Result(answer["status"], _json_bytes(error), "application/json")
        if job.op == "inspect":
            return Result(200, _json_bytes(answer["json"]), "application/json")
        return self._files(upload.name, answer["files"], len(answer["warnings"]))

    def _files(self, name: str, files: list[tuple[str, bytes]], warnings: int) -> Result:
        stem = Path(name).stem or "article"
        headers = [("X-Opedexport-Warnings", str(warnings))]
        if len(files) == 1:
            fmt, data = files[0]
            cls = registry.exporter(fmt)
            headers.append(("Content-Disposition", disposition(f"{stem}{cls.suffix}")))
            return Result(200, data, cls.media_type, tuple(headers))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for fmt, data in files:
                info = zipfile.ZipInfo(f"{stem}{registry.exporter(fmt).suffix}", date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.create_system = 3
                # PDF, EPUB and DOCX are compressed already: deflating them again costs time and saves little
                compressed = fmt in _COMPRESSED or data[:2] == b"PK"
                info.compress_type = zipfile.ZIP_STORED if compressed else zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        headers.append(("Content-Disposition", disposition(f"{stem}.zip")))
        return Result(200, buffer.getvalue(), "application/zip", tuple(headers))

    async def export(self, request: Request) -> Response:
        return await self._guard(request, "export")

    async def inspect(self, request: Request) -> Response:
        return await self._guard(request, "inspect")

    async def _guard(self, request: Request, op: str) -> Response:
        self.inflight += 1
        try:
            return await self._run(request, op)
        except _HTTPError as exc:
            return _error_response(exc.status, exc.message, exc.file, exc.line, exc.headers)
        finally:
            self.inflight -= 1


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]


class _AccessLog:
    """One JSON line per request (method, path, status, formats, cache, bytes, ms), plus the security headers."""

    def __init__(self, app: ASGIApp, stream: IO[str] | None):
        self.app = app
        self.stream = stream

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[Message]], send: Callable[[Message], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen: dict[str, Any] = {"status": 500, "bytes": 0, "cache": None}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                seen["cache"] = next((v.decode() for k, v in headers if k.lower() == b"x-opedexport-cache"), None)
                headers += [
                    (k.lower().encode(), v.encode()) for k, v in _HEADERS.items() if k.lower().encode() not in names
                ]
                message["headers"] = headers
            elif message["type"] == "http.response.body":
                seen["bytes"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"))
            line = {
                "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": seen["status"],
                "formats": ",".join(query["formats"]).split(",") if "formats" in query else None,
                "cache": seen["cache"],
                "bytes": seen["bytes"],
                "ms": round((time.perf_counter() - started) * 1000, 1),
            }
            print(json.dumps(line), file=self.stream or sys.stderr, flush=True)


async def _not_found(request: Request, exc: Exception) -> Response:
    return _error_response(404, f"no such endpoint: {request.url.path}; see GET /v1/formats, POST /v1/export")


async def _not_allowed(request: Request, exc: Exception) -> Response:
    return _error_response(405, f"{request.method} is not allowed on {request.url.path}")


def _load_plugins() -> None:
    """Load every reader and exporter class here (the routes read their suffixes and media types)."""
    for kind in (registry.readers, registry.exporters):
        for name in kind.names():
            with contextlib.suppress(RegistryError):
                kind.get(name)


def create_app(config: ServeConfig | None = None) -> Any:
    """The ASGI application for ``config`` (the worker pool starts with the application's lifespan).

    The returned object has ``.service`` (routes, ``.pool``) for the server's shutdown handling.
    """
    service = _Service(config or ServeConfig())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.pool.start()
        # while the workers warm up: the first request must not import them in the event loop
        await asyncio.get_running_loop().run_in_executor(None, _load_plugins)
        try:
            yield
        finally:
            await service.pool.close()

    app = Starlette(
        routes=[
            Route("/", service.editor, methods=["GET"]),
            Route("/static/{name}", service.static, methods=["GET"]),
            Route("/healthz", service.healthz, methods=["GET"]),
            Route("/v1/formats", service.formats, methods=["GET"]),
            Route("/v1/themes", service.list_themes, methods=["GET"]),
            Route("/v1/export", service.export, methods=["POST"]),
            Route("/v1/inspect", service.inspect, methods=["POST"]),
        ],
        lifespan=lifespan,
        exception_handlers={404: _not_found, 405: _not_allowed},
    )
    wrapped = _AccessLog(app, service.config.access_log)
    wrapped.service = service  # type: ignore[attr-defined]
    return wrapped
