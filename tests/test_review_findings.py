"""Defects found by the outside review (a new user, an editor with real pages, an attacker).

Each test states the behaviour the product should have and fails today: it is marked
``xfail(strict=True)``, so the fix of a defect turns its test into an unexpected pass, and the
marker is then removed with the fix. No test here runs an outside judge.
"""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path
from typing import Any

import httpx
import lxml.html
import pytest

import opedexport
from opedexport.cli import main
from opedexport.errors import OpedexportError, OpedexportWarning, ResourceRefusedWarning
from opedexport.langdetect import detect_language

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
CHART = ROOT / "tests" / "data" / "images" / "chart.png"

#: A long enough English paragraph for every reader to keep it as article text.
PARA = (
    "The prince gave an interview that went badly, and the palace is still trying to limit the damage "
    "it did to the family and to the charities that bear its name. "
) * 3


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    return env


def _cli(*argv: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the command as a user does, in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "opedexport", *argv],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _article_md(folder: Path, name: str = "a.md", body: str = "") -> Path:
    path = folder / name
    path.write_text(f'---\ntitle: "Trees Are Infrastructure"\nlang: en\n---\n\n{PARA}\n\n{body}\n', encoding="utf-8")
    return path


def _epub_css(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".css"))


def _epub_chapters(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("EPUB/text/"))


# --------------------------------------------------------------------------- a new user


def test_build_into_the_inputs_folder_never_replaces_the_input(tmp_path: Path) -> None:
    """An editor runs ``opedexport build submission.docx --out .``: the Word file sent in is replaced by
    the export (the same for ``page.html --format html`` and ``a.json --format json``). The command
    checks that two inputs do not write the same output, but not that an output is an input."""
    import docx

    document = docx.Document()
    document.add_heading("Trees Are Infrastructure", 0)
    document.add_paragraph(PARA)
    document.save(str(tmp_path / "submission.docx"))
    original = (tmp_path / "submission.docx").read_bytes()

    done = _cli("build", "submission.docx", "--format", "docx", "--out", ".", cwd=tmp_path)

    assert (tmp_path / "submission.docx").read_bytes() == original, done.stderr
    assert done.returncode == 1
    assert "submission.docx" in done.stderr and "would replace the input" in done.stderr


def test_a_book_is_never_written_over_one_of_its_articles(tmp_path: Path) -> None:
    (tmp_path / "book.md").write_text(f"---\ntitle: Satu\nlang: id\n---\n\n{PARA}\n", encoding="utf-8")
    (tmp_path / "book.yaml").write_text("title: Buku\narticles:\n  - book.md\n", encoding="utf-8")
    original = (tmp_path / "book.md").read_bytes()
    collection = opedexport.load_manifest(tmp_path / "book.yaml")
    with pytest.raises(OpedexportError, match="would replace the input"):
        opedexport.export_collection(collection, tmp_path / "book.md", format="json")
    assert (tmp_path / "book.md").read_bytes() == original


