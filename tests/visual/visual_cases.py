"""The documents of the visual reference tests, their page images, and how two images are compared.

Shared by ``test_visual.py`` and ``regenerate.py``. A case is rendered to PDF with the shipped fonts under
``SOURCE_DATE_EPOCH`` (so the same code gives the same pixels), then each of its first pages to a
greyscale PNG at :data:`DPI` by ``pdftoppm``. The references live in ``ref/`` as ``<case>-<page>.png``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
REF = HERE / "ref"
DPI = 40
#: The most pages of a case kept as references (an anthology's first pages).
MAX_PAGES = 4
#: Two pages are the same when their mean difference (0–255 grey levels) is at most this …
MEAN_LIMIT = 0.5
#: … and at most this share of their pixels differ by more than :data:`PIXEL_LIMIT` grey levels.
SHARE_LIMIT = 0.0005
PIXEL_LIMIT = 32

os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")


@dataclass(frozen=True)
class Case:
    """One reference document: its name (the PNGs' prefix) and how its PDF is made from a theme."""

    name: str
    theme: str
    render: Callable[[Any], bytes]
    """Makes the PDF with the :class:`~opedexport.theme.Theme` given."""


def _sample(theme: Any) -> bytes:
    from conftest import SOURCE
    from opedexport import api

    return api.export_bytes(api.read(SOURCE / "000_ed708197f1b9d573.txt"), "pdf", theme)


def _feature(theme: Any) -> bytes:
    from conftest import DATA, feature_article
    from opedexport import api

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "images").mkdir()
        shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
        return api.export_bytes(feature_article("en", folder), "pdf", theme)


def _anthology(theme: Any) -> bytes:
    from conftest import DATA
    from opedexport import api
    from opedexport.collection import load_manifest

    return api.export_collection_bytes(load_manifest(DATA / "collection" / "manifest.yaml"), "pdf", theme)


THEMES = ("default", "modern", "newspaper")
CASES: tuple[Case, ...] = (
    *(Case(f"sample-{t}", t, _sample) for t in THEMES),
    *(Case(f"feature-{t}", t, _feature) for t in THEMES),
    Case("anthology-default", "default", _anthology),
)


def page_images(pdf: bytes, pages: int = MAX_PAGES) -> list[Image.Image]:
    """The first ``pages`` pages of ``pdf`` as greyscale images at :data:`DPI`, by ``pdftoppm``."""
    out = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), "-f", "1", "-l", str(pages), "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    images = []
    while out:
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", out)
        if header is None:
            raise ValueError("pdftoppm wrote something other than greyscale pages")
        end = header.end() + int(header[1]) * int(header[2])
        images.append(Image.open(io.BytesIO(out[:end])).convert("L"))
        out = out[end:]
    return images


def page_count(pdf: bytes) -> int:
    """The PDF's number of pages (pdfinfo)."""
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True, text=False).stdout
    found = re.search(rb"Pages:\s+(\d+)", info)
    if found is None:
        raise ValueError("pdfinfo gave no page count")
    return int(found[1])


def reference_paths(case: Case) -> list[Path]:
    """The reference PNGs of ``case``, in page order."""
    paths = REF.glob(f"{case.name}-*.png")
    return sorted(paths, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def difference(image: Image.Image, reference: Image.Image) -> tuple[float, float]:
    """``(mean difference in grey levels, share of pixels off by more than PIXEL_LIMIT)``; sizes must match."""
    if image.size != reference.size:
        return 255.0, 1.0
    diff = ImageChops.difference(image.convert("L"), reference.convert("L"))
    histogram = diff.histogram()
    total = image.size[0] * image.size[1]
    mean = sum(level * count for level, count in enumerate(histogram)) / total
    share = sum(histogram[PIXEL_LIMIT + 1 :]) / total
    return mean, share


def same(image: Image.Image, reference: Image.Image) -> bool:
    """Whether two page images are the same within the tolerance."""
    mean, share = difference(image, reference)
    return mean <= MEAN_LIMIT and share <= SHARE_LIMIT


def save(image: Image.Image, path: Path) -> None:
    """Write a reference PNG as small as it goes: greyscale, optimised, no metadata."""
    image.convert("L").save(path, format="PNG", optimize=True)
