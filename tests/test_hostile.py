"""Hostile input: nothing from an article reaches an output as markup, opens a connection or reads a file
outside its folder; every limit holds with a clear error; odd characters give valid files; a failed
export never leaves a half-written file.

The corpus is ``tests/data/hostile/``: one file per hostile input, and :data:`CORPUS` below (mirrored in
that folder's README) says what must happen to each. The text files name a loopback HTTP listener as
``127.0.0.1:PORT``; the test copies the corpus and puts the listener's real port there, so a connection
attempt would be seen. Besides the listener, a Python audit hook records every ``socket.connect`` and
every ``open`` of ``/etc/passwd`` or ``/etc/hosts`` while the corpus is exported.

Every file that must export is exported once to PDF, EPUB and DOCX by the ``run`` fixture, with the
articles built in code by :func:`model_articles` (every text field hostile); the judges then read all of
them in as few runs as they allow: ``qpdf --check`` per PDF, one EPUBCheck run for every book, one
LibreOffice run for every document.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

import judges
import opedexport
import plugins
from conftest import DATA
from loopback import listening
from opedexport import api, fetch
from opedexport import model as m
from opedexport.errors import (
    ExportError,
    InputError,
    LimitError,
    OpedexportWarning,
    ResourceRefusedWarning,
    TextNormalisedWarning,
)
from opedexport.readers import markdown as markdown_reader
from opedexport.registry import registry

HOSTILE = DATA / "hostile"
FORMATS = ("pdf", "epub", "docx")
ALL = frozenset(FORMATS)
SECRETS = ("/etc/passwd", "/etc/hosts")
needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")


# --------------------------------------------------------------------------- what must happen to each file


@dataclass(frozen=True)
class Outcome:
    """What must happen to one corpus file."""

    error: str = ""
    """A regex the one error line must match (after ``path:line:``); ``""`` means the file exports."""
    line: int | None = None
    """The line the error names; ``None`` when it names none."""
    warns: tuple[str, ...] = ()
    """Regexes of the :class:`TextNormalisedWarning` reading gives (and of the PDF's warning of characters
    no font has), each matched at least once; no other."""
    refused: tuple[tuple[str, str, frozenset[str]], ...] = ()
    """``(resource, reason, formats)``: a :class:`ResourceRefusedWarning` naming ``resource`` (a substring)
    for ``reason`` (a regex) is required from each of ``formats`` and allowed from the others; no other."""
    text: tuple[str, ...] = ()
    """Text the EPUB and the DOCX must hold (white space collapsed)."""


def _refused(resource: str, reason: str, formats: frozenset[str] = ALL) -> tuple[str, str, frozenset[str]]:
    return resource, reason, formats


def _boxes_unless_installed(*samples: str) -> tuple[str, ...]:
    """The warning that characters print as empty boxes, expected unless this machine has a font for
    each of ``samples`` (fontconfig says which; CI installs no CJK or emoji font)."""
    from opedexport.exporters._glyphs import missing_characters

    return (_BOXES,) if missing_characters("".join(samples), []) else ()


_BOXES = "pdf: no font of the theme or of this machine has"


_OUTSIDE = "outside the article's folder and the theme"
_NETWORK = "network access is off"

CORPUS: dict[str, Outcome] = {
    # Markup and resources.
    "markup.md": Outcome(
        warns=(
            r"Author\.url: dropped unsafe link target",
            r"Article\.source_url: dropped .*javascript",
            r"markup\.md:\d+: dropped the unsafe link target '(?:javascript|JaVaScRiPt|vbscript|data|file):",
        ),
        text=(
            "span text",
            "raw anchor",
            "raw link",
            "iframe fallback text",
            "Attribution",
            "A last paragraph",
            "Links: js, upper, entity, spaced, vb, data, file, javascript:alert(1) and relative and fragment.",
        ),
    ),
    "resources.md": Outcome(
        warns=(r"resources\.md:22: dropped the unsafe image source 'file:///etc/passwd'",),
        refused=(
            _refused("127.0.0.1:PORT/network.png", _NETWORK),
            _refused("//127.0.0.1:PORT/protocol-relative.png", "scheme"),
            _refused("file:///etc/passwd", _OUTSIDE),
            _refused("file:///etc/hosts", _OUTSIDE),
            _refused("/leak.png", _OUTSIDE),
            _refused("/big-pixels.png", r"10000×5000 pixels is over the limit of 40000000"),
            _refused("/bomb.png", r"10000000000 pixels is over the limit of 40000000"),
            _refused("/not-an-image.png", "not an image"),
            _refused("/evil.svg", "an SVG that declares XML entities"),
            _refused("/images/missing.png", "no such file"),
            _refused("127.0.0.1:PORT/cover.png", _NETWORK, frozenset({"epub"})),
        ),
        text=("The one image that may be used", "The text goes on after every refused image."),
    ),
    "links.json": Outcome(
        warns=(r"Link\.url: dropped unsafe link target", r"Author\.url: dropped", r"Article\.source_url: dropped"),
        refused=(_refused("file:///etc/passwd", _OUTSIDE), _refused("127.0.0.1:PORT/json.png", _NETWORK)),
        text=("unsafe 0", "unsafe 8", "kept 0", "kept 8"),
    ),
    # Limits.
    "front-matter-python-tag.md": Outcome(
        error=r"front matter: could not determine a constructor for the tag '.*python/object/apply:os\.system'",
        line=2,
    ),
    "front-matter-alias-bomb.md": Outcome(error=r"front matter: aliases \(\*name\) are not allowed", line=4),
    "front-matter-nul.md": Outcome(error=r"front matter: the character U\+0000 is not allowed", line=3),
    "front-matter-large.md": Outcome(text=("Body text.",)),
    "deep-nesting.md": Outcome(error="block quotes and lists nest too deeply", line=5),
    "huge-number.json": Outcome(error=r"invalid JSON: .*5000 digits"),
    # Characters.
    "controls.md": Outcome(
        warns=(r"Text\.text: removed \d+ character\(s\) XML cannot carry \(U\+0007, U\+0008, U\+000B",),
        text=("NUL bytes\ufffdin the middle\ufffdof words", "an escape sequence [31mred[0m", "Tab\tstays."),
    ),
    "controls.txt": Outcome(
        warns=(
            r"Text\.text: removed .*U\+0000",
            r"Text\.text: removed .*U\+009F",
            r"Article\.title: removed .*U\+0000",
        ),
        text=("Judul dengan karakter kendali", "byte NUL di tengah kata, bel, escape [0m dan DEL yang"),
    ),
    "noncharacters.md": Outcome(
        warns=(r"removed 1 character\(s\) .*\(U\+FFFE\)", r"removed 2 character\(s\) .*\(U\+FFFE, U\+FFFF\)"),
        text=("U+FFFE and U+FFFF are not characters; U+FFFD \ufffd is",),
    ),
    "crlf.md": Outcome(text=("First line second line of the same paragraph.", "A heading", "A quote", "one", "two")),
    "crlf.txt": Outcome(text=("Jane Doe", "The first paragraph is long enough", "A second paragraph follows")),
    "cr.txt": Outcome(text=("Jane Doe", "The first paragraph is long enough", "A second paragraph follows")),
    "lone-surrogate.md": Outcome(error=r"not UTF-8 text \(byte 0xed at offset \d+\)", line=5),
    "utf16.txt": Outcome(error=r"not UTF-8 text \(byte 0xff at offset 0\)", line=1),
    "latin1.txt": Outcome(error=r"not UTF-8 text \(byte 0xe9", line=3),
    "empty.md": Outcome(error="the input is empty"),
    "whitespace.txt": Outcome(error="the input is empty"),
    "long-word.md": Outcome(text=("x" * 5000, "1234567890" * 300, "Normal text after.")),
    "long-hyphenatable-word.md": Outcome(text=("supercalifragilisticexpialidocious" * 5,)),
    "arabic.md": Outcome(
        text=("مستقبل الديمقراطية في العالم العربي", "هذه فقرة باللغة العربية", "حاشية باللغة العربية")
    ),
    "hebrew.md": Outcome(text=("עתיד הדמוקרטיה", "זוהי פסקה בעברית", "\u202eRIGHT-TO-LEFT OVERRIDE\u202c")),
    "cjk.md": Outcome(
        text=("民主主义的未来", "这是一个中文段落", "ひらがな、カタカナ", "한국어 문단입니다"),
        warns=_boxes_unless_installed("民", "ひ", "한"),
    ),
    "emoji.md": Outcome(
        text=("👨\u200d👩\u200d👧\u200d👦", "🇮🇩🇳🇴", "👍🏿", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𓀀"),
        warns=_boxes_unless_installed("👨", "𓀀"),
    ),
    "combining.md": Outcome(text=("algo, and zero-width joiners\u200d",)),
}
#: Files the articles above refer to (or the README), not articles themselves.
COMPANIONS = {"README.md", "evil.svg", "bomb.png", "big-pixels.png", "not-an-image.png", "images"}

FAILING = [name for name, outcome in CORPUS.items() if outcome.error]
EXPORTING = [name for name, outcome in CORPUS.items() if not outcome.error]


def test_every_corpus_file_is_described_here_and_in_the_readme() -> None:
    on_disk = {p.name for p in HOSTILE.iterdir()} - COMPANIONS
    assert on_disk == set(CORPUS)
    readme = (HOSTILE / "README.md").read_text("utf-8")
    for name in [*CORPUS, *COMPANIONS - {"README.md", "images"}]:
        assert f"`{name}`" in readme, f"{name} is not described in tests/data/hostile/README.md"


# --------------------------------------------------------------------------- watching for reads and connections


class _Watch:
    """Records, while active, what a Python audit hook sees: connections, and opens of the secret files."""

    def __init__(self) -> None:
        self.events: list[str] | None = None

    def __call__(self, event: str, args: tuple[Any, ...]) -> None:
        events = self.events
        if events is None:
            return
        if event == "socket.connect":
            events.append(f"connect {args[1]!r}")
        elif event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            name = os.fsdecode(args[0])
            if os.path.realpath(name) in SECRETS:
                events.append(f"open {name}")

    @contextlib.contextmanager
    def active(self) -> Iterator[list[str]]:
        self.events = events = []
        try:
            yield events
        finally:
            self.events = None


WATCH = _Watch()
sys.addaudithook(WATCH)  # an audit hook cannot be removed; it does nothing unless active


def secret_needles() -> list[bytes]:
    """Lines of the secret files that no output may contain."""
    needles = []
    for path in SECRETS:
        with contextlib.suppress(OSError):
            for line in Path(path).read_bytes().splitlines():
                if len(line.strip()) >= 12 and not line.startswith(b"#"):
                    needles.append(line.strip())
                    break
    return needles or [b"root:x:0:0:root"]


# --------------------------------------------------------------------------- a loopback listener


# --------------------------------------------------------------------------- exporting the corpus once


def model_articles() -> dict[str, m.Article]:
    """Articles built in code with every text field hostile (reported with warnings, never refused)."""
    bad = "NUL\x00 C0\x01\x08\x0b\x0c\x1b C1\x85\x9f lone\ud800 \udfff pair-as-halves\ud83d\ude00 nonchars\ufffe\uffff end"
    scripts = "عربي עברית 中文 日本語 한국어 😀👨\u200d👩\u200d👧 𝔘𝔫𝔦 \u202eRLO\u202c"
    word = "x" * 5000

    def article(text: str, lang: str) -> m.Article:
        t = m.Text
        note = m.Note((m.Paragraph((t(text),)),))
        return m.Article(
            title=f"Title {text}",
            subtitle=text,
            authors=(m.Author(f"Name {text}", text, bio=text),),
            publication=text,
            lang=lang,
            tags=(text, "tag"),
            summary=text,
            rights=text,
            disclosure=text,
            body=(
                m.Heading(1, (t(text),)),
                m.Paragraph((t(text), m.Code(text), note, m.Link((t(text),), "https://example.org/", title=text))),
                m.BlockQuote((m.Paragraph((t(text),)),), (t(text),)),
                m.PullQuote((t(text),), (t(text),)),
                m.ListBlock(False, ((m.Paragraph((t(text),)),), (m.Paragraph((m.Emph((t(text),)),)),))),
                m.Table(((t(text),), (t("b"),)), (((t(text),), (m.Strong((t(text),)),)),), caption=(t(text),)),
                m.Figure("images/chart.png", alt=text, caption=(t(text),), credit=text),
            ),
            date=None,
        )

    with pytest.warns(TextNormalisedWarning) as record:
        controls = article(bad, "en")
    assert all(issubclass(w.category, TextNormalisedWarning) for w in record)
    # Nesting HTML forbids but the model allows: a link in a link, notes in links, headings in notes.
    t = m.Text
    inner_note = m.Note((m.Heading(2, (t("A heading inside a note"),)), m.Paragraph((t("Its text."),))))
    outer = m.Link(
        (t("outer "), m.Link((t("inner"), m.Note((m.Paragraph((t("note in a link"),)),))), "https://example.org/in")),
        "https://example.org/out",
    )
    nesting = m.Article(
        title="Nesting",
        lang="en",
        body=(
            m.Heading(1, (t("Section"), m.Note((m.Paragraph((t("x"), m.Note((m.Heading(1, (t("deep"),)),)))),)))),
            m.Paragraph((outer, t(" and "), m.Emph((m.Link((t("em"), inner_note), "https://example.org/em"),)))),
            m.Heading(1, (t("Second section"),)),
        ),
    )
    return {
        "model-controls": controls,
        "model-scripts": article(scripts, "ar"),
        "model-long-word": article(word, "en"),
        "model-nesting": nesting,
    }


@dataclass
class Exported:
    """One article exported to every format, with what was reported on the way."""

    warnings: list[str] = field(default_factory=list)
    """Messages of the warnings reading gave."""
    files: dict[str, Path] = field(default_factory=dict)
    refused: dict[str, list[str]] = field(default_factory=dict)
    """Per format, the messages of the resource refusals."""
    other: list[str] = field(default_factory=list)
    """Any warning that is neither of the two kinds expected."""


@dataclass
class Run:
    """Every exported article of the corpus, and what the watchers saw meanwhile."""

    articles: dict[str, Exported]
    folder: Path
    port: int
    events: list[str]
    connections: int
    requests: list[str]


def _copy_corpus(target: Path, port: int) -> Path:
    shutil.copytree(HOSTILE, target)
    for path in target.iterdir():
        if path.suffix in (".md", ".svg", ".json", ".txt"):
            data = path.read_bytes()
            if b"PORT" in data:
                path.write_bytes(data.replace(b"127.0.0.1:PORT", f"127.0.0.1:{port}".encode()))
    with contextlib.suppress(OSError):
        os.symlink("/etc/passwd", target / "leak.png")
    return target


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("hostile")
    out = root / "out"
    out.mkdir()
    results: dict[str, Exported] = {}
    with listening() as server, WATCH.active() as events:
        folder = _copy_corpus(root / "articles", server.port)
        sources: dict[str, m.Article] = {}
        for name in EXPORTING:
            result = results[name] = Exported()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                sources[name] = opedexport.read(folder / name)
            for w in caught:
                (result.warnings if issubclass(w.category, TextNormalisedWarning) else result.other).append(
                    str(w.message)
                )
        (root / "model" / "images").mkdir(parents=True)
        shutil.copy(DATA / "images" / "chart.png", root / "model" / "images" / "chart.png")
        for name, article in model_articles().items():
            results[name] = Exported()
            sources[name] = article.replace(source_path=root / "model" / f"{name}.md")
        for name, article in sources.items():
            for fmt in FORMATS:
                target = out / f"{name.replace('.', '-')}.{fmt}"
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    opedexport.export(article, target)
                results[name].files[fmt] = target
                for w in caught:
                    if issubclass(w.category, ResourceRefusedWarning):
                        results[name].refused.setdefault(fmt, []).append(str(w.message))
                    elif _BOXES in str(w.message):  # expected or not per file, as Outcome.warns says
                        results[name].warnings.append(str(w.message))
                    else:
                        results[name].other.append(f"{fmt}: {w.category.__name__}: {w.message}")
        return Run(results, folder, server.port, list(events), server.connections, list(server.paths))


def export_bytes(article: m.Article, fmt: str, **options: Any) -> bytes:
    data = opedexport.export_bytes(article, fmt, **options)
    assert isinstance(data, bytes)
    return data


def all_files(run: Run, fmt: str) -> list[tuple[str, Path]]:
    return [(name, r.files[fmt]) for name, r in run.articles.items() if fmt in r.files]


# --------------------------------------------------------------------------- untrusted input


def test_the_watchers_see_what_they_watch_for() -> None:
    with listening() as server, WATCH.active() as events:
        with contextlib.suppress(OSError):
            Path("/etc/hosts").read_bytes()
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{server.port}/nothing", timeout=5)
    assert events[0] == "open /etc/hosts" and events[1].startswith("connect ('127.0.0.1'"), events
    assert server.connections == 1 and server.paths == ["/nothing"]


def test_no_connection_and_no_secret_file_read(run: Run) -> None:
    assert run.connections == 0 and run.requests == []
    assert run.events == []  # no socket.connect, no open() of /etc/passwd or /etc/hosts


@pytest.mark.parametrize("name", EXPORTING)
def test_reading_warns_as_expected(run: Run, name: str) -> None:
    outcome, result = CORPUS[name], run.articles[name]
    assert result.other == []
    for pattern in outcome.warns:
        assert any(re.search(pattern, w) for w in result.warnings), (pattern, result.warnings)
    for w in result.warnings:
        assert any(re.search(p, w) for p in outcome.warns), f"unexpected warning: {w}"


@pytest.mark.parametrize("name", EXPORTING)
def test_refused_resources_are_named_and_the_export_goes_on(run: Run, name: str) -> None:
    outcome, result = CORPUS[name], run.articles[name]
    expected = [(res.replace("PORT", str(run.port)), reason, fmts) for res, reason, fmts in outcome.refused]
    for fmt in result.files:
        messages = result.refused.get(fmt, [])
        for resource, reason, formats in expected:
            found = [msg for msg in messages if resource in msg]
            if fmt in formats:
                assert found, f"{fmt} did not refuse {resource}: {messages}"
            assert all(re.search(reason, msg) for msg in found), (fmt, found)
        for msg in messages:
            assert msg.startswith("refused resource ")
            assert any(res in msg for res, _, _ in expected), f"{fmt}: unexpected refusal: {msg}"
    assert set(result.files) == ALL


def _epub_documents(path: Path) -> dict[str, Any]:
    with zipfile.ZipFile(path) as z:
        return {
            n: etree.fromstring(z.read(n))
            for n in z.namelist()
            if n.endswith((".xhtml", ".opf", ".ncx", ".xml", ".html"))
        }


_SAFE_TARGET = re.compile(r"^(?:https?://|mailto:|tel:)", re.IGNORECASE)
_FORBIDDEN_ELEMENTS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "applet",
    "form",
    "input",
    "button",
    "base",
    "video",
    "audio",
    "source",
    "track",
    "svg",
    "math",
    "style",
    "template",
    "portal",
}


def _check_epub(path: Path) -> None:
    names = zipfile.ZipFile(path).namelist()
    for doc_name, root in _epub_documents(path).items():
        folder = doc_name.rsplit("/", 1)[0] + "/" if "/" in doc_name else ""
        for el in root.iter():
            if not isinstance(el.tag, str):
                assert not isinstance(el, etree._ProcessingInstruction), (doc_name, el)
                continue
            local = etree.QName(el).localname
            if doc_name.endswith(".xhtml"):
                assert local not in _FORBIDDEN_ELEMENTS, (doc_name, local)
                if local == "meta":
                    assert el.get("http-equiv") is None, doc_name
                if local == "link":
                    assert el.get("rel") == "stylesheet" and el.get("href", "").endswith("css/epub.css"), doc_name
            for attr, value in el.attrib.items():
                name = etree.QName(attr).localname.lower()
                assert not name.startswith("on"), (doc_name, local, attr)
                assert name != "style", (doc_name, local)
                if name in ("href", "src", "srcset", "poster", "data", "action", "formaction"):
                    if _SAFE_TARGET.match(value):
                        continue
                    target = value.split("#", 1)[0]
                    assert ":" not in target, (doc_name, attr, value)  # no other scheme
                    if target:  # an internal reference: the file is in the book
                        resolved = os.path.normpath(folder + target)
                        assert resolved in names, (doc_name, value)
        if doc_name.endswith(".opf"):
            for item in root.iter("{http://www.idpf.org/2007/opf}item"):
                assert "scripted" not in (item.get("properties") or "").split()
                assert "remote-resources" not in (item.get("properties") or "").split()
                assert not _SAFE_TARGET.match(item.get("href", "")), item.get("href")


_DOCX_RELS = re.compile(
    r"officeDocument/2006/relationships/(?:hyperlink|image|styles|settings|fontTable|webSettings|"
    r"theme|numbering|footnotes|endnotes|header|footer|comments|customXml|officeDocument|"
    r"metadata/core-properties|extended-properties|custom-properties)$|"
    r"package/2006/relationships/metadata/core-properties$"
)


def _check_docx(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".rels"):
                for rel in etree.fromstring(z.read(name)):
                    assert _DOCX_RELS.search(rel.get("Type", "")), (name, rel.get("Type"))
                    if rel.get("TargetMode") == "External":
                        assert rel.get("Type", "").endswith("/hyperlink"), (name, rel.get("Type"))
                        assert _SAFE_TARGET.match(rel.get("Target", "")), (name, rel.get("Target"))
            elif name.endswith(".xml"):
                root = etree.fromstring(z.read(name))
                for instr in root.iter("{*}instrText"):
                    assert not re.search(r"INCLUDE|LINK|DDE|IMPORT|HYPERLINK", instr.text or "", re.I), instr.text
                for simple in root.iter("{*}fldSimple"):
                    instr = simple.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instr", "")
                    assert not re.search(r"INCLUDE|LINK|DDE|IMPORT|HYPERLINK", instr, re.I), instr
                assert not any(
                    etree.QName(el).localname in ("altChunk", "object", "control")
                    for el in root.iter()
                    if isinstance(el.tag, str)
                ), name
    docx.Document(str(path))  # python-docx opens it


def expanded_pdf(path: Path) -> bytes:
    """The PDF with streams uncompressed and objects out of object streams, for searching."""
    proc = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(path), "-"], capture_output=True)
    assert proc.stdout, proc.stderr
    return proc.stdout


def _check_pdf(path: Path) -> None:
    data = expanded_pdf(path)
    for key in (
        b"/JavaScript",
        b"/JS ",
        b"/JS(",
        b"/Launch",
        b"/SubmitForm",
        b"/ImportData",
        b"/GoToR",
        b"/GoToE",
        b"/EmbeddedFile",
        b"/RichMedia",
        b"/AcroForm",
        b"/OpenAction",
        b"/AA ",
    ):
        assert key not in data, key
    for target in re.findall(rb"/URI \((.*?)\)\s", data):
        assert _SAFE_TARGET.match(target.decode("latin-1")), target


@needs_qpdf
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_markup_from_the_input_reaches_an_output(run: Run, fmt: str) -> None:
    check = {"pdf": _check_pdf, "epub": _check_epub, "docx": _check_docx}[fmt]
    for name, path in all_files(run, fmt):
        try:
            check(path)
        except AssertionError as exc:
            raise AssertionError(f"{name}.{fmt}: {exc}") from None


@needs_qpdf
@pytest.mark.parametrize("fmt", FORMATS)
def test_no_secret_file_content_in_any_output(run: Run, fmt: str) -> None:
    needles = secret_needles()
    for name, path in all_files(run, fmt):
        if fmt == "pdf":
            blobs = [expanded_pdf(path)]
        else:
            with zipfile.ZipFile(path) as z:
                blobs = [z.read(n) for n in z.namelist()]
        for blob in blobs:
            for needle in needles:
                assert needle not in blob, f"{name}.{fmt} holds a line of a file outside its folder"


def _epub_text(path: Path) -> str:
    text = " ".join(
        "".join(root.itertext()) for n, root in _epub_documents(path).items() if n.endswith("article.xhtml")
    )
    return " ".join(text.split())


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        parts = [etree.fromstring(z.read(n)) for n in z.namelist() if re.match(r"word/(document|footnotes)\.xml$", n)]
    words = []
    for root in parts:
        for el in root.iter("{*}t", "{*}tab", "{*}br", "{*}p"):
            words.append(el.text or "" if etree.QName(el).localname == "t" else " ")
    return " ".join("".join(words).split())


@pytest.mark.parametrize("name", [n for n in EXPORTING if CORPUS[n].text])
def test_text_survives_in_epub_and_docx(run: Run, name: str) -> None:
    result = run.articles[name]
    epub, word = _epub_text(result.files["epub"]), _docx_text(result.files["docx"])
    for piece in CORPUS[name].text:
        piece = " ".join(piece.split())
        assert piece in epub, f"EPUB lacks {piece[:40]!r}"
        assert piece in word, f"DOCX lacks {piece[:40]!r}"


def test_markup_is_text_and_unsafe_links_are_text(run: Run) -> None:
    with zipfile.ZipFile(run.articles["markup.md"].files["epub"]) as z:
        chapter = etree.fromstring(z.read("EPUB/text/article.xhtml"))
    hrefs = [a.get("href") for a in chapter.iter("{http://www.w3.org/1999/xhtml}a")]
    assert all(h.startswith("#") for h in hrefs), hrefs  # only note references: no link came through
    with zipfile.ZipFile(run.articles["links.json"].files["epub"]) as z:
        chapter = etree.fromstring(z.read("EPUB/text/article.xhtml"))
    links = {
        "".join(a.itertext()): a.get("href") for a in chapter.iter("{http://www.w3.org/1999/xhtml}a") if a.get("href")
    }
    # Unsafe targets and relative ones (the article has no canonical URL to resolve them against) are text;
    # the others are links made valid: spaces and bars encoded, the host in IDNA, an impossible port dropped.
    assert links == {
        "kept 0": "https://example.org/a%20b%7Cc",
        "kept 1": "mailto:ed@example.org?subject=a%20b",
        "kept 2": "tel:+62%2021%20555",
        "kept 6": "https://xn--bcher-kva.example/",
        "kept 7": "http://[::1]/x",
    }


def link_targets(fmt: str, data: bytes, tmp_path: Path) -> list[str]:
    """The targets of the links a file holds (notes' internal links left out)."""
    if fmt == "pdf":
        (tmp_path / "links.pdf").write_bytes(data)
        found = re.findall(rb"/URI \((.*?)\)\s", expanded_pdf(tmp_path / "links.pdf"))
        return [t.decode("latin-1") for t in found]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        if fmt == "epub":
            chapter = etree.fromstring(z.read("EPUB/text/article.xhtml"))
            hrefs = [a.get("href") for a in chapter.iter("{http://www.w3.org/1999/xhtml}a")]
            return [h for h in hrefs if h and not h.startswith("#fn")]
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        return [r.get("Target") for r in rels if r.get("TargetMode") == "External"]


@needs_qpdf
@pytest.mark.parametrize("fmt", FORMATS)
def test_relative_links_resolve_against_the_canonical_url_or_are_text(fmt: str, tmp_path: Path) -> None:
    body = (m.Paragraph((m.Link((m.Text("part two"),), "../part-2.html#top"), m.Link((m.Text("below"),), "#notes"))),)
    article = m.Article(title="Relative", lang="en", source_url="https://example.org/opinion/part-1.html", body=body)
    targets = link_targets(fmt, export_bytes(article, fmt), tmp_path)
    assert "https://example.org/part-2.html#top" in targets
    if fmt != "docx":  # a fragment alone is a bookmark inside the document in Word
        assert "https://example.org/opinion/part-1.html#notes" in targets
    assert all(_SAFE_TARGET.match(t) for t in targets), targets
    unsourced = link_targets(fmt, export_bytes(article.replace(source_url=""), fmt), tmp_path)
    assert unsourced == []  # nothing to resolve against: the text alone, never a file: link


@needs_qpdf
def test_pdfs_pass_qpdf_check(run: Run) -> None:
    failures = []
    for name, path in all_files(run, "pdf"):
        proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        if proc.returncode != 0:
            failures.append(f"{name}: {proc.stdout[-300:]} {proc.stderr[-300:]}")
    assert not failures, "\n".join(failures)


@pytest.fixture(scope="module")
def epubcheck_results(run: Run) -> dict[Path, tuple[int, int, int, list[str]]]:
    if not judges.have_epubcheck():
        pytest.skip("EPUBCheck needs java and the epubcheck package")
    return judges.epubcheck_many(path for _, path in all_files(run, "epub"))


@pytest.mark.slow
def test_epubcheck_accepts_every_book(run: Run, epubcheck_results: dict[Path, tuple[int, int, int, list[str]]]) -> None:
    report = [
        f"{name}: " + "; ".join(epubcheck_results[path][3])
        for name, path in all_files(run, "epub")
        if epubcheck_results[path][:3] != (0, 0, 0)
    ]
    assert not report, "\n".join(report)


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_libreoffice(), reason="LibreOffice (soffice) or pdftotext is not installed")
def test_libreoffice_opens_every_document(run: Run, tmp_path: Path) -> None:
    documents = dict(all_files(run, "docx"))
    pdfs = judges.libreoffice_to_pdf(documents.values(), tmp_path)
    unopened = [name for name, path in documents.items() if path not in pdfs]
    assert not unopened, f"LibreOffice could not open {unopened}"
    for name in ("crlf.txt", "markup.md", "long-word.md"):
        text = " ".join(judges.pdftotext(pdfs[documents[name]]).split())
        assert CORPUS[name].text[0][:40] in text, name