def test_output_piped_to_head_ends_quietly(tmp_path: Path) -> None:
    """``opedexport theme show default | head -1`` prints a Python traceback on stderr (when ``head``
    has gone before the table is written; here the reading end is closed before the command starts)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "opedexport", "theme", "show", "default"],
            cwd=tmp_path,
            env=_env(),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    assert "Traceback" not in done.stderr, done.stderr


def test_a_newline_in_a_file_name_cannot_forge_an_output_line(tmp_path: Path, capsys: Any) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x\nopedexport: 9 article(s) done, 0 failed.md").write_text('---\ntitle: "open\n---\n', encoding="utf-8")
    status = main(["build", str(folder), "--format", "json", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert not any(line.startswith("opedexport: 9 article(s)") for line in err.splitlines()), err


def test_a_manifest_path_error_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "outside.md").write_text("# T\n\nText.\n", encoding="utf-8")
    book = tmp_path / "book"
    book.mkdir()
    (book / "m.yaml").write_text("title: B\narticles:\n  - ../outside.md\n", encoding="utf-8")
    with pytest.raises(OpedexportError) as caught:
        opedexport.load_manifest(book / "m.yaml")
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{book / 'm.yaml'}:3: manifest: ../outside.md is outside")
    (book / "m.yaml").write_text("title: B\ntheme: '../th'\narticles: [a.md]\n", encoding="utf-8")
    with pytest.raises(OpedexportError) as caught:
        opedexport.load_manifest(book / "m.yaml")
    assert caught.value.line == 2


# --------------------------------------------------------------------------- an editor with real pages


def test_a_figure_credit_prints_its_label_once(tmp_path: Path) -> None:
    """The README's own figure syntax, ``"The caption (Foto: credit)"``, keeps the label in ``Figure.credit``
    (``Foto: Budi Santoso``) and every exporter adds the language's label again: the PDF reads
    "FOTO: FOTO: BUDI SANTOSO", the EPUB, HTML and DOCX "Foto: Foto: Budi Santoso". The HTML reader's
    ``(Photo: Ana Ruiz)`` captions give the same."""
    (tmp_path / "chart.png").write_bytes(CHART.read_bytes())
    path = tmp_path / "a.md"
    path.write_text(
        '---\ntitle: "Sawah Kering"\nlang: id\n---\n\nParagraf pertama tulisan ini.\n\n'
        '![Petani di sawah](chart.png "Sawah kering di Karawang (Foto: Budi Santoso)")\n',
        encoding="utf-8",
    )
    article = opedexport.read(path)
    chapters = _epub_chapters(opedexport.export_bytes(article, "epub"))
    page = opedexport.export_bytes(article, "html").decode("utf-8")
    assert "Budi Santoso" in chapters
    assert "Foto: Foto:" not in chapters
    assert "Foto: Foto:" not in page


def test_an_svg_figure_keeps_its_caption_in_the_epub(tmp_path: Path) -> None:
    """A harmless SVG chart prints in the PDF but vanishes from the EPUB, the HTML page and the DOCX;
    the only warning speaks of the cover ("not an image that can be embedded")."""
    (tmp_path / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
        '<rect width="200" height="100" fill="#c33"/></svg>',
        encoding="utf-8",
    )
    path = _article_md(tmp_path, body='![Street temperatures by district](chart.svg "July heat on our streets")')
    article = opedexport.read(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceRefusedWarning)  # today's (misleading) warning, or none once fixed
        data = opedexport.export_bytes(article, "epub")
    assert "July heat on our streets" in _epub_chapters(data)


PORTUGUESE = (
    "A política do clima no Brasil\n\n"
    "O governo anunciou ontem uma nova série de medidas para reduzir as emissões de gases de efeito estufa "
    "no setor de transportes. As associações dizem que as decisões chegam tarde demais e não vão bastar "
    "para cumprir as metas.\n\n"
    "Para quem mora no interior, o carro continua indispensável, e o preço do combustível pesa sobre as "
    "famílias mais pobres.\n"
)


def test_a_language_without_rules_is_undetermined_not_english() -> None:
    """The stop-word share test ran only below confidence 0.5, and the confidence is a share among the
    known languages: Portuguese ("a", "as", "no", "do" …) won English at 0.73, so the article was set
    with English hyphenation and labels and ``lang="en"``. Portuguese has rules now; where it is not
    a candidate it stands for a language without rules, and is undetermined, not English."""
    assert opedexport.read(text=PORTUGUESE, format="text").lang == "pt"
    assert detect_language(PORTUGUESE, ["en", "id"]) == ("und", 0.0)


def test_a_photo_credit_is_not_the_publication() -> None:
    page = f"""<!doctype html><html lang="en"><head><title>Royal Arrogance</title></head><body>
<article><header><img src="prince.jpg" alt="The prince"><h1>Royal Arrogance</h1>
<div class="copy"><span>© REUTERS / POOL</span></div></header>
<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article></body></html>"""
    assert opedexport.read(text=page, format="html").publication != "REUTERS / POOL"


def test_a_byline_time_and_category_are_not_the_affiliation() -> None:
    """Live Science's byline gives ``affiliation='-, Live Science Contributor, 2019-11-19T12:48:14Z, Space'``."""
    page = f"""<!doctype html><html lang="en"><head><title>Simulation</title></head><body>
<article><header><h1>Simulation</h1>
<p class="byline">By <span class="by-author"><a href="/author/tim" rel="author"><span>Tim Childers</span> -
<span>Live Science Contributor</span></a></span>
<time datetime="2019-11-19T12:48:14+00:00">2019-11-19T12:48:14Z</time>
<span><a class="category" href="/space">Space</a></span></p></header>
<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article></body></html>"""
    (author,) = opedexport.read(text=page, format="html").authors
    assert author.name == "Tim Childers"
    assert author.affiliation in ("", "Live Science Contributor")


def test_the_site_name_is_not_part_of_the_title() -> None:
    """The Beachbody Blog's page prints as "How to Tackle Game Day Snack Temptations | The Beachbody Blog",
    though ``og:site_name`` names the site and the ``<h1>`` is the bare headline."""
    page = f"""<!doctype html><html lang="en"><head><title>How to Tackle Game Day Snacks | The Beachbody Blog</title>
<meta property="og:title" content="How to Tackle Game Day Snacks | The Beachbody Blog">
<meta property="og:site_name" content="The Beachbody Blog"></head><body>
<article><h1>How to Tackle Game Day Snacks</h1><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article></body></html>"""
    assert opedexport.read(text=page, format="html").title == "How to Tackle Game Day Snacks"


