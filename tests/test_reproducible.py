"""Reproducible to the byte: the same article gives the same PDF, EPUB and DOCX in any process.

For each format, two processes build the same two Markdown articles with the command line, at the same
time, with a different ``PYTHONHASHSEED`` and a different time zone; their files must be equal byte for
byte. Once with ``SOURCE_DATE_EPOCH`` set, when every date written (PDF ``/CreationDate`` and
``/ModDate``, EPUB ``dcterms:modified``, DOCX core properties, zip entry times) must be that moment;
once without it, when they must be the time of the build, never the article's own date (a reader or
a file manager shows that date as the file's).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pypdf
import pytest
from lxml import etree

import opedexport
from conftest import DATA

FORMATS = ("pdf", "epub", "docx")
EPOCH = 1700000000  # 2023-11-14T22:13:20Z
SOURCE_URL = "https://example.org/opinion/buses"

DATED = f"""---
title: "Why Small Cities Should Own Their Buses"
subtitle: "Public transport is infrastructure"
authors:
  - name: "Maya Lindqvist"
    affiliation: "Urban Mobility Lab"
  - name: "Omar Haddad"
date: 2025-05-12
publication: "The Example Review"
lang: en
tags: [transport, cities]
summary: "Municipal ownership keeps fares low."
source_url: "{SOURCE_URL}"
rights: "© 2025 The Example Review"
---

When a private operator quits a route, the town notices *the next morning*.[^riders]

# The cost of handing it over

Outsourcing looked cheap on paper; see the [audit](https://example.org/audit "Audit") and the `fare_cap` clause.

![A bar chart of fares](images/chart.png "Fares since 2010 (Photo: Data Desk)")

> A bus that stops coming is a promise broken in public.
> — Ingrid Bergman

| City | Fare |
|:-----|-----:|
| Umeå | 26 |

1. Routes were priced one by one.
2. Nobody owned the timetable.

[^riders]: A 2024 survey found that 38 per cent of riders have no car.
"""

UNDATED = """---
title: "Undated and Unsourced"
lang: id
---

Artikel tanpa tanggal dan tanpa URL: identitas bukunya diambil dari isinya.[^1]

## Bagian

Paragraf kedua.

[^1]: Catatan kaki.
"""


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reproducible") / "articles"
    (folder / "images").mkdir(parents=True)
    shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
    (folder / "dated.md").write_text(DATED, encoding="utf-8")
    (folder / "undated.md").write_text(UNDATED, encoding="utf-8")
    return folder


def build_twice(fmt: str, sources: Path, out: Path, epoch: int | None) -> list[dict[str, bytes]]:
    """Build every article in ``sources`` as ``fmt`` in two processes at once: ``[{name: bytes}, …]``."""
    base = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED", "TZ")}
    if epoch is not None:
        base["SOURCE_DATE_EPOCH"] = str(epoch)
    runs = []
    for seed, tz in (("1", "UTC"), ("2", "Asia/Jakarta")):
        target = out / f"seed{seed}"
        command = [sys.executable, "-m", "opedexport", "build", str(sources), "-f", fmt, "-o", str(target), "-j", "1"]
        env = {**base, "PYTHONHASHSEED": seed, "TZ": tz}
        runs.append((target, subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)))
    results = []
    for target, proc in runs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err.decode("utf-8", "replace")
        assert b"warning" not in err, err.decode("utf-8", "replace")
        results.append({p.name: p.read_bytes() for p in sorted(target.iterdir())})
    assert sorted(results[0]) == [f"dated.{fmt}", f"undated.{fmt}"]
    return results


def stamps(fmt: str, data: bytes) -> set[str]:
    """Every date the file carries, as ``YYYY-MM-DDTHH:MM:SS``."""
    found: set[str] = set()
    if fmt == "pdf":
        info = pypdf.PdfReader(io.BytesIO(data)).metadata or {}
        for key in ("/CreationDate", "/ModDate"):
            match = re.match(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)", str(info.get(key, "")))
            assert match, f"no {key} in {info}"
            found.add("{}-{}-{}T{}:{}:{}".format(*match.groups()))
        return found
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        found |= {dt.datetime(*i.date_time).isoformat() for i in z.infolist()}
        if fmt == "epub":
            opf = etree.fromstring(z.read("EPUB/content.opf"))
            found.add(opf.findtext("{*}metadata/{*}meta[@property='dcterms:modified']").rstrip("Z"))
        else:
            core = etree.fromstring(z.read("docProps/core.xml"))
            for name in ("created", "modified"):
                found.add(core.findtext(f"{{http://purl.org/dc/terms/}}{name}").rstrip("Z"))
    return found


def epub_identifier(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    return str(opf.findtext("{*}metadata/{http://purl.org/dc/elements/1.1/}identifier"))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_same_bytes_in_two_processes_with_source_date_epoch(fmt: str, sources: Path, tmp_path: Path) -> None:
    first, second = build_twice(fmt, sources, tmp_path, EPOCH)
    for name in first:
        assert first[name] == second[name], f"{name} differs between the two processes"
        assert stamps(fmt, first[name]) == {"2023-11-14T22:13:20"}, name
    if fmt == "epub":
        assert epub_identifier(first["dated.epub"]) == f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, SOURCE_URL)}"
        assert epub_identifier(first["undated.epub"]).startswith("urn:uuid:")


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_without_it_the_build_time_not_the_article_date(fmt: str, sources: Path, tmp_path: Path) -> None:
    # A zip entry's time has a resolution of two seconds.
    before = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None) - dt.timedelta(seconds=2)
    first, second = build_twice(fmt, sources, tmp_path, None)
    after = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for run in (first, second):
        for name, data in run.items():
            for stamp in stamps(fmt, data):
                assert before <= dt.datetime.fromisoformat(stamp) <= after, (name, stamp)


@pytest.mark.parametrize(
    "fmt",
    [
        "pdf",
        "epub",
        "docx",
    ],
)
def test_same_bytes_wherever_the_article_lies(fmt: str, sources: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "some" / "other" / "place"
    shutil.copytree(sources, elsewhere)
    here = opedexport.export_bytes(opedexport.read(sources / "dated.md"), fmt)
    there = opedexport.export_bytes(opedexport.read(elsewhere / "dated.md"), fmt)
    assert here == there


@pytest.mark.parametrize(
    ("epoch", "year", "stamp"), [(-1, 1969, "1970-01-01T00:00:00Z"), (253402214400, 9999, "9999-12-31T00:00:00Z")]
)
def test_dates_far_from_now_give_valid_stamps(
    epoch: int, year: int, stamp: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SOURCE_DATE_EPOCH far from now still gives four-digit stamps (EPUB ``dcterms:modified`` and
    Word's W3CDTF need them) and zip entry times the zip can hold."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    article = opedexport.read(text="---\ntitle: Far\ndate: 2025-05-12\n---\n\nText.\n", format="markdown")
    epub, word = opedexport.export_bytes(article, "epub"), opedexport.export_bytes(article, "docx")
    assert isinstance(epub, bytes) and isinstance(word, bytes)
    with zipfile.ZipFile(io.BytesIO(epub)) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        assert opf.findtext("{*}metadata/{*}meta[@property='dcterms:modified']") == stamp
        assert {i.date_time[0] for i in z.infolist()} == {1980 if year < 1980 else 2107}
    with zipfile.ZipFile(io.BytesIO(word)) as z:
        core = etree.fromstring(z.read("docProps/core.xml"))
        assert {core.findtext(f"{{http://purl.org/dc/terms/}}{n}") for n in ("created", "modified")} == {stamp}