def test_a_long_hyphenatable_word_does_not_stall_the_pdf(tmp_path: Path) -> None:
    article = opedexport.read(HOSTILE / "long-hyphenatable-word.md")
    data = opedexport.export_bytes(article, "pdf", time_limit=2)
    assert isinstance(data, bytes) and data.startswith(b"%PDF-")


# --------------------------------------------------------------------------- the network, when allowed


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_allowed_host_is_fetched_once_and_a_redirect_is_not_followed(fmt: str, tmp_path: Path) -> None:
    with listening() as server, WATCH.active() as events:
        base = f"http://127.0.0.1:{server.port}"
        article = m.Article(
            title="Allowed host",
            lang="en",
            body=(
                m.Paragraph((m.Text("Before."),)),
                m.Figure(f"{base}/chart.png", alt="fetched"),
                m.Figure(f"{base}/moved", alt="redirected"),
                m.Paragraph((m.Text("After."),)),
            ),
        )
        with pytest.warns(ResourceRefusedWarning) as caught:
            data = export_bytes(article, fmt, allow_hosts=("127.0.0.1",))
    assert sorted(server.paths) == ["/chart.png", "/moved"]  # one request each: the 302 was not followed
    refused = [str(w.message) for w in caught if issubclass(w.category, ResourceRefusedWarning)]
    assert refused and all(f"{base}/moved" in msg and "302" in msg for msg in refused), refused
    assert events and all(e.startswith("connect ('127.0.0.1'") for e in events), events
    chart = (DATA / "images" / "chart.png").read_bytes()
    if fmt == "pdf":
        (tmp_path / "f.pdf").write_bytes(data)
        if shutil.which("qpdf"):
            assert expanded_pdf(tmp_path / "f.pdf").count(b"/Subtype /Image") == 1
    else:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            media = [n for n in z.namelist() if re.search(r"(^|/)(images|media)/", n) and "cover" not in n]
            assert [z.read(n) for n in media] == [chart], media


