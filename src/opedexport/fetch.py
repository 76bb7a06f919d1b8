"""The one door through which every outside resource (image, font, stylesheet) comes in.

It says no by default: a :class:`Fetcher` reads files only under its roots
(the article's own folder and the theme's folders) and fetches http(s) URLs
only from hosts on an explicit allow-list, never following redirects. Every
refusal is recorded and reported as a :class:`~opedexport.errors.ResourceRefusedWarning`;
the export goes on without the resource. As WeasyPrint's ``URLFetcher``, one
replaceable object, so a pipeline can substitute its own.

Whatever it reads passes the one image check, :func:`opedexport.images.inspect_image`, which
decides by content (never by name or declared type) whether it is an image and bounds it
(pixels, an SVG's size, depth, ``<use>`` expansion and the images it shows) before anything
decodes it.
"""

from __future__ import annotations

import base64
import mimetypes
import os
import urllib.error
import urllib.parse
import warnings
from collections.abc import Iterable
from pathlib import Path

from .errors import ResourceRefusedWarning
from .images import ImageInfo, ImageRefused, inspect_image

__all__ = ["DEFAULT_MAX_PIXELS", "DEFAULT_MAX_RESOURCE_BYTES", "Fetcher", "Refused"]

#: A single resource larger than this is refused.
DEFAULT_MAX_RESOURCE_BYTES = 50 * 1024 * 1024
#: A raster image with more pixels than this is refused (a decompression bomb guard).
DEFAULT_MAX_PIXELS = 40_000_000


_NOT_AN_IMAGE = "not an image (its content is no image format, whatever its name says)"


class Refused(Exception):
    """A resource was refused; the message says which and why."""


