"""What the PDF's layout passes cost (issue 19): how many times an article is laid out, and that the
pruned search (:func:`_fill_holes` bounding candidates from the first layout, :func:`_save_last_page`
starting at the likeliest fit step) chooses the layout the exhaustive search chooses, to the byte.

Layouts are counted by wrapping ``weasyprint.HTML.render``; no test times anything.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image, ImageDraw

from conftest import SOURCE
from opedexport import api
from opedexport.exporters import _pdf_layout as layout
from opedexport.exporters import pdf as pdfmod
from opedexport.exporters.pdf import PdfExporter, PdfPage
from opedexport.theme import Theme

SAMPLE = SOURCE / "nato-diplomasi-pertahanan.md"


def _load_bench() -> ModuleType:
    """``benchmarks/bench.py``: its feature article is the one these counts are about."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench.py"
    spec = importlib.util.spec_from_file_location("opedexport_bench", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


_BENCH = _load_bench()
_sentence = _BENCH.paragraph


def _feature(folder: Path, index: int, *, paragraphs: int = 6, seed: int = 0) -> Path:
    """The benchmark's feature article (``make_article`` of benchmarks/bench.py): headings, a figure right
    after the second paragraph, a quote, two lists and two notes.
    """
    path = folder / f"feature-{index}-{seed}-{paragraphs}.md"
    _BENCH.make_article(path, index, paragraphs=paragraphs, seed=seed)
    return path


def _varied(folder: Path, seed: int) -> Path:
    """An article with one figure of a random shape among random blocks: paragraphs of any length (some
    with a note), quotes, lists and headings, before and after it.
    """
    rng = random.Random(seed)
    width, height = rng.choice([(1600, 900), (1200, 900), (900, 900), (900, 1200), (1600, 600)])
    image = Image.new("RGB", (width, height), "#e8e4dc")
    draw = ImageDraw.Draw(image)
    for i in range(8):
        draw.rectangle([width * i // 9 + 10, height - (i * 37) % (height - 20) - 10, width * i // 9 + width // 12, height - 5], fill="#8a1c1c")  # fmt: skip
    image.save(folder / f"figure{seed}.png")
    lines = ["---", f'title: "Varied {seed}"', "author: Jane Doe", "lang: en", "---", ""]
    notes: list[str] = []

    def block(k: int) -> list[str]:
        kind = rng.random()
        if kind < 0.6:
            text = _sentence(rng, rng.randint(15, 130))
            if rng.random() < 0.15:
                notes.append(_sentence(rng, rng.randint(5, 30)))
                text += f"[^{len(notes)}]"
            return [text, ""]
        if kind < 0.75:
            return ["> " + _sentence(rng, rng.randint(15, 50)), ""]
        if kind < 0.9:
            return [f"- {_sentence(rng, rng.randint(4, 14))}" for _ in range(rng.randint(2, 5))] + [""]
        return [f"## Section {k}", ""]

    before, after = rng.randint(1, 5), rng.randint(1, 9)
    for k in range(before):
        lines += block(k) if k else [_sentence(rng, rng.randint(40, 140)), ""]
    lines += [f"![A chart {seed}](figure{seed}.png)", ""]
    for k in range(after):
        lines += block(before + k)
    lines += [f"[^{n}]: {text}" for n, text in enumerate(notes, start=1)]
    path = folder / f"varied{seed}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class _Counter:
    layouts: int = 0


@pytest.fixture
def count_layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Counter]:
    """Counts WeasyPrint layouts (``HTML.render`` calls)."""
    import weasyprint

    counter = _Counter()
    render = weasyprint.HTML.render

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        counter.layouts += 1
        return render(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    yield counter


def _page(path: Path, theme: str) -> PdfPage:
    return PdfExporter().prepare(api.read(path), Theme.load(theme))


def _render(
    page: PdfPage, counter: _Counter, *, exhaustive: bool, monkeypatch: pytest.MonkeyPatch
) -> tuple[bytes, int]:
    monkeypatch.setattr(layout, "EXHAUSTIVE", exhaustive)
    counter.layouts = 0
    data = PdfExporter().render(page)
    return data, counter.layouts


# --------------------------------------------------------------------------- how many layouts


def test_the_feature_article_is_laid_out_twice(
    count_layouts: _Counter, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Its figure leaves a hole: scaled, it fills it; deferred past the quote (the only block before the
    next heading), it would leave a blank over FIGURE_HOLE, which the first layout shows without a
    second. Three layouts before (first, scaled, deferred), two now.
    """
    page = _page(_feature(tmp_path, 0), "default")
    pruned, layouts = _render(page, count_layouts, exhaustive=False, monkeypatch=monkeypatch)
    exhaustive, all_layouts = _render(page, count_layouts, exhaustive=True, monkeypatch=monkeypatch)
    assert pruned == exhaustive
    assert (layouts, all_layouts) == (2, 3)


def test_a_short_article_is_laid_out_once(count_layouts: _Counter, monkeypatch: pytest.MonkeyPatch) -> None:
    article = api.read(text="---\ntitle: A short one\n---\n\nTwo sentences. No more.\n", format="markdown")
    page = PdfExporter().prepare(article, Theme.load("default"))
    _, layouts = _render(page, count_layouts, exhaustive=False, monkeypatch=monkeypatch)
    assert layouts == 1


def test_the_sample_takes_two_fit_layouts(count_layouts: _Counter, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample's last page holds three lines: fit-2 does not save it, fit-3 does (one page). Both
    must be laid out to know fit-3 is the gentlest that does; nothing else is.
    """
    page = _page(SAMPLE, "default")
    pruned, layouts = _render(page, count_layouts, exhaustive=False, monkeypatch=monkeypatch)
    exhaustive, _ = _render(page, count_layouts, exhaustive=True, monkeypatch=monkeypatch)
    assert pruned == exhaustive
    assert layouts == 3


# --------------------------------------------------------------------------- the same choice

#: ``(index, paragraphs, seed)`` of :func:`_feature`: the figure leaves a hole in one column; the scaled
#: figure fills it, and with a short last page saves a page (4 paragraphs).
FEATURES = [(0, 6, 0), (1, 4, 1), (4, 10, 4), (9, 9, 109)]
#: Seeds of :func:`_varied`: no hole (0); a hole that deferring past one block fills (5, 8), past two or
#: three (45, 50, 54), that only the scaled figure fills (26), that nothing fills better (20), in
#: ``default`` or ``modern``.
VARIED = [0, 5, 8, 20, 26, 45, 50, 54]
#: In ``newspaper``, holes in a column (laid out without bounds): filled by deferring (11, 12, 16), by
#: scaling (15, 28), not at all (13).
NEWSPAPER = [11, 12, 13, 15, 16, 28]


def _cases() -> list[Any]:
    cases = []
    for theme, features, varied in (("default", FEATURES, VARIED), ("modern", FEATURES[:2], VARIED[1::2])):
        cases += [pytest.param(theme, ("feature", *f), id=f"{theme}-feature-{f[0]}-{f[1]}p") for f in features]
        cases += [pytest.param(theme, ("varied", seed), id=f"{theme}-varied-{seed}") for seed in varied]
    cases += [pytest.param("newspaper", ("feature", *FEATURES[0]), id="newspaper-feature-0-6p")]
    cases += [pytest.param("newspaper", ("varied", seed), id=f"newspaper-varied-{seed}") for seed in NEWSPAPER]
    return cases


@pytest.mark.parametrize(("theme", "make"), _cases())
def test_the_pruned_search_chooses_as_the_exhaustive_one(
    theme: str, make: tuple[Any, ...], count_layouts: _Counter, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The same PDF, byte for byte (so the same pages, page fills and figure placement), in no more layouts."""
    path = (
        _feature(tmp_path, make[1], paragraphs=make[2], seed=make[3])
        if make[0] == "feature"
        else _varied(tmp_path, make[1])
    )
    page = _page(path, theme)
    pruned, layouts = _render(page, count_layouts, exhaustive=False, monkeypatch=monkeypatch)
    exhaustive, all_layouts = _render(page, count_layouts, exhaustive=True, monkeypatch=monkeypatch)
    assert pruned == exhaustive
    assert layouts <= all_layouts + 1  # the fit guess may cost one more than the gentlest-first walk


@pytest.mark.parametrize("theme", ["default", "modern"])
@pytest.mark.parametrize("seed", [5, 38, 45, 49, 54])
def test_the_bounds_hold(theme: str, seed: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """What the pruning rests on: every candidate, laid out, ranks no better than its bound, and a deferral
    said to leave a blank over FIGURE_HOLE does.
    """
    checked: list[int] = []
    best_candidate = layout._best_candidate

    def checking(html: str, document: Any, fills: Any, candidates: Any, bounds: Any, lay_out: Any, columns: int) -> Any:
        if bounds is not None:
            for _, edited, loss, after in candidates:
                bound = bounds.scaled(loss) if after == 0 else bounds.deferred(after)
                fills_after = layout.page_fills(lay_out(edited), columns)
                key = layout._layout_key(fills_after, loss)
                if bound is not None:
                    assert all(a >= b for a, b in zip(key, bound, strict=True)), (after, key, bound)
                    checked.append(after)
                if after and bounds.leaves_figure_after_hole(after):
                    assert layout._figure_after_hole(fills_after) is not None
        return best_candidate(html, document, fills, candidates, bounds, lay_out, columns)

    monkeypatch.setattr(layout, "_best_candidate", checking)
    PdfExporter().render(_page(_varied(tmp_path, seed), theme))
    assert checked  # each of these leaves a hole in both themes


# --------------------------------------------------------------------------- the fit steps


class _Doc:
    def __init__(self, pages: int) -> None:
        self.pages = [object()] * pages


@pytest.mark.parametrize("guess", [0, 1, 2])
@pytest.mark.parametrize("gentlest", [0, 1, 2, None])
def test_the_fit_walk_finds_the_gentlest_step(
    guess: int, gentlest: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From any first step, the walk keeps the gentlest step that saves the page (the steps tighten in
    order), in at most as many layouts as the steps between the guess and the answer, plus one.
    """

    def fills(document: _Doc, columns: int = 1) -> list[layout.PageFill]:
        short = layout.PageFill(2, 900.0, 3, (60.0,), 900.0, (0.0,))
        full = layout.PageFill(1, 900.0, 40, (890.0,), 900.0, (0.0,))
        return [full, short][: len(document.pages)]

    laid: list[int] = []

    def lay_out(html: str) -> _Doc:
        step = next(k for k, name in enumerate(layout._FIT_STEPS) if name in html)
        laid.append(step)
        return _Doc(1 if gentlest is not None and step >= gentlest else 2)

    monkeypatch.setattr(layout, "page_fills", fills)
    monkeypatch.setattr(layout, "_first_fit_step", lambda _fills: guess)
    html = "<!DOCTYPE html>\n<html><body><p>x</p></body></html>"
    chosen, document = layout._save_last_page(html, _Doc(2), lay_out, 1, exhaustive=False)
    if gentlest is None:
        assert chosen == html and len(document.pages) == 2
    else:
        assert layout._FIT_STEPS[gentlest] in chosen and len(document.pages) == 1
    answer = len(layout._FIT_STEPS) if gentlest is None else gentlest
    if answer <= guess:  # saved at the guess: down to the gentlest, and the one below it fails
        assert laid == list(range(guess, answer - 1 - (answer > 0), -1))
    else:  # not saved at the guess: up to the first that saves, or to the tightest
        assert laid == list(range(guess, min(answer, len(layout._FIT_STEPS) - 1) + 1))


# --------------------------------------------------------------------------- the stylesheet cache


def test_a_stylesheet_is_reused_only_under_the_same_folders(tmp_path: Path) -> None:
    """Parsed once per CSS text and folders: the same text under another theme's folders is parsed again
    (what one theme's folders allowed is not taken for allowed under another's).
    """
    fetcher = pdfmod._RecordingFetcher([tmp_path])
    css = "p { color: #123456 } /* test_a_stylesheet_is_reused_only_under_the_same_folders */"
    first = pdfmod._stylesheet(css, (tmp_path,), fetcher)
    assert pdfmod._stylesheet(css, (tmp_path,), fetcher) is first
    other = pdfmod._stylesheet(css, (tmp_path / "other",), fetcher)
    assert other is not first


def test_the_stylesheet_cache_keeps_those_used_last(tmp_path: Path) -> None:
    fetcher = pdfmod._RecordingFetcher([tmp_path])
    roots = (tmp_path,)
    texts = [f"p {{ margin: {n}px }} /* lru */" for n in range(pdfmod._CSS_CACHE_MAX + 1)]
    kept = pdfmod._stylesheet(texts[0], roots, fetcher)
    for text in texts[1:-1]:
        pdfmod._stylesheet(text, roots, fetcher)
    assert pdfmod._stylesheet(texts[0], roots, fetcher) is kept  # used again: now the most recent
    pdfmod._stylesheet(texts[-1], roots, fetcher)  # one over the bound: the least recently used goes
    assert len(pdfmod._CSS_CACHE) <= pdfmod._CSS_CACHE_MAX
    assert texts[0] in pdfmod._CSS_CACHE and texts[1] not in pdfmod._CSS_CACHE
    assert set(pdfmod._CSS_ROOTS) == set(pdfmod._CSS_CACHE)


def test_bounds_that_fail_fall_back_to_laying_every_candidate_out(
    tmp_path: Path, count_layouts: _Counter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unforeseen case in the bounds' arithmetic (here a division by zero) costs layouts, never the export."""

    def broken(self: object, after: int) -> None:
        raise ZeroDivisionError("a zero height")

    page = _page(_feature(tmp_path, 1), "default")
    exhaustive, all_layouts = _render(page, count_layouts, exhaustive=True, monkeypatch=monkeypatch)
    monkeypatch.setattr(layout._Bounds, "deferred", broken)
    fallback, layouts = _render(page, count_layouts, exhaustive=False, monkeypatch=monkeypatch)
    assert fallback == exhaustive and layouts >= all_layouts - 1