# --------------------------------------------------------------------------- errors, one line each


@pytest.mark.parametrize("name", FAILING)
def test_failing_input_is_one_clear_error(name: str) -> None:
    outcome = CORPUS[name]
    with pytest.raises(InputError) as info:
        opedexport.read(HOSTILE / name)
    exc = info.value
    assert exc.path == HOSTILE / name and exc.line == outcome.line
    assert re.search(outcome.error, exc.message), exc.message
    assert "\n" not in str(exc)


def test_failing_inputs_through_the_command_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(HOSTILE, folder)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "opedexport", "build", *FAILING, "-o", str(out), "-j", "1"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("opedexport: error: ")]
    assert len(errors) == len(FAILING), proc.stderr
    for name, line in zip(FAILING, errors, strict=True):
        outcome = CORPUS[name]
        where = f"{name}:{outcome.line}: " if outcome.line else f"{name}: "
        assert line.startswith(f"opedexport: error: {where}"), line
        assert re.search(outcome.error, line), line
    assert not out.exists() or not any(out.iterdir())
    assert not (folder / "PWNED").exists()  # the YAML tag did not run


# --------------------------------------------------------------------------- limits


def test_input_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("# Title\n\n" + "word " * 200, encoding="utf-8")
    size = path.stat().st_size
    assert opedexport.read(path, max_bytes=size).title == "Title"
    with pytest.raises(LimitError, match=rf"^{re.escape(str(path))}: input is {size} bytes, over the limit of 100$"):
        opedexport.read(path, max_bytes=100)
    with path.open("rb") as stream, pytest.raises(LimitError, match="over the limit of 100 bytes") as info:
        opedexport.read(stream, max_bytes=100)
    assert info.value.path == path
    with pytest.raises(LimitError, match=r"^<string>: input is \d+ bytes, over the limit of 100$"):
        opedexport.read(text=path.read_text("utf-8"), format="markdown", max_bytes=100)


