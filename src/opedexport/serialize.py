"""The model's JSON form, in and out, and the JSON Schema that describes it.

Every node becomes an object with a ``"type"`` key naming its class and one
key per field; tuples become arrays and dates ISO 8601 strings. The encoding
is derived from the dataclass fields themselves, so the schema shipped in the
package (``article.schema.json``) is generated from the same source and a
test keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from dataclasses import MISSING, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from . import model
from .errors import InputError, ModelError
from .model import Article

__all__ = ["SCHEMA_ID", "article_from_dict", "article_from_json", "article_to_dict", "article_to_json", "json_schema"]

FORMAT_VERSION = 1
SCHEMA_ID = "https://opedexport.invalid/schema/article-1.json"


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(model))


def _fields(cls: type) -> list[Any]:
    return [f for f in fields(cls) if f.name != "source_path"]


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if type(value).__name__ in model.NODE_TYPES and hasattr(value, "__dataclass_fields__"):
        out: dict[str, Any] = {"type": type(value).__name__}
        for f in _fields(type(value)):
            v = getattr(value, f.name)
            if f.default is not MISSING and v == f.default:
                continue  # keep the JSON short: defaults are implied
            out[f.name] = _encode(v)
        return out
    return value


def article_to_dict(article: Article) -> dict[str, Any]:
    """The JSON-ready dict of ``article`` (without its source path)."""
    data = _encode(article)
    data["version"] = FORMAT_VERSION
    return {"$schema": SCHEMA_ID, **data}


def article_to_json(article: Article, *, indent: int | None = 2) -> str:
    """``article`` as JSON text (UTF-8 safe, non-ASCII kept as is)."""
    return json.dumps(article_to_dict(article), ensure_ascii=False, indent=indent)


class _DecodeError(Exception):
    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")


def _decode(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        if value is None and type(None) in args:
            return None
        node_types = [a for a in args if isinstance(a, type) and a.__name__ in model.NODE_TYPES]
        if node_types:
            return _decode_node(value, {t.__name__: t for t in node_types}, where)
        others = [a for a in args if a is not type(None)]
        return _decode(value, others[0], where)
    if origin is tuple:
        if not isinstance(value, list):
            raise _DecodeError(where, f"expected an array, got {type(value).__name__}")
        (item_hint, _ellipsis) = typing.get_args(hint)
        return tuple(_decode(v, item_hint, f"{where}[{i}]") for i, v in enumerate(value))
    if hint is dt.date:
        if not isinstance(value, str):
            raise _DecodeError(where, "expected a date as YYYY-MM-DD")
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise _DecodeError(where, str(exc)) from None
    if isinstance(hint, type) and hint.__name__ in model.NODE_TYPES:
        return _decode_node(value, {hint.__name__: hint}, where)
    if hint in (str, int, bool):
        if type(value) is not hint:
            raise _DecodeError(where, f"expected {hint.__name__}, got {type(value).__name__}")
        return value
    raise _DecodeError(where, f"cannot decode type {hint!r}")  # pragma: no cover - model bug


def _decode_node(value: Any, allowed: dict[str, type], where: str) -> Any:
    if not isinstance(value, dict):
        raise _DecodeError(where, f"expected an object, got {type(value).__name__}")
    name = value.get("type")
    if len(allowed) == 1 and name is None:
        (cls,) = allowed.values()
    elif not isinstance(name, str) or name not in allowed:
        raise _DecodeError(where, f"unknown or misplaced node type {name!r}")
    else:
        cls = allowed[name]
    hints = _hints(cls)
    known = {f.name for f in _fields(cls)}
    extra = set(value) - known - ({"type", "$schema", "version"} if cls is Article else {"type"})
    if extra:
        raise _DecodeError(where, f"unknown key(s) for {cls.__name__}: {', '.join(sorted(extra))}")
    kwargs = {}
    for f in _fields(cls):
        if f.name in value:
            kwargs[f.name] = _decode(value[f.name], hints[f.name], f"{where}.{f.name}")
        elif f.default is MISSING and f.default_factory is MISSING:
            raise _DecodeError(where, f"{cls.__name__} needs the key {f.name!r}")
    try:
        return cls(**kwargs)
    except ModelError as exc:
        # Model messages start with "Class.field": point at the field when there is one.
        field = exc.message.partition(" ")[0].removeprefix(f"{cls.__name__}.")
        raise _DecodeError(f"{where}.{field}" if field in known else where, exc.message) from None


def article_from_dict(data: Any, *, path: str | Path | None = None) -> Article:
    """Build an Article from its JSON-ready dict; errors name the path inside the document."""
    if isinstance(data, dict) and data.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        raise InputError(f"unsupported article format version {data.get('version')!r}", path=path)
    try:
        article = _decode_node(data, {"Article": Article}, "$")
    except _DecodeError as exc:
        raise InputError(str(exc), path=path) from None
    except RecursionError:
        raise InputError("the document is nested too deeply", path=path) from None
    if path is not None:
        article = article.replace(source_path=Path(path))
    return typing.cast(Article, article)


def article_from_json(text: str, *, path: str | Path | None = None) -> Article:
    """Parse JSON text into an Article; a syntax error names the line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply", path=path) from None
    except ValueError as exc:  # a number too long to convert (Python's limit on integer digits)
        raise InputError(f"invalid JSON: {str(exc).split(';')[0]}", path=path) from None
    return article_from_dict(data, path=path)


# --------------------------------------------------------------------------- schema


def _schema_for(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(hint)
        return {"anyOf": [_schema_for(a, defs) for a in args]}
    if origin is tuple:
        return {"type": "array", "items": _schema_for(typing.get_args(hint)[0], defs)}
    if hint is type(None):
        return {"type": "null"}
    if hint is dt.date:
        return {"type": "string", "format": "date"}
    if hint is str:
        return {"type": "string"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if isinstance(hint, type) and hint.__name__ in model.NODE_TYPES:
        name = hint.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            props: dict[str, Any] = {"type": {"const": name}}
            required = []
            for f in _fields(hint):
                props[f.name] = _schema_for(_hints(hint)[f.name], defs)
                if f.default is MISSING and f.default_factory is MISSING:
                    required.append(f.name)
            doc = (hint.__doc__ or "").strip().splitlines()[0]
            defs[name] = {
                "type": "object",
                "description": doc,
                "properties": props,
                "required": required,
                "additionalProperties": False,
            }
            if name == "Article":
                props["$schema"] = {"type": "string"}
                props["version"] = {"const": FORMAT_VERSION}
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no schema for {hint!r}")  # pragma: no cover - model bug


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an article document, derived from the model."""
    defs: dict[str, Any] = {}
    _schema_for(Article, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "opedexport article",
        "$ref": "#/$defs/Article",
        "$defs": dict(sorted(defs.items())),
    }


def shipped_schema() -> dict[str, Any]:
    """The schema file shipped in the package (kept equal to :func:`json_schema` by a test)."""
    text = resources.files("opedexport").joinpath("article.schema.json").read_text("utf-8")
    return typing.cast(dict[str, Any], json.loads(text))