def _has_cjk_font() -> bool:
    try:
        listed = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return True  # cannot tell: do not claim a defect
    return bool(listed.stdout.strip())


@pytest.mark.skipif(_has_cjk_font(), reason="a CJK font is installed here, so nothing prints as empty boxes")
def test_text_that_no_font_can_show_is_reported(tmp_path: Path) -> None:
    """``tests/data/hostile/cjk.md`` "exports, text kept", but on a machine without a CJK font (CI
    installs none) every Chinese, Japanese and Korean character of the PDF is an empty box, and nothing
    says so; emoji likewise. The themes' fallbacks name Noto fonts that nothing installs."""
    path = tmp_path / "zh.md"
    path.write_text(
        "---\ntitle: 城市需要树荫\nlang: zh\n---\n\n城市的夏天越来越热，街道需要更多的树木和阴凉。\n", encoding="utf-8"
    )
    article = opedexport.read(path)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        opedexport.export_bytes(article, "pdf")
    (warned,) = [str(w.message) for w in seen if issubclass(w.category, OpedexportWarning)]
    assert "城 (U+57CE)" in warned and "fonts-noto-cjk" in warned


def test_text_the_fonts_have_is_not_reported() -> None:
    from opedexport.exporters._glyphs import missing_characters
    from opedexport.theme import Theme

    fonts = [path for *_, path in Theme.load("default").all_font_files()]
    assert missing_characters("Ελλάδα, Україна — naïve café “quoted” № 5 ½ €", fonts) == []


# --------------------------------------------------------------------------- an attacker


def _manifest_with_theme(folder: Path, theme_toml: str, templates: dict[str, str] | None = None) -> Path:
    """A book folder holding one article and a theme folder ``th`` that its manifest names."""
    _article_md(folder)
    theme = folder / "th"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.toml").write_text(theme_toml, encoding="utf-8")
    for name, text in (templates or {}).items():
        (theme / "templates" / name).write_text(text, encoding="utf-8")
    manifest = folder / "book.yaml"
    manifest.write_text("title: Book\nlang: en\ntheme: th\narticles: [a.md]\n", encoding="utf-8")
    return manifest


def test_a_manifest_theme_font_family_cannot_add_css(tmp_path: Path) -> None:
    """Every other theme token is type-checked; ``fonts.*.family`` and ``fallback`` go into
    ``font-family: "…"`` as they are, so an untrusted manifest's theme closes the string and adds rules
    (here a remote background, which an e-reader would fetch when the book is opened)."""
    manifest = _manifest_with_theme(
        tmp_path,
        'name = "evil"\nextends = "default"\n[fonts.body]\n'
        'family = "X\\"; } body { background: url(http://127.0.0.1:9/beacon.png) } p { font-family: \\"Y"\n',
    )
    book = opedexport.load_manifest(manifest)
    with pytest.raises(OpedexportError, match=r"theme\.toml: fonts\.body\.family: .* is not a font family name"):
        opedexport.export_collection_bytes(book, "epub")


def test_a_manifest_theme_template_cannot_make_the_epub_refer_outside(tmp_path: Path) -> None:
    """The fetcher refuses the URLs for the PDF, but the EPUB stylesheet keeps them: EPUBCheck reports
    RSC-006 (remote resource) and RSC-030 (file URL), and the book calls a tracker when opened."""
    css = '@import url("http://127.0.0.1:9/t.css");\nbody { background: url(file:///etc/passwd); }\n'
    manifest = _manifest_with_theme(
        tmp_path, 'name = "evil"\nextends = "default"\n', {"epub.css.j2": css, "print.css.j2": css}
    )
    book = opedexport.load_manifest(manifest)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceRefusedWarning)
        data = opedexport.export_collection_bytes(book, "epub")
    text = _epub_css(data)
    assert "http://127.0.0.1:9" not in text
    assert "file:" not in text


def test_a_theme_cannot_put_a_script_in_the_html_page(tmp_path: Path) -> None:
    """SECURITY.md: the HTML export holds no script but its JSON-LD block, and a theme cannot run code."""
    theme = tmp_path / "th"
    theme.mkdir()
    (theme / "theme.toml").write_text(
        'name = "t"\nextends = "default"\n[fonts.body]\nfamily = "E</style><script>alert(1)</script><style>"\n',
        encoding="utf-8",
    )
    article = opedexport.read(_article_md(tmp_path))
    with pytest.raises(OpedexportError, match="is not a font family name"):
        opedexport.export_bytes(article, "html", theme=theme)
    # nor through its template: the stylesheet cannot end the <style> element it is put in
    other = tmp_path / "th2"
    (other / "templates").mkdir(parents=True)
    (other / "theme.toml").write_text('name = "t"\nextends = "default"\n', encoding="utf-8")
    (other / "templates" / "web.css.j2").write_text(
        "body { color: black; }\n</style><script>alert(1)</script><style>\n", encoding="utf-8"
    )
    page = opedexport.export_bytes(article, "html", theme=other).decode("utf-8")
    # as a browser parses it: the <style> element's text runs to the first "</style"
    scripts = lxml.html.document_fromstring(page).iter("script")
    assert [element.get("type") for element in scripts] == ["application/ld+json"]