def test_front_matter_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    path = HOSTILE / "front-matter-large.md"
    assert opedexport.read(path).title == "Large front matter"
    monkeypatch.setattr(markdown_reader, "MAX_FRONT_MATTER_BYTES", 1024)
    with pytest.raises(LimitError) as info:
        opedexport.read(path)
    assert str(info.value) == f"{path}:1: front matter is over the limit of 1024 bytes"


def test_pixel_limit_is_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(HOSTILE / "big-pixels.png", tmp_path / "big.png")
    article = m.Article(
        title="Pixels", lang="en", body=(m.Figure("big.png", alt="big"),), source_path=tmp_path / "a.md"
    )
    with pytest.warns(ResourceRefusedWarning, match=r"big\.png: 10000×5000 pixels is over the limit of 40000000"):
        opedexport.export_bytes(article, "docx")
    # The default is read when a fetcher is made: raising it lets the image through every exporter.
    monkeypatch.setattr(fetch, "DEFAULT_MAX_PIXELS", 60_000_000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", OpedexportWarning)
        data = opedexport.export_bytes(article, "docx")
    assert isinstance(data, bytes) and b"word/media/" in data
    # And lowering it (or giving max_pixels to a Fetcher) refuses a small image.
    fetcher = fetch.Fetcher([DATA], max_pixels=1000)
    with pytest.warns(ResourceRefusedWarning, match=r"640×400 pixels is over the limit of 1000"):
        assert fetcher.fetch_or_none((DATA / "images" / "chart.png").as_uri()) is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_time_limit_stops_a_real_export_and_leaves_the_process_sound(fmt: str, tmp_path: Path) -> None:
    source = tmp_path / "in" / "limited.md"
    source.parent.mkdir()
    paragraph = "A paragraph long enough to take the renderer a little while to set. " * 8
    source.write_text(
        f"---\ntitle: Limited\nlang: en\ndate: 2025-01-01\n---\n\n{paragraph}[^1]\n\n"
        f"# Heading\n\n{paragraph}\n\n[^1]: A note.\n",
        encoding="utf-8",
    )
    article = opedexport.read(source)
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    before = opedexport.export_bytes(article, fmt)
    target = tmp_path / f"a.{fmt}"
    with pytest.raises(LimitError, match=rf"^{re.escape(str(article.source_path))}: the {fmt} export took longer"):
        opedexport.export(article, target, time_limit=0.001)
    assert list(tmp_path.iterdir()) == []
    assert opedexport.export_bytes(article, fmt) == before  # nothing cached was left half-made


def test_time_limit_through_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from opedexport.cli import main

    assert plugins.SlowExporter.name == "test-slow"
    source = tmp_path / "slow.md"
    source.write_text("# Slow\n\nText.\n", encoding="utf-8")
    status = main(
        ["build", str(source), "-f", "test-slow", "--time-limit", "0.2", "-o", str(tmp_path / "o"), "-j", "1"]
    )
    err = capsys.readouterr().err
    assert status == 1
    errors = [line for line in err.splitlines() if line.startswith("opedexport: error:")]
    assert errors == [f"opedexport: error: {source}: the test-slow export took longer than 0.2 s and was stopped"]
    assert not (tmp_path / "o").exists() or list((tmp_path / "o").iterdir()) == []


def test_time_limit_is_neither_swallowed_nor_cuts_an_import_short(tmp_path: Path) -> None:
    package = tmp_path / "opedexport_slow_optional"
    package.mkdir()
    (package / "__init__.py").write_text(
        "try:\n    from . import part\nexcept Exception:  # an optional part, as libraries guard them\n    part = None\n",
        encoding="utf-8",
    )
    (package / "part.py").write_text("import time\ntime.sleep(0.4)\nREADY = True\n", encoding="utf-8")

    class ImportingExporter(plugins.TitleExporter):
        name = "test-importing"
        suffix = ".imp"

        def export(self, article: m.Article, theme: Any, **options: object) -> bytes:
            import importlib
            import time

            importlib.import_module(package.name)
            time.sleep(1.0)  # work that goes on after the import
            return b"done"

    sys.path.insert(0, str(tmp_path))
    registry.add_exporter(ImportingExporter)
    try:
        article = m.Article(title="Import", lang="en")
        with pytest.raises(LimitError):
            opedexport.export_bytes(article, "test-importing", time_limit=0.1)
        module = sys.modules.get(package.name)
        assert module is None or module.part is not None, "an import was cut short and left half-made"
    finally:
        registry.exporters.slots.pop("test-importing", None)
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith(package.name)]:
            del sys.modules[name]


