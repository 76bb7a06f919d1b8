"""The manifest reader: a YAML file naming a collection (anthology) and its articles, read into a
:class:`~opedexport.model.Collection`.

A manifest names the book's metadata and its articles, in order, optionally
grouped into parts::

    title: "Suara Kampus 2025"
    subtitle: "A year of the column"
    editors:
      - name: "Siti Rahma"
        affiliation: "Editor"
    publication: "DepokPos"
    date: 2025-12-31
    lang: id
    cover: cover.png              # optional, relative to the manifest
    theme: default                # optional; --theme overrides
    articles:                     # either a flat list …
      - articles/one.md
      - articles/two.txt
    parts:                        # … or parts with their own titles (not both)
      - title: "Pertahanan"
        articles: [articles/one.md]

Article paths are relative to the manifest and must stay inside its folder. So must
``theme:``: a built-in name or a theme folder inside the manifest's folder; what it
extends, its fonts and its templates are confined the same way (see :meth:`~opedexport.model.Collection.load_theme`).
Each article keeps its own language, title, byline and footnotes, with its labels
("By", the notes heading) and date in its language; the book's own pages (title page,
contents, part pages) follow the book's language.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

from .. import limits
from ..errors import InputError, LimitError, ModelError, RegistryError
from ..model import Article, Author, Collection, Part
from .base import DEFAULT_MAX_INPUT_BYTES, Source

__all__ = ["load_manifest"]

_KEYS = {"title", "subtitle", "editors", "publication", "date", "lang", "cover", "theme", "articles", "parts", "rights"}


def _load_yaml(path: Path) -> dict[str, Any]:
    """The manifest's mapping; its size is checked before it is read, and read no further than the limit."""
    import yaml  # here, not at the top: a build of articles has no manifest to read

    from .markdown import _FrontMatterLoader, yaml_problem  # the same safe loader: no tags, no aliases

    limit = limits.MAX_MANIFEST_BYTES
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            data = stream.read(limit + 1) if size <= limit else b""
    except OSError as exc:
        raise InputError(f"cannot read manifest: {exc.strerror or exc}", path=path) from None
    if size > limit or len(data) > limit:  # the second: a file that grew, or a pipe
        raise LimitError(limits.over("manifest bytes", max(size, len(data)), "MAX_MANIFEST_BYTES"), path=path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        message = f"cannot read manifest: not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        raise InputError(message, path=path, line=line) from None
    loader = _FrontMatterLoader(text)
    try:
        loaded = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        message, at = yaml_problem(exc)
        raise InputError(f"manifest: {message}", path=path, line=at + 1 if at is not None else None) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses
        line = text[: exc.position].count("\n") + 1
        raise InputError(
            "manifest: a character YAML does not allow (a control character?)", path=path, line=line
        ) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise InputError(f"manifest: {exc}", path=path) from None
    finally:
        loader.dispose()
    if not isinstance(loaded, dict):
        raise InputError("manifest must be a mapping with title: and articles:", path=path)
    unknown = sorted(set(map(str, loaded)) - _KEYS)
    if unknown:
        raise InputError(
            f"manifest: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})", path=path
        )
    return loaded


def _text(data: dict[str, Any], key: str, manifest: Path) -> str:
    """``data[key]`` as text: absent or empty is ``""``, a number is written out, anything else is an error."""
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise InputError(f"manifest: {key} must be text, not {type(value).__name__}", path=manifest)


def _editors(value: Any, manifest: Path) -> tuple[Author, ...]:
    """Editors given as one name, one mapping, or a list of names and mappings."""
    if value is None:
        return ()
    items = [value] if isinstance(value, (str, dict)) else value
    if not isinstance(items, list):
        raise InputError("manifest: editors must be a name, a mapping or a list of them", path=manifest)
    known = ("name", "affiliation", "bio", "url")
    out = []
    for item in items:
        try:
            if isinstance(item, str):
                out.append(Author(item))
                continue
            if not isinstance(item, dict):
                raise ModelError(f"{item!r} is not a name or a mapping")
            extra = sorted(set(map(str, item)) - set(known))
            if extra:
                raise ModelError(f"unknown key(s) {', '.join(extra)} (known: {', '.join(known)})")
            if not all(isinstance(v, str) for v in item.values()):
                raise ModelError("every value must be text")
            if "name" not in item:
                raise ModelError("every editor needs a name")
            out.append(Author(**item))
        except ModelError as exc:
            raise InputError(f"manifest: editors: {exc.message}", path=manifest) from None
    return tuple(out)


def _date(value: Any, manifest: Path) -> dt.date | None:
    """A YAML date, a timestamp (its date) or an ISO ``YYYY-MM-DD`` string."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(f"manifest: date must be YYYY-MM-DD, got {value!r}", path=manifest)


def _line_of(manifest: Path, value: str) -> int | None:
    """The first line of ``manifest`` that holds ``value`` as a YAML scalar (a list item, a key's value,
    quoted or not), for an error about that value; ``None`` when it cannot be told.
    """
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    scalar = re.compile(r"(?:^|[\s\[,:-])[\"']?" + re.escape(value) + r"[\"']?\s*(?:$|[\],#])")
    return next((n for n, line in enumerate(lines, start=1) if scalar.search(line)), None)


def _article_paths(value: Any, where: str, manifest: Path) -> list[Path]:
    if not isinstance(value, list) or not value:
        raise InputError(f"manifest: {where} must be a non-empty list of paths", path=manifest)
    root = manifest.parent.resolve()
    out = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise InputError(f"manifest: {where} holds {item!r}, not a path", path=manifest)
        path = (manifest.parent / item).resolve()
        if not path.is_relative_to(root):
            raise InputError(
                f"manifest: {item} is outside the manifest's folder", path=manifest, line=_line_of(manifest, item)
            )
        out.append(path)
    return out


def _theme_ref(value: str, manifest: Path) -> str:
    """The manifest's ``theme:``, refused unless a built-in name or a folder inside the manifest's folder."""
    if not value.strip():
        return ""
    ref = Path(value)
    root = manifest.parent.resolve()
    if ref.is_absolute() or ".." in ref.parts or not (manifest.parent / ref).resolve().is_relative_to(root):
        raise InputError(
            f"manifest: theme: {value} is outside the manifest's folder; give a built-in theme name "
            "or a theme folder inside the manifest's folder (or --theme on the command line)",
            path=manifest,
            line=_line_of(manifest, value),
        )
    return value


def _article_not_manifest(manifest: Path) -> InputError:
    return InputError(
        "this looks like an article, not a collection manifest (a YAML file with title: and "
        f"articles: or parts:); to export the article alone run: opedexport build {manifest}",
        path=manifest,
    )


def _is_article_file(manifest: Path) -> bool:
    """Whether ``manifest``'s suffix is not YAML's but one an article reader claims (.md, .txt, .json …)."""
    from ..registry import registry

    if manifest.suffix.lower() in {".yaml", ".yml"}:
        return False
    try:
        registry.reader_for_path(manifest)
    except RegistryError:
        return False
    return True


def _read_article(path: Path) -> Article:
    """One article the manifest names, read as :func:`opedexport.read` reads a path (reader by suffix, limits)."""
    from ..registry import registry

    source = Source.from_path(path, max_bytes=DEFAULT_MAX_INPUT_BYTES)
    article = registry.reader_for_path(path)().read(source).article
    limits.check_articles([article], source.label)
    return article


def load_manifest(path: str | Path, *, lang: str | None = None) -> Collection:
    """Read a collection manifest and every article it names.

    :param lang: overrides the book's language (articles keep their own).
    :raises InputError: for a bad manifest or article, naming the file (and line where known).
    """
    manifest = Path(path)
    try:
        data = _load_yaml(manifest)
    except InputError:
        if _is_article_file(manifest):
            raise _article_not_manifest(manifest) from None
        raise
    if "articles" not in data and "parts" not in data:
        if _is_article_file(manifest):
            raise _article_not_manifest(manifest)
        raise InputError(
            "manifest: articles must be a non-empty list of paths (it has no articles: or parts:); "
            f"if this file is an article, not a manifest, export it with: opedexport build {manifest}",
            path=manifest,
        )
    if "articles" in data and "parts" in data:
        raise InputError("manifest: give articles: or parts:, not both", path=manifest)
    groups: list[tuple[str, list[Path]]] = []
    if "parts" in data:
        if not isinstance(data["parts"], list) or not data["parts"]:
            raise InputError("manifest: parts must be a non-empty list", path=manifest)
        for i, part in enumerate(data["parts"], start=1):
            if not isinstance(part, dict) or set(part) - {"title", "articles"}:
                raise InputError(f"manifest: parts[{i}] must have title: and articles: only", path=manifest)
            groups.append(
                (_text(part, "title", manifest), _article_paths(part.get("articles"), f"parts[{i}]", manifest))
            )
    else:
        groups.append(("", _article_paths(data.get("articles"), "articles", manifest)))
    fields = {
        key: _text(data, key, manifest)
        for key in ("title", "subtitle", "publication", "lang", "cover", "rights", "theme")
    }
    theme = _theme_ref(fields["theme"], manifest)  # before any article is read
    editors = _editors(data.get("editors"), manifest)
    date = _date(data.get("date"), manifest)
    entries = sum(len(paths) for _, paths in groups)
    if entries > limits.MAX_MANIFEST_ENTRIES:
        raise LimitError(limits.over("articles named", entries, "MAX_MANIFEST_ENTRIES"), path=manifest)
    parts = tuple(Part(title, tuple(_read_article(p) for p in paths)) for title, paths in groups)
    limits.check_articles([a for part in parts for a in part.articles], manifest)  # the book as a whole
    try:
        return Collection(
            title=fields["title"],
            subtitle=fields["subtitle"],
            editors=editors,
            publication=fields["publication"],
            date=date,
            lang=lang or fields["lang"] or "und",
            cover=fields["cover"],
            rights=fields["rights"],
            theme=theme,
            parts=parts,
            source_path=manifest,
        )
    except ModelError as exc:
        raise InputError(f"manifest: {exc.message}", path=manifest) from None