def test_outputs_respect_the_umask(tmp_path: Path) -> None:
    """``write_atomic`` chmods every output to 0644: an editor on a shared machine with ``umask 077``
    gets an embargoed article readable by every user (a file they ``touch`` there is 0600)."""
    article = opedexport.read(_article_md(tmp_path))
    target = tmp_path / "out.json"
    old = os.umask(0o077)
    try:
        opedexport.export(article, target)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o600, oct(target.stat().st_mode)
    old = os.umask(0o022)
    try:
        opedexport.export(article, target)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644, oct(target.stat().st_mode)


def test_the_time_limit_covers_reading_the_input(tmp_path: Path) -> None:
    """A FIFO named ``b.md`` (or named by a manifest) blocks in ``open()``; ``--time-limit 2`` does not
    stop it. A 1.5 MB Markdown file of ``![`` likewise takes over 20 s under ``--time-limit 3``."""
    os.mkfifo(tmp_path / "b.md")
    try:
        done = _cli("build", "b.md", "--format", "json", "--time-limit", "2", cwd=tmp_path, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("the build of a FIFO was still running after 20 s with --time-limit 2")
    assert done.returncode == 1
    assert "b.md: not a regular file" in done.stderr


def test_reading_that_takes_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time as _time

    from opedexport import api, batch

    source = _article_md(tmp_path)

    def slow_read(*args: Any, **kwargs: Any) -> Any:
        _time.sleep(5)
        raise AssertionError("not stopped")

    monkeypatch.setattr(api, "read_result", slow_read)
    job = batch.Job(source, ("json",), tmp_path / "out", "default", time_limit=0.5)
    started = _time.monotonic()
    result = batch.run_job(job)
    assert _time.monotonic() - started < 4
    assert result.errors == [f"{source}: reading the input took longer than 0.5 s and was stopped"]


def test_line_breaks_cost_linear_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """A paragraph of 40,000 ``x<br>`` (a 200 KB page) takes 18 s to read, and a 7 MB page of them
    ran past 300 s of CPU and 860 MB before the inline limit, checked after conversion, could refuse it
    (``readers/html/_convert.py``: ``_tidy`` calls ``_rstrip(tuple(out))`` at every line break).
    Counted, not timed: the nodes handed to ``_rstrip`` must grow with the page, not with its square."""
    from opedexport.readers.html import _convert

    handled = [0]
    original = _convert._rstrip

    def counting(nodes: tuple[Any, ...]) -> tuple[Any, ...]:
        handled[0] += len(nodes)
        return original(nodes)

    monkeypatch.setattr(_convert, "_rstrip", counting)
    breaks = 5000
    page = f"<html><body><article><h1>T</h1><p>{PARA}</p><p>{PARA}</p><p>{'x<br>' * breaks}</p></article></body></html>"
    opedexport.read(text=page, format="html")
    assert handled[0] <= 20 * breaks, handled[0]


def _load_serving() -> Any:
    spec = importlib.util.spec_from_file_location("review_serving", ROOT / "tests" / "serve" / "serving.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_service_accepts_a_file_name_in_any_script() -> None:
    """``curl -F file=@é漢字.md`` gets 415 "no reader for files ending in '(no suffix)'" (file "md"):
    the name is cut to ASCII (``_.md``) and then stripped of its leading ``_.``, suffix and all."""
    pytest.importorskip("uvicorn")
    pytest.importorskip("python_multipart")
    serving = _load_serving()
    source = b'---\ntitle: "Trees"\n---\n\n' + PARA.encode() + b"\n"
    with serving.serving("--workers", "1") as server, httpx.Client(base_url=server.url, timeout=120) as client:
        answer = client.post(
            "/v1/export", params={"formats": "json"}, files={"file": ("é漢字.md", source, "text/markdown")}
        )
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("separator", ["\r", "\x85", "\u2028", "\u2029", "\x1b[2K"])
def test_no_line_separator_in_a_file_name_reaches_the_report_raw(tmp_path: Path, capsys: Any, separator: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"x{separator}forged.md").write_text('---\ntitle: "open\n---\n', encoding="utf-8")
    assert main(["build", str(folder), "--format", "json", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert separator[0] not in err
    assert "forged.md" in err
