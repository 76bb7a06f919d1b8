"""The html exporter: a standalone, accessible HTML5 page with its metadata, judged by vnu and axe-core."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import shutil
import tomllib
import urllib.parse
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import html
from PIL import Image

import judges
import opedexport
from conftest import DATA, REPO, SOURCE, feature_article
from loopback import Listener, listening
from opedexport import cli
from opedexport import model as m
from opedexport.errors import ExportError, OpedexportWarning, ResourceRefusedWarning
from opedexport.exporters.html import HtmlExporter, export_folder
from opedexport.registry import registry

SAMPLE = SOURCE / "000_ed708197f1b9d573.txt"
HOSTILE = DATA / "hostile"
HOSTILE_PAGES = ("markup.md", "resources.md", "links.json", "arabic.md", "hebrew.md", "cjk.md", "controls.md")

needs_vnu = pytest.mark.skipif(not judges.have_vnu(), reason="the Nu Html Checker is not installed (.ci/install)")
needs_axe = pytest.mark.skipif(not judges.have_axe(), reason="Chromium, Playwright or axe-core is not installed")


@pytest.fixture(autouse=True, scope="module")
def _html_known() -> None:
    """The format as the entry point declares it; a checkout run against an older install registers it here."""
    if "html" not in registry.exporters.names():
        registry.add_exporter(HtmlExporter)


def _page(article: m.Article, **options: Any) -> bytes:
    data = opedexport.export_bytes(article, "html", **options)
    assert isinstance(data, bytes)
    return data


def _tree(data: bytes) -> Any:
    return html.document_fromstring(data)


@pytest.fixture
def english(tmp_path: Path) -> m.Article:
    (tmp_path / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "images" / "chart.png")
    return feature_article("en", tmp_path)


# --------------------------------------------------------------------------- registration


def test_the_entry_point_declares_html() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"]["opedexport.exporters"]
    assert declared["html"] == "opedexport.exporters.html:HtmlExporter"
    assert registry.exporter("html") is HtmlExporter
    assert registry.exporter_for_suffix(".html") is HtmlExporter


def test_export_to_a_path_and_through_the_command_line(english: m.Article, tmp_path: Path) -> None:
    written = opedexport.export(english, tmp_path / "page.html")
    assert written == tmp_path / "page.html"
    assert written.read_bytes().startswith(b'<!DOCTYPE html>\n<html lang="en">')
    src = tmp_path / "in.md"
    src.write_text("---\ntitle: From the command line\nlang: en\n---\n\nA paragraph.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["build", str(src), "--format", "html", "--out", str(out)]) == 0
    page = _tree((out / "in.html").read_bytes())
    assert page.findtext(".//title") == "From the command line"


# --------------------------------------------------------------------------- the head


def test_head_metadata(feature: m.Article) -> None:
    page = _tree(_page(feature))
    head = page.find("head")
    assert page.get("lang") == feature.lang
    assert head.findtext("title") == feature.title
    assert head.find("meta[@charset='utf-8']") is not None
    descriptions = head.findall("meta[@name='description']")
    assert [d.get("content") for d in descriptions] == [feature.summary]
    assert [c.get("href") for c in head.findall("link[@rel='canonical']")] == [feature.source_url]
    og = {}
    for meta in head.findall("meta[@property]"):
        og.setdefault(meta.get("property"), []).append(meta.get("content"))
    assert og["og:title"] == [feature.title]
    assert og["og:type"] == ["article"]
    assert og["og:description"] == [feature.summary]
    assert og["og:url"] == [feature.source_url]
    assert og["og:site_name"] == [feature.publication]
    assert feature.date is not None
    assert og["article:published_time"] == [feature.date.isoformat()]
    assert og["article:author"] == [a.name for a in feature.authors]
    scripts = page.findall(".//script")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    ld = json.loads(scripts[0].text)
    assert ld["@context"] == "https://schema.org"
    assert ld["@type"] == "OpinionNewsArticle"
    assert ld["headline"] == feature.title
    assert ld["inLanguage"] == feature.lang
    assert ld["datePublished"] == feature.date.isoformat()
    assert ld["publisher"] == {"@type": "Organization", "name": feature.publication}
    assert ld["url"] == feature.source_url
    assert ld["description"] == feature.summary
    assert [a["name"] for a in ld["author"]] == [a.name for a in feature.authors]
    affiliated = [a for a in feature.authors if a.affiliation]
    assert affiliated
    for author, data in zip(feature.authors, ld["author"], strict=True):
        assert data["@type"] == "Person"
        if author.affiliation:
            assert data["affiliation"] == {"@type": "Organization", "name": author.affiliation}


def test_without_summary_the_dek_describes_and_without_url_no_canonical() -> None:
    article = m.Article(
        title="Plain", subtitle="The dek", lang="id", body=(m.Paragraph((m.Text("Isi."),)),), source_url=""
    )
    page = _tree(_page(article))
    assert [d.get("content") for d in page.findall(".//meta[@name='description']")] == ["The dek"]
    assert page.find(".//link[@rel='canonical']") is None
    assert page.find(".//meta[@property='og:url']") is None
    ld = json.loads(page.find(".//script").text)
    assert "url" not in ld and "datePublished" not in ld and ld["inLanguage"] == "id"


# --------------------------------------------------------------------------- the body


def test_landmarks_and_heading_levels(feature: m.Article) -> None:
    page = _tree(_page(feature))
    body = page.find("body")
    mains = body.findall(".//main")
    assert len(mains) == 1
    articles = mains[0].findall(".//article")
    assert len(articles) == 1
    h1s = page.findall(".//h1")
    assert len(h1s) == 1 and h1s[0].text_content() == feature.title
    assert h1s[0].getparent().tag == "header" and h1s[0].getparent().getparent() is articles[0]
    # Model level 1 is <h2>: the body's headings go h2, h3, h4 as the model's 1, 2, 3.
    levels = [int(h.tag[1]) for h in articles[0].find(".//div[@class='article-body']").iter("h2", "h3", "h4", "h5")]
    model = [b.level + 1 for b in feature.body if isinstance(b, m.Heading)]
    assert levels[: len(model)] == model == [2, 3, 4]
    skip = body[0]
    assert skip.tag == "a" and skip.get("href") == "#main" and mains[0].get("id") == "main"


def test_a_heading_never_skips_a_level() -> None:
    article = m.Article(
        title="Deep first",
        lang="en",
        body=(
            m.Heading(3, (m.Text("Starts at three"),)),
            m.Heading(3, (m.Text("Again three"),)),
            m.Heading(1, (m.Text("One"),)),
            m.Heading(3, (m.Text("Three under one"),)),
        ),
    )
    page = _tree(_page(article))
    assert [(h.tag, h.text_content()) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")] == [
        ("h1", "Deep first"),
        ("h2", "Starts at three"),
        ("h2", "Again three"),
        ("h2", "One"),
        ("h3", "Three under one"),
    ]


def test_footnotes_link_both_ways(feature: m.Article) -> None:
    page = _tree(_page(feature))
    ids = {el.get("id"): el for el in page.iter() if el.get("id")}
    notes = page.findall(".//section[@role='doc-endnotes']")
    assert len(notes) == 1
    calls = page.findall(".//a[@role='doc-noteref']")
    assert len(calls) == 2
    for n, call in enumerate(calls, start=1):
        target = ids[call.get("href").removeprefix("#")]
        assert target.tag == "aside" and target.get("role") == "doc-footnote"
        assert notes[0] in target.iterancestors()
        back = target.find(".//a[@role='doc-backlink']")
        assert back.get("href") == f"#{call.get('id')}"
        assert call.text_content() == str(n)


def test_figures_have_alt_caption_credit_and_tables_headers(feature: m.Article) -> None:
    page = _tree(_page(feature))
    figures = page.findall(".//figure[@class='figure']")
    assert len(figures) == 1
    img = figures[0].find("img")
    figure = next(b for b in feature.body if isinstance(b, m.Figure))
    assert img.get("alt") == figure.alt != ""
    assert img.get("src").startswith("data:image/png;base64,")
    with _image(img.get("src")) as im:
        assert im.size[0] > 0
    caption = figures[0].find("figcaption")
    assert caption is not None and caption.find("span[@class='credit']").text_content().endswith(figure.credit)
    table = page.find(".//table")
    assert [th.text_content() for th in table.findall("thead/tr/th")] == (
        ["Negara", "Nilai"] if feature.lang == "id" else ["Country", "Value"]
    )
    assert table.find("caption") is not None


def _image(uri: str) -> Any:
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def _urls(page: Any) -> list[tuple[Any, str, str]]:
    out = []
    for el in page.iter():
        if not isinstance(el.tag, str):
            continue
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            if el.get(name) is not None:
                out.append((el, name, el.get(name)))
    return out


def test_one_self_contained_file(feature: m.Article) -> None:
    data = _page(feature)
    page = _tree(data)
    body_links = {a.get("href") for a in page.find("body").iter("a")}
    for el, name, url in _urls(page):
        scheme = urllib.parse.urlsplit(url).scheme
        if el.tag == "a" and name == "href":
            assert scheme in ("", "http", "https", "mailto", "tel") and (scheme or url.startswith("#"))
        elif el.tag == "link" and el.get("rel") == "canonical":
            assert url == feature.source_url
        else:
            assert scheme == "data", (el.tag, name, url[:80])
    assert feature.source_url in body_links
    assert page.find(".//link[@rel='stylesheet']") is None
    css = "".join(s.text for s in page.iter("style"))
    assert "@font-face" in css
    for url in re.findall(r"url\(\s*['\"]?([^'\")]*)", css):
        assert url.startswith("data:font/"), url[:80]
    assert "@page" not in css and "float: footnote" not in css
    # Every font file of the theme is embedded once, subset to what the page uses.
    theme = opedexport.load_theme("default")
    files = {p.name: p for *_, p in theme.all_font_files()}
    assert css.count("@font-face") == len(theme.all_font_files())
    full = _page(feature, subset_fonts=False)
    assert len(data) < len(full)
    assert len(full) > sum(p.stat().st_size for p in files.values())


def test_links_are_underlined(feature: m.Article) -> None:
    css = "".join(s.text for s in _tree(_page(feature)).iter("style"))
    rule = re.search(r"\.article-body a, \.end-matter a, a\.noteref, a\.backlink \{([^}]*)\}", css)
    assert rule is not None and "text-decoration: underline" in rule.group(1)


def test_nothing_from_the_input_is_markup() -> None:
    evil = "</script><script>alert(1)</script><!--"
    article = m.Article(
        title=f"Title {evil}",
        subtitle=f"Dek {evil}",
        summary=f"Summary {evil} & more",
        lang="en",
        publication=f"Pub {evil}",
        authors=(m.Author(f"Eve {evil}", affiliation=f"Aff {evil}"),),
        date=dt.date(2025, 1, 2),
        tags=(f"tag {evil}",),
        body=(
            m.Paragraph((m.Text(f"Body <script>alert(2)</script> <b onclick=x>b</b> {evil}"),)),
            m.Heading(1, (m.Text(f"Heading {evil}"),)),
        ),
    )
    data = _page(article)
    text = data.decode("utf-8")
    page = _tree(data)
    scripts = page.findall(".//script")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    assert text.count("<script") == 1 and text.count("</script") == 1
    assert "<!--" not in text
    assert not [el for el in page.iter() if isinstance(el.tag, str) and any(k.startswith("on") for k in el.attrib)]
    assert page.findtext(".//title") == f"Title {evil}"
    assert page.find(".//h1").text_content() == f"Title {evil}"
    assert f"Body <script>alert(2)</script> <b onclick=x>b</b> {evil}" in page.find(".//main").text_content()
    ld = json.loads(scripts[0].text)
    assert ld["headline"] == f"Title {evil}"
    assert ld["author"][0]["affiliation"]["name"] == f"Aff {evil}"
    assert ld["description"] == f"Summary {evil} & more"
    assert not re.search(r"[<>&]", scripts[0].text)


def test_same_bytes_whatever_the_build_time(english: m.Article, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _page(english)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    assert _page(english) == first
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert _page(english) == first


def test_a_refused_image_is_left_out_with_a_warning(english: m.Article) -> None:
    body = (*english.body, m.Figure("http://127.0.0.1:9/x.png", "Remote"), m.Figure("/etc/passwd", "Secret"))
    with pytest.warns(ResourceRefusedWarning) as caught:
        page = _tree(_page(english.replace(body=body)))
    assert {re.search(r"refused resource (\S+):", str(w.message)).group(1) for w in caught} >= {
        "http://127.0.0.1:9/x.png",
        "file:///etc/passwd",
    }
    assert [img.get("alt") for img in page.iter("img")] == ["A red bar chart"]


# --------------------------------------------------------------------------- assets in a folder


def test_assets_folder_writes_what_the_page_refers_to(english: m.Article, tmp_path: Path) -> None:
    target = tmp_path / "out" / "op ed.html"
    written = export_folder(english, target)
    assert written[0] == target
    assets = tmp_path / "out" / "op ed_files"
    assert set(written[1:]) == {p for p in assets.rglob("*") if p.is_file()}
    assert (assets / "style.css").is_file()
    assert {p.suffix for p in (assets / "fonts").iterdir()} == {".ttf", ".otf"}
    assert len(list((assets / "images").iterdir())) == 1
    data = target.read_bytes()
    assert b"data:" not in data
    page = _tree(data)
    refs = []
    for el, _name, url in _urls(page):
        if el.tag == "a" or (el.tag == "link" and el.get("rel") == "canonical"):
            continue
        assert not urllib.parse.urlsplit(url).scheme, url
        refs.append(target.parent / urllib.parse.unquote(url))
    css_path = target.parent / "op ed_files" / "style.css"
    assert css_path in refs
    css = css_path.read_text(encoding="utf-8")
    font_refs = [css_path.parent / urllib.parse.unquote(u) for u in re.findall(r"url\(\"([^\"]+)\"\)", css)]
    assert font_refs
    for ref in refs + font_refs:
        assert ref.is_file(), ref
    assert {p.resolve() for p in refs + font_refs} == {p.resolve() for p in written[1:]}
    assert page.find(".//style") is None and "data:" not in css


def test_assets_folder_is_refused_where_only_bytes_are_returned(english: m.Article) -> None:
    with pytest.raises(ExportError, match=r'export\(article, "NAME.html", assets="folder"\)'):
        _page(english, assets="folder")
    with pytest.raises(ExportError, match="assets must be one of inline, folder"):
        _page(english, assets="zip")


# --------------------------------------------------------------------------- the judges


@dataclass
class Pages:
    files: dict[str, Path]
    listener: Listener


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    """The sample, the every-element article in id and en (in each theme), and hostile articles, as pages.

    The hostile articles name a loopback listener that stays up while the judges load the pages.
    """
    root = tmp_path_factory.mktemp("html-pages")
    out = root / "out"
    out.mkdir()
    (root / "model" / "images").mkdir(parents=True)
    shutil.copy(DATA / "images" / "chart.png", root / "model" / "images" / "chart.png")
    files: dict[str, Path] = {}
    with listening() as server:
        if SAMPLE.is_file():
            files["sample"] = Path(opedexport.export(opedexport.read(SAMPLE), out / "sample.html"))
        for lang in ("id", "en"):
            for theme in ("default", "modern", "newspaper"):
                article = feature_article(lang, root / "model")
                files[f"feature-{lang}-{theme}"] = Path(
                    opedexport.export(article, out / f"feature-{lang}-{theme}.html", theme)
                )
        hostile = root / "hostile"
        shutil.copytree(HOSTILE, hostile)
        for path in hostile.iterdir():
            if path.suffix in (".md", ".svg", ".json") and b"PORT" in path.read_bytes():
                path.write_bytes(path.read_bytes().replace(b"127.0.0.1:PORT", f"127.0.0.1:{server.port}".encode()))
        for name in HOSTILE_PAGES:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", OpedexportWarning)  # what hostile input warns is test_hostile's
                article = opedexport.read(hostile / name)
                files[f"hostile-{name}"] = Path(opedexport.export(article, out / f"hostile-{Path(name).stem}.html"))
        assert server.connections == 0
        yield Pages(files, server)


def test_hostile_pages_hold_no_markup_and_no_outside_reference(pages: Pages) -> None:
    for name, path in pages.files.items():
        page = _tree(path.read_bytes())
        tags = {el.tag for el in page.iter() if isinstance(el.tag, str)}
        assert not tags & {"iframe", "frame", "object", "embed", "form", "input", "base", "svg", "math"}, name
        assert [s.get("type") for s in page.iter("script")] == ["application/ld+json"], name
        assert len(page.findall(".//style")) == 1, name
        for el in page.iter():
            if isinstance(el.tag, str):
                assert not [k for k in el.attrib if k.lower().startswith("on") or k == "style"], (name, el.tag)
        for el, attr, url in _urls(page):
            scheme = urllib.parse.urlsplit(url).scheme.lower()
            if el.tag == "a":
                assert scheme in ("http", "https", "mailto", "tel") or url.startswith("#"), (name, url)
            elif el.tag == "link":
                assert el.get("rel") == "canonical" and scheme == "https", (name, url)
            else:
                assert attr == "src" and scheme == "data", (name, el.tag, url[:60])
    assert pages.listener.connections == 0


@pytest.mark.slow
@needs_vnu
def test_the_nu_html_checker_finds_no_error_nor_warning(pages: Pages) -> None:
    report = judges.vnu(pages.files.values())
    assert {name: report[path.resolve()] for name, path in pages.files.items() if report[path.resolve()]} == {}


@pytest.mark.slow
@needs_axe
def test_axe_finds_no_violation_and_the_browser_fetches_nothing(pages: Pages) -> None:
    found = {}
    with judges.chromium_page() as page:
        for name, path in pages.files.items():
            page.goto(path.as_uri())
            violations = judges.axe_violations(page)
            if violations:
                found[name] = violations
            if name.startswith("feature"):
                underline = page.evaluate(
                    "[...document.querySelectorAll('main a')].map(a => getComputedStyle(a).textDecorationLine)"
                )
                assert underline and all("underline" in u for u in underline), (name, underline)
                fonts = page.evaluate("document.fonts.ready.then(() => [...document.fonts].map(f => f.status))")
                assert fonts and "error" not in fonts, (name, fonts)
        assert page.aborted == []
    assert found == {}
    assert pages.listener.connections == 0


@pytest.mark.slow
@needs_axe
def test_the_judges_see_what_they_judge(tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><head><title>x</title></head><body><img src="data:,"><p><div></p>'
        '<a href="http://192.0.2.1/">out</a><img src="http://192.0.2.1/x.png" alt="remote"></body></html>',
        encoding="utf-8",
    )
    if judges.have_vnu():
        assert any(m.startswith("error:") for m in judges.vnu([bad])[bad.resolve()])
    with judges.chromium_page() as page:
        page.goto(bad.as_uri())
        ids = {v.split(" ", 1)[0] for v in judges.axe_violations(page)}
        assert {"image-alt", "html-has-lang"} <= ids
        assert page.aborted == ["http://192.0.2.1/x.png"]
