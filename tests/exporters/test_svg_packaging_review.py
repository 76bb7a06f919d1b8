"""Hostile SVG figures that got past :func:`packaged_svg` (review of the SVG packaging)."""

from __future__ import annotations

import pytest

from opedexport.exporters._svg import packaged_svg
from opedexport.images import ImageRefused, inspect_image

_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'


@pytest.mark.parametrize(
    "body",
    [
        b'<a><animate attributeName="href" values="javascript:alert(1)"/><text y="9">x</text></a>',
        b'<a><set attributeName="xlink:href" to="javascript:alert(1)"/><text y="9">x</text></a>',
        b'<image width="5" height="5"><set attributeName="href" to="http://tracker.invalid/t.png"/></image>',
    ],
)
def test_an_animation_that_sets_a_reference_is_refused(body: bytes) -> None:
    with pytest.raises(ImageRefused, match="changes a reference"):
        packaged_svg(_SVG + body + b"</svg>")


def test_animating_other_attributes_is_kept() -> None:
    out = packaged_svg(_SVG + b'<rect width="5" height="5"><set attributeName="fill" to="red"/></rect></svg>')
    assert b'attributeName="fill"' in out


def test_entities_declared_in_utf7_are_refused() -> None:
    # "<!ENTITY" spelt in UTF-7 passes the byte check of the image check; written again without its
    # DOCTYPE, the SVG would use an undeclared entity and not be well-formed XML in the EPUB.
    data = (
        b'<?xml version="1.0" encoding="UTF-7"?><!DOCTYPE svg [+ADw-!ENTITY a "x">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text y="9">&a;</text></svg>'
    )
    assert inspect_image(data, max_pixels=10**6) is not None  # the case this guards
    with pytest.raises(ImageRefused, match="entities"):
        packaged_svg(data)


def test_a_style_nested_too_deep_is_refused_not_a_crash() -> None:
    n = 20_000
    data = _SVG + b'<rect width="5" height="5" style="fill:' + b"(" * n + b"url(#a)" + b")" * n + b'"/></svg>'
    with pytest.raises(ImageRefused, match="nests too deep"):
        packaged_svg(data)


@pytest.mark.parametrize(
    "attribute",
    [
        'mask="image-set(&quot;http://tracker.invalid/m.png&quot; 1x)"',
        'fill="src(&quot;http://tracker.invalid/f&quot;)"',
    ],
)
def test_a_presentation_attribute_naming_a_url_without_url_is_refused(attribute: str) -> None:
    # A presentation attribute takes its property's value: mask="image-set('…' 1x)" fetches the image.
    with pytest.raises(ImageRefused, match="refers outside"):
        packaged_svg(_SVG + f'<rect width="5" height="5" {attribute}/></svg>'.encode())


def test_an_attribute_that_merely_says_image_is_kept() -> None:
    out = packaged_svg(_SVG + b'<rect id="image-1" class="image" width="5" height="5"/></svg>')
    assert b'id="image-1"' in out


@pytest.mark.parametrize(
    "element",
    [
        b'<h:meta xmlns:h="http://www.w3.org/1999/xhtml" http-equiv="refresh" content="0;url=http://tracker.invalid/"/>',
        b'<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="http://tracker.invalid/t.png"/>',
    ],
)
def test_html_elements_in_an_svg_are_refused(element: bytes) -> None:
    # Outside a <foreignObject> too: a browser opening the SVG file makes them HTML elements, which load.
    with pytest.raises(ImageRefused, match="HTML"):
        packaged_svg(_SVG + element + b"</svg>")