# --------------------------------------------------------------------------- nothing half-written


def _article(tmp_path: Path) -> m.Article:
    return m.Article(title="Atomic", lang="en", body=(m.Paragraph((m.Text("Text."),)),), source_path=tmp_path / "a.md")


def test_failing_exporters_keep_old_outputs_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from opedexport.cli import main

    source = tmp_path / "a.md"
    source.write_text("# Atomic\n\nText.\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.brk").write_bytes(b"old broken")
    (out / "a.slow").write_bytes(b"old slow")
    formats = "test-broken,test-slow,test-title"
    status = main(["build", str(source), "-f", formats, "--time-limit", "0.2", "-o", str(out), "-j", "1"])
    err = capsys.readouterr().err
    assert status == 1
    errors = [line for line in err.splitlines() if line.startswith("opedexport: error:")]
    assert errors == [
        f"opedexport: error: {source}: test-broken export failed: RuntimeError: boom",
        f"opedexport: error: {source}: the test-slow export took longer than 0.2 s and was stopped",
    ]
    assert "Traceback" not in err
    assert (out / "a.brk").read_bytes() == b"old broken"
    assert (out / "a.slow").read_bytes() == b"old slow"
    assert (out / "a.ttl").read_bytes() == b"Atomic|default"
    assert sorted(p.name for p in out.iterdir()) == ["a.brk", "a.slow", "a.ttl"]  # no temporary file


