"""Regenerate the visual references (tests/visual/ref/*.png) after an intended change of the output.

    python tests/visual/regenerate.py            # every case
    python tests/visual/regenerate.py sample-modern feature-default   # some

It renders with this checkout's code (``src/``), whatever is installed. Review the change by looking at
the new images (``git diff --stat tests/visual/ref`` lists those that changed; open them side by side
with the old ones) before committing them.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1] / "src"), str(HERE.parent), str(HERE)]

from visual_cases import CASES, MAX_PAGES, REF, page_count, page_images, reference_paths, save  # noqa: E402

from opedexport.theme import Theme  # noqa: E402


def main(names: list[str]) -> int:
    """Regenerate the cases named (all if none); print what was written."""
    known = {case.name: case for case in CASES}
    unknown = [name for name in names if name not in known]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}; known: {', '.join(known)}", file=sys.stderr)
        return 2
    REF.mkdir(exist_ok=True)
    for case in [known[name] for name in names] or CASES:
        pdf = case.render(Theme.load(case.theme))
        for old in reference_paths(case):
            old.unlink()
        images = page_images(pdf, MAX_PAGES)
        for number, image in enumerate(images, start=1):
            save(image, REF / f"{case.name}-{number}.png")
        print(f"{case.name}: {len(images)} of {page_count(pdf)} page(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
