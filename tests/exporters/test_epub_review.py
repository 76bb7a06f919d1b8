"""The outside review's finding on the EPUB and HTML exporters: a theme's stylesheet may refer only to
what is packaged with it (no remote or ``file:`` URL, no ``@import``), and the built-in themes' stays as it is.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from pathlib import Path

import pytest

import opedexport
from judges import epubcheck_many, have_epubcheck
from opedexport.errors import ResourceRefusedWarning
from opedexport.exporters._css_confine import confine_css, packaged_url
from opedexport.exporters._html import css_for
from opedexport.exporters.html import HtmlExporter
from opedexport.theme import load_theme

PARA = "Trees cool the streets they shade, and a city that plants them spends less on its sick. " * 3

EVIL_CSS = (
    '@import url("http://127.0.0.1:9/t.css");\n'
    '@import "https://127.0.0.1:9/u.css";\n'
    '@font-face { font-family: "Body"; src: url("../fonts/CharisSIL-Regular.ttf"); }\n'
    "body { color: #111; background: url(file:///etc/passwd); }\n"
    "@media screen { p { margin: 0; background-image: u\\72l(http://127.0.0.1:9/esc.png); } }\n"
    'h1 { color: #222; background-image: image-set("http://127.0.0.1:9/set.png" 1x); }\n'
)


def _article(folder: Path, body: str = "") -> opedexport.Article:
    path = folder / "a.md"
    path.write_text(f'---\ntitle: "Trees Are Infrastructure"\nlang: en\n---\n\n{PARA}\n\n{body}\n', encoding="utf-8")
    return opedexport.read(path)


def _theme(folder: Path, templates: dict[str, str]) -> Path:
    theme = folder / "th"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.toml").write_text('name = "evil"\nextends = "default"\n', encoding="utf-8")
    for name, text in templates.items():
        (theme / "templates" / name).write_text(text, encoding="utf-8")
    return theme


def _zip_texts(data: bytes, suffix: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(suffix))


def _assert_confined(css: str) -> None:
    assert "127.0.0.1" not in css
    assert "file:" not in css
    assert "@import" not in css


# --------------------------------------------------------------------------- a theme's stylesheet


@pytest.mark.slow  # EPUBCheck
def test_an_epub_stylesheet_keeps_only_what_the_book_packages(tmp_path: Path) -> None:
    theme = _theme(tmp_path, {"epub.css.j2": EVIL_CSS})
    article = _article(tmp_path)
    with pytest.warns(ResourceRefusedWarning) as record:
        data = opedexport.export_bytes(article, "epub", theme=theme)
    css = _zip_texts(data, ".css")
    _assert_confined(css)
    # What refers to the book's own font stays, and so do the declarations beside the dropped ones.
    assert 'url("../fonts/CharisSIL-Regular.ttf")' in css
    assert "color: #111" in css and "margin: 0" in css and "color: #222" in css
    ours = [w for w in record if issubclass(w.category, ResourceRefusedWarning)]
    assert len(ours) == 1, [str(w.message) for w in ours]
    assert str(theme / "templates" / "epub.css.j2") in str(ours[0].message)
    if have_epubcheck():
        path = tmp_path / "evil.epub"
        path.write_bytes(data)
        fatals, errors, warns, messages = epubcheck_many([path])[path]
        assert (fatals, errors, warns) == (0, 0, 0), messages


@pytest.mark.parametrize("assets", ["inline", "folder"])
def test_an_html_stylesheet_keeps_only_what_the_page_packages(tmp_path: Path, assets: str) -> None:
    web = EVIL_CSS.replace("../fonts/CharisSIL-Regular.ttf", "{{ font_src['CharisSIL-Regular.ttf'] }}")
    theme = _theme(tmp_path, {"web.css.j2": web})
    article = _article(tmp_path)
    with pytest.warns(ResourceRefusedWarning, match=r"web\.css\.j2"):
        files = HtmlExporter().render_files(article, load_theme(theme), stem="page", assets=assets)
    css = files["page_files/style.css"].decode() if assets == "folder" else files["page.html"].decode()
    _assert_confined(css)
    assert ('url("fonts/CharisSIL-Regular.ttf")' if assets == "folder" else 'url("data:font/ttf;base64,') in css


def test_a_remote_font_is_dropped_from_the_page(tmp_path: Path) -> None:
    """Only the fonts written with the page may be referred to, not a font the template names itself."""
    css = '@font-face { font-family: X; src: url("https://fonts.example/x.woff2"); }\np { font-family: X; }\n'
    with pytest.warns(ResourceRefusedWarning, match="fonts.example"):
        kept = confine_css(css, lambda url: False, what="the HTML page", source="t/web.css.j2")
    assert "fonts.example" not in kept and "p { font-family: X; }" in kept


@pytest.mark.parametrize("url", ["../../x.ttf", "/fonts/A.ttf", "//host/fonts/A.ttf", "fonts/A.ttf", "file:A.ttf"])
def test_a_path_outside_the_package_is_not_packaged(url: str) -> None:
    assert not packaged_url(["fonts/A.ttf"], folder="css")(url)
    assert packaged_url(["fonts/A.ttf"], folder="css")("../fonts/A.ttf")
    assert packaged_url(["fonts/A.ttf"], folder="css")("#frag")


@pytest.mark.parametrize("name", ["default", "modern", "newspaper"])
def test_a_built_in_theme_stylesheet_is_kept_as_it_is(tmp_path: Path, name: str) -> None:
    """Nothing to drop: the EPUB holds the theme's stylesheet character for character, and no warning."""
    article = _article(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = opedexport.export_bytes(article, "epub", theme=name)
        opedexport.export_bytes(article, "html", theme=name)
    assert _zip_texts(data, ".css") == css_for(load_theme(name), "epub")


@pytest.mark.parametrize("fmt", ["epub", "html"])
def test_a_built_in_theme_stylesheet_is_not_even_parsed(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It refers only to the fonts the exporter wrote (a page's as data: URLs, hundreds of KB): no parse."""
    from opedexport.exporters import _css_confine

    def parse(css: str, allowed: object) -> None:
        raise AssertionError("the stylesheet was parsed")

    monkeypatch.setattr(_css_confine, "_confine", parse)
    opedexport.export_bytes(_article(tmp_path), fmt)


def test_a_written_url_does_not_hide_what_follows(tmp_path: Path) -> None:
    css = 'p { background: url("fonts/A.ttf") } q { background: url("fonts/A.ttf") url(http://x/y.png) }'
    with pytest.warns(ResourceRefusedWarning, match="x/y.png"):
        kept = confine_css(css, lambda url: url == "fonts/A.ttf", what="the HTML page", written=["fonts/A.ttf"])
    assert "http://x" not in kept and 'p { background: url("fonts/A.ttf") }' in kept


def test_a_namespace_rule_is_kept() -> None:
    """``@namespace url(…)`` names a namespace: no reader fetches it, so it is no reference to drop."""
    css = '@namespace svg url("http://www.w3.org/2000/svg");\nsvg|rect { fill: red; }\n'
    assert confine_css(css, lambda url: False, what="the EPUB") == css
