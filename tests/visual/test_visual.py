"""Visual reference tests: the pages of a fixed set of documents, compared with reviewed images.

A failure means the output looks different. If the change is intended, run
``python tests/visual/regenerate.py`` (or name the failing cases), look at the new images in
``tests/visual/ref/`` against the old ones, and commit them with the change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image
from visual_cases import CASES, MAX_PAGES, REF, Case, difference, page_count, page_images, reference_paths, same

from opedexport.theme import Theme

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdfinfo") is None, reason="poppler-utils not installed"
)
REGENERATE = "python tests/visual/regenerate.py"


def _check(case: Case, pdf: bytes) -> list[str]:
    """What differs between ``pdf`` and the references of ``case`` (nothing: the same)."""
    refs = reference_paths(case)
    assert refs, f"no reference images for {case.name}: run {REGENERATE} {case.name}"
    images = page_images(pdf)
    problems = []
    if len(images) != len(refs) or (len(refs) < MAX_PAGES and page_count(pdf) != len(refs)):
        problems.append(f"{case.name}: {page_count(pdf)} page(s), the references have {len(refs)}")
    for image, ref in zip(images, refs, strict=False):
        with Image.open(ref) as reference:
            if not same(image, reference):
                mean, share = difference(image, reference)
                problems.append(f"{ref.name}: mean difference {mean:.2f}, {share:.2%} of pixels changed")
    return problems


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pages_look_as_reviewed(case: Case) -> None:
    problems = _check(case, case.render(Theme.load(case.theme)))
    assert not problems, f"{'; '.join(problems)}. If intended: {REGENERATE} {case.name}, then review the images"


@pytest.mark.parametrize(
    ("case_name", "tokens"),
    [
        ("sample-default", {"text": {"size": "11.5pt"}}),  # a larger body text
        # Another accent (dark enough for WCAG contrast): only the kicker, the heading and the quote bar.
        ("sample-default", {"colors": {"accent": "#101010"}}),
        ("feature-default", {"colors": {"accent": "#101010", "quote_bar": "#101010"}}),
        ("feature-modern", {"text": {"leading": 1.6}}),
        ("sample-newspaper", {"page": {"margin_inner": "26mm"}}),
    ],
)
def test_a_changed_token_is_seen(case_name: str, tokens: dict[str, dict[str, str]]) -> None:
    """The comparison is not blind: a theme rendered with one token changed fails it."""
    case = next(c for c in CASES if c.name == case_name)
    assert not _check(case, case.render(Theme.load(case.theme))), "the unchanged theme must pass first"
    assert _check(case, case.render(Theme.load(case.theme, **tokens)))


def test_references_are_small() -> None:
    """Greyscale, low resolution: the references stay well under 2 MB together."""
    paths = list(REF.glob("*.png"))
    assert paths
    assert sum(p.stat().st_size for p in paths) < 1_000_000
    for path in paths:
        with Image.open(path) as image:
            assert image.mode == "L", path.name
    names = {c.name for c in CASES}
    stray = [p.name for p in paths if p.stem.rsplit("-", 1)[0] not in names]
    assert not stray, f"references of no case: {stray}"


def test_same_and_difference() -> None:
    white = Image.new("L", (100, 100), 255)
    speck = white.copy()
    speck.putpixel((5, 5), 0)
    assert same(white, white.copy())
    assert same(white, speck)  # one pixel in 10,000 is within the tolerance
    block = white.copy()
    block.paste(0, (0, 0, 10, 10))
    assert not same(white, block)  # a hundred are not
    assert not same(white, Image.new("L", (100, 101), 255))  # nor is another size
    assert difference(white, block) == pytest.approx((2.55, 0.01))


def test_regenerate_names_unknown_cases(capsys: pytest.CaptureFixture[str]) -> None:
    import regenerate

    assert regenerate.main(["no-such-case"]) == 2
    assert "unknown case" in capsys.readouterr().err
    assert Path(regenerate.__file__).parent == REF.parent