def test_a_failed_write_is_a_clear_error_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from opedexport.cli import main

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    target = tmp_path / "x.ttl"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(ExportError) as info:
        opedexport.export(_article(tmp_path), target)
    assert str(info.value) == f"{target}: cannot write the file: No space left on device"
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ttl"]
    # The command line says the same in one line.
    source = tmp_path / "x.md"
    source.write_text("# Atomic\n\nText.\n", encoding="utf-8")
    status = main(["build", str(source), "-f", "test-title", "-o", str(tmp_path), "-j", "1"])
    err = capsys.readouterr().err
    assert status == 1
    assert [line for line in err.splitlines() if "error" in line] == [
        f"opedexport: error: {target}: cannot write the file: No space left on device"
    ]
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.md", "x.ttl"]


def test_a_folder_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "x.ttl").mkdir()
    with pytest.raises(ExportError, match=r"x\.ttl: cannot write the file: Is a directory"):
        opedexport.export(_article(tmp_path), tmp_path / "x.ttl")
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(ExportError, match=r"cannot write the file"):
        opedexport.export(_article(tmp_path), tmp_path / "file" / "x.ttl")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "x.ttl"]
    assert list((tmp_path / "x.ttl").iterdir()) == []


def test_an_interrupted_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(src: Any, dst: Any) -> None:
        raise KeyboardInterrupt

    target = tmp_path / "x.ttl"
    target.write_bytes(b"old")
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        api.write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.ttl"]
    absent = tmp_path / "absent.ttl"
    with pytest.raises(KeyboardInterrupt):
        api.write_atomic(absent, b"new")
    assert not absent.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["x.ttl"]


def test_a_symlink_in_the_way_is_replaced_not_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    link = tmp_path / "out" / "x.ttl"
    link.parent.mkdir()
    try:
        link.symlink_to(victim)
    except OSError:  # pragma: no cover - no symlinks here
        pytest.skip("symlinks are not available")
    opedexport.export(_article(tmp_path), link)
    assert victim.read_bytes() == b"precious"
    assert not link.is_symlink() and link.read_bytes() == b"Atomic|default"
    assert oct(link.stat().st_mode & 0o777) == "0o644"
