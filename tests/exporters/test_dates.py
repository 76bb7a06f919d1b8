"""A document's own dates are the build's: ``SOURCE_DATE_EPOCH`` when set, else the time of the build.

The article's publication date is the article's (EPUB ``dc:date``, the dateline); it never stands in
for the date the file was made (PDF ``/CreationDate`` and ``/ModDate``, EPUB ``dcterms:modified``,
DOCX core ``created``/``modified``, zip entry times), which readers, stores and file managers show.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterator

import pypdf
import pytest
from lxml import etree

import opedexport
from opedexport import model as m
from opedexport.errors import ExportError

FORMATS = ("pdf", "epub", "docx")
EPOCH = 1234567890  # 2009-02-13T23:31:30Z
DC = "{http://purl.org/dc/elements/1.1/}"
DCTERMS = "{http://purl.org/dc/terms/}"
#: A zip entry's time has a resolution of two seconds.
ZIP_SLACK = dt.timedelta(seconds=2)


def article(date: dt.date | None = None) -> m.Article:
    return m.Article(
        title="Stamped",
        lang="en",
        date=date,
        authors=(m.Author("Ada Writer"),),
        body=(m.Paragraph((m.Text("A short text."),)),),
    )


def document_dates(fmt: str, data: bytes) -> list[dt.datetime]:
    """Every date the file says it was made or changed, in UTC."""
    if fmt == "pdf":
        meta = pypdf.PdfReader(io.BytesIO(data)).metadata
        assert meta is not None and meta.creation_date is not None and meta.modification_date is not None
        return [meta.creation_date.astimezone(dt.UTC), meta.modification_date.astimezone(dt.UTC)]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if fmt == "epub":
            opf = etree.fromstring(z.read("EPUB/content.opf"))
            texts = [opf.findtext("{*}metadata/{*}meta[@property='dcterms:modified']")]
        else:
            core = etree.fromstring(z.read("docProps/core.xml"))
            texts = [core.findtext(f"{DCTERMS}{name}") for name in ("created", "modified")]
    assert all(texts), texts
    return [dt.datetime.fromisoformat(str(t).replace("Z", "+00:00")) for t in texts]


def zip_dates(data: bytes) -> set[dt.datetime]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {dt.datetime(*info.date_time, tzinfo=dt.UTC) for info in z.infolist()}


def epub_dc_date(data: bytes) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    return opf.findtext(f"{{*}}metadata/{DC}date")


@pytest.fixture
def no_epoch(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    yield


def export_now(fmt: str, art: m.Article) -> tuple[bytes, dt.datetime, dt.datetime]:
    """``art`` as ``fmt``, with the moments just before and just after the build."""
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = opedexport.export_bytes(art, fmt)
    after = dt.datetime.now(dt.UTC)
    assert isinstance(data, bytes)
    return data, before, after


@pytest.mark.usefixtures("no_epoch")
@pytest.mark.parametrize("fmt", FORMATS)
def test_undated_article_without_epoch_is_stamped_now(fmt: str) -> None:
    data, before, after = export_now(fmt, article())
    dates = document_dates(fmt, data)
    assert all(before <= d <= after for d in dates), (dates, before, after)
    assert all(abs(d - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1) for d in dates)
    assert len(set(dates)) == 1  # created and modified are one moment
    if fmt != "pdf":
        assert all(before - ZIP_SLACK <= d <= after for d in zip_dates(data))


@pytest.mark.usefixtures("no_epoch")
@pytest.mark.parametrize("fmt", FORMATS)
def test_article_date_stays_the_articles_and_the_file_is_stamped_now(fmt: str) -> None:
    published = dt.date(2025, 5, 12)
    data, before, after = export_now(fmt, article(published))
    assert all(before <= d <= after for d in document_dates(fmt, data))
    if fmt == "epub":
        assert epub_dc_date(data) == "2025-05-12"
    if fmt != "pdf":
        assert all(before - ZIP_SLACK <= d <= after for d in zip_dates(data))


@pytest.mark.parametrize("fmt", FORMATS)
def test_source_date_epoch_is_every_date_and_the_bytes_repeat(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    stamp = dt.datetime.fromtimestamp(EPOCH, dt.UTC)
    for art in (article(), article(dt.date(2025, 5, 12))):
        first = opedexport.export_bytes(art, fmt)
        second = opedexport.export_bytes(art, fmt)
        assert isinstance(first, bytes) and first == second
        assert set(document_dates(fmt, first)) == {stamp}
        if fmt != "pdf":
            assert zip_dates(first) == {stamp.replace(second=stamp.second // 2 * 2)}


def test_a_bad_source_date_epoch_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ExportError, match=r"^SOURCE_DATE_EPOCH must be a whole number .*'yesterday'") as info:
        opedexport.export_bytes(article(), "epub")
    assert "\n" not in str(info.value)