class Fetcher:
    """Reads resources for exporters, refusing anything outside what it was told to trust.

    :param roots: folders whose files may be read (resolved; symlinks pointing out are refused).
    :param allow_hosts: host names whose http(s) URLs may be fetched; empty means none.
    :param max_bytes: the largest resource accepted; ``None`` means :data:`DEFAULT_MAX_RESOURCE_BYTES`.
    :param timeout: seconds before a network fetch is abandoned.
    :param max_pixels: the largest raster image accepted, in pixels, whatever its name (the rasters an SVG
        shows count together); ``None`` means :data:`DEFAULT_MAX_PIXELS`.

    The defaults are read when the fetcher is made, so setting ``opedexport.fetch.DEFAULT_MAX_PIXELS``
    (or ``DEFAULT_MAX_RESOURCE_BYTES``) changes the limit for every export that follows.
    """

    def __init__(
        self,
        roots: Iterable[Path | None],
        *,
        allow_hosts: Iterable[str] = (),
        max_bytes: int | None = None,
        timeout: float = 10.0,
        max_pixels: int | None = None,
    ):
        self.roots = tuple(Path(r).resolve() for r in roots if r is not None)
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self.max_bytes = DEFAULT_MAX_RESOURCE_BYTES if max_bytes is None else max_bytes
        self.timeout = timeout
        self.max_pixels = DEFAULT_MAX_PIXELS if max_pixels is None else max_pixels
        self.refused: list[str] = []

    # ------------------------------------------------------------------ public

    def to_url(self, ref: str, base: Path | None) -> str:
        """Make ``ref`` (a relative path, an absolute path or a URL) absolute against the folder ``base``.

        ``..`` is resolved but symbolic links are not followed, so that a refusal names the file the
        article refers to (:meth:`fetch` follows the links before it decides). A network-path reference
        without a scheme (``//host/x.png``) is returned as it is, to be refused as such.
        """
        parsed = urllib.parse.urlsplit(ref)
        if (parsed.scheme and len(parsed.scheme) > 1) or parsed.netloc:
            return ref
        path = Path(urllib.parse.unquote(parsed.path))
        if not path.is_absolute():
            if base is None:
                return ref
            path = base.absolute() / path
        return Path(os.path.normpath(path)).as_uri()

    def fetch(self, url: str) -> tuple[bytes, str]:
        """Return ``(data, media type)`` for ``url``, the media type decided by the content.

        Whatever is read passes :func:`opedexport.images.inspect_image` whatever its name or declared
        type: an image over a limit (pixels; an SVG's size, depth or ``<use>`` expansion, or an image it
        shows) is refused before anything decodes it. An image's media type is that of its content;
        content that is not an image (a font, a stylesheet) keeps the type its name gives, and is
        refused when that type claims an image.

        :raises Refused: when the URL is outside the roots, on a host not allowed,
            of another scheme, too large, cannot be read, or is an image refused by that check.
            The refusal is recorded.
        """
        try:
            data, mime = self._fetch(url)
            info = self._inspect(url, data)
            if info is not None:
                mime = info.media_type
            else:
                mime = mime or _type_by_name(url)
                if mime.startswith("image/"):
                    raise Refused(_NOT_AN_IMAGE)
            return data, mime
        except Refused as exc:
            self.refuse(url, str(exc))
            raise

    def fetch_or_none(self, url: str) -> tuple[bytes, str] | None:
        """As :meth:`fetch`, but ``None`` (with the warning) instead of raising."""
        try:
            return self.fetch(url)
        except Refused:
            return None

    def fetch_image(self, url: str) -> tuple[bytes, str]:
        """As :meth:`fetch` for what must be an image: content that is none (whatever its name) is refused.

        :raises Refused: as :meth:`fetch`, and for content that is not an image. The refusal is recorded.
        """
        data, mime = self.fetch(url)
        if not mime.startswith("image/"):
            self.refuse(url, _NOT_AN_IMAGE)
            raise Refused(_NOT_AN_IMAGE)
        return data, mime

    def fetch_image_or_none(self, url: str) -> tuple[bytes, str] | None:
        """As :meth:`fetch_image`, but ``None`` (with the warning) instead of raising."""
        try:
            return self.fetch_image(url)
        except Refused:
            return None

    def refuse(self, url: str, why: str) -> None:
        """Record and warn about a refused resource."""
        shown = url if len(url) < 120 else url[:117] + "..."
        message = f"refused resource {shown}: {why}"
        self.refused.append(message)
        warnings.warn(ResourceRefusedWarning(message), stacklevel=3)

    # ------------------------------------------------------------------ internals

    def _fetch(self, url: str) -> tuple[bytes, str]:
        """``(data, media type)`` as read; a file's type is ``""``, left to :meth:`fetch` (by its name)."""
        parsed = urllib.parse.urlsplit(url)
        scheme = parsed.scheme.lower()
        if scheme == "data":
            return self._data_url(url)
        if scheme == "file":
            return self._file(Path(_url2pathname(parsed.path)))
        if scheme in ("http", "https"):
            return self._http(url, parsed.hostname or "")
        raise Refused(f"scheme {scheme or '(none)'!r} is not allowed")

    def _inspect(self, url: str, data: bytes) -> ImageInfo | None:
        """The one image check (:func:`~opedexport.images.inspect_image`) on ``data`` read from ``url``."""

        def resolve(ref: str) -> bytes:  # what an SVG shows, read under the same rules
            try:
                return self._fetch(ref)[0]
            except Refused as exc:
                raise ImageRefused(str(exc)) from None

        try:
            return inspect_image(data, max_pixels=self.max_pixels, url=url, resolve=resolve)
        except ImageRefused as exc:
            raise Refused(str(exc)) from None

    def _file(self, path: Path) -> tuple[bytes, str]:
        # Where the path really leads is checked before whether it exists, so a refusal
        # never tells whether a file outside the roots is there.
        try:
            real = path.resolve()
        except (OSError, RuntimeError):
            raise Refused("cannot resolve the path") from None
        if not any(real.is_relative_to(root) for root in self.roots):
            raise Refused("outside the article's folder and the theme")
        if not real.exists():
            raise Refused("no such file")
        if not real.is_file():
            raise Refused("not a file")
        size = real.stat().st_size
        if size > self.max_bytes:
            raise Refused(f"{size} bytes is over the limit of {self.max_bytes}")
        # The type its name gives is looked up only for content that is no image (see fetch):
        # mimetypes reads the system's tables on first use, a few milliseconds an image never needs.
        return real.read_bytes(), ""

    def _http(self, url: str, host: str) -> tuple[bytes, str]:
        if host.lower() not in self.allow_hosts:
            raise Refused("network access is off (allow the host explicitly to fetch it)")
        import urllib.request  # only when a host is allowed: the network is off by default

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(url, timeout=self.timeout) as response:
                if response.status != 200:
                    raise Refused(f"HTTP status {response.status}")
                data = response.read(self.max_bytes + 1)
                mime = response.headers.get_content_type()
        except urllib.error.HTTPError as exc:  # a redirect not followed, or an error status
            exc.close()  # it holds the connection open
            raise Refused(f"HTTP status {exc.code}") from None
        except OSError as exc:
            raise Refused(f"cannot fetch: {exc}") from None
        if len(data) > self.max_bytes:
            raise Refused(f"over the limit of {self.max_bytes} bytes")
        return data, mime

    def _data_url(self, url: str) -> tuple[bytes, str]:
        header, _, payload = url[5:].partition(",")
        mime = header.split(";")[0] or "text/plain"
        try:
            data = base64.b64decode(payload) if header.endswith(";base64") else urllib.parse.unquote_to_bytes(payload)
        except ValueError:
            raise Refused("malformed data: URL") from None
        if len(data) > self.max_bytes:
            raise Refused(f"over the limit of {self.max_bytes} bytes")
        return data, mime


def _type_by_name(url: str) -> str:
    """The media type the name of the file at the ``file:`` URL ``url`` gives (where it really leads)."""
    path = Path(_url2pathname(urllib.parse.urlsplit(url).path))
    try:
        name = path.resolve().name
    except (OSError, RuntimeError):
        name = path.name
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _url2pathname(path: str) -> str:
    """``urllib.request.url2pathname`` without importing :mod:`urllib.request` (and the HTTP stack) on POSIX."""
    if os.name == "nt":  # pragma: no cover - Windows
        from urllib.request import url2pathname

        return url2pathname(path)
    return urllib.parse.unquote(path)
