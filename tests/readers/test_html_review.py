"""The HTML reader's fixes for the outside review: linear work in line breaks, and metadata on real pages."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opedexport
from opedexport.model import Code, Emph, Inline, LineBreak, Link, Note, Paragraph, Strong, Text
from opedexport.readers.html import _convert

PARA = (
    "The council met on Tuesday to weigh the plan for the bridge, and the members who spoke for it said "
    "the town could not wait another winter for a crossing that had been promised for a decade. "
) * 3


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the nodes handed to ``_rstrip`` while the page is read."""
    handled = [0]
    original = _convert._rstrip

    def counting(nodes: tuple[Any, ...]) -> tuple[Any, ...]:
        handled[0] += len(nodes)
        return original(nodes)

    monkeypatch.setattr(_convert, "_rstrip", counting)
    return handled


@pytest.mark.parametrize("line", ["x<br>", "x <br> ", "<em>x</em><br>", "<b><i>x </i></b><br>"])
def test_line_breaks_cost_work_linear_in_the_page(monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    """Each line break used to copy the paragraph read so far (quadratic: 18 s for a 200 KB page)."""
    handled = _counting(monkeypatch)
    breaks = 3000
    page = f"<html><body><article><h1>T</h1><p>{PARA}</p><p>{PARA}</p><p>{line * breaks}</p></article></body></html>"
    opedexport.read(text=page, format="html")
    assert handled[0] <= 10 * breaks, handled[0]


def test_breaks_after_an_emphasis_full_of_breaks_stay_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """An emphasis ending clean is not rebuilt at each line break after it."""
    handled = _counting(monkeypatch)
    breaks = 2000
    page = (
        f"<html><body><article><h1>T</h1><p>{PARA}</p><p>{PARA}</p>"
        f"<p>a<em>{'y<br>' * breaks}y</em>{'<br>' * breaks}z</p></article></body></html>"
    )
    opedexport.read(text=page, format="html")
    assert handled[0] <= 10 * breaks, handled[0]


def test_spaces_around_line_breaks_are_tidied_as_before() -> None:
    """The spaces HTML would not show go, in and out of emphasis; doubled and final breaks go (as before the fix)."""
    tidy = _convert._clean(
        [
            "  one ",
            Emph((Text("two "), LineBreak())),
            LineBreak(),
            " three ",
            Strong((Text(" "),)),
            LineBreak(),
            LineBreak(),
            "four ",
            LineBreak(),
        ]
    )
    assert tidy == (
        Text("one "),
        Emph((Text("two"),)),
        LineBreak(),
        Text("three"),
        LineBreak(),
        Text("four"),
    )
    article = opedexport.read(text=f"<article><h1>T</h1><p>{PARA}</p><p>a <br> b<br><br>c</p></article>", format="html")
    assert Paragraph((Text("a"), LineBreak(), Text("b"))) in article.body


def _reference_tidy(nodes: tuple[Inline, ...], after_space: list[bool]) -> tuple[Inline, ...]:
    """The tidying as it was before the fix: right, but copying the paragraph at every line break."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            text = node.text.lstrip(" ") if after_space[0] else node.text
            if text:
                out.append(Text(text))
                after_space[0] = text.endswith(" ")
        elif isinstance(node, LineBreak):
            out = list(_convert._rstrip(tuple(out)))
            if out:
                out.append(node)
            after_space[0] = True
        elif isinstance(node, (Emph, Strong, Link)):
            if children := _reference_tidy(node.children, after_space):
                out.append(replace(node, children=children))
        else:
            out.append(node)
            after_space[0] = after_space[0] and isinstance(node, Note)
    return tuple(out)


_LEAVES = st.one_of(st.sampled_from(["", " ", "a", "a ", " a", "  b  "]), st.just(LineBreak()), st.just(Code("c")))
_ITEMS = st.recursive(
    st.lists(_LEAVES, max_size=6),
    lambda inner: st.lists(
        st.one_of(
            _LEAVES,
            inner.map(_convert._merge)
            .filter(bool)
            .flatmap(lambda ch: st.sampled_from([Emph(ch), Strong(ch), Link(ch, "https://example.org/")])),
        ),
        max_size=6,
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_ITEMS)
def test_tidying_is_what_it_was_before_the_fix(items: list[Any]) -> None:
    """The linear tidying gives the very inlines the quadratic one gave."""
    expected = _convert._rstrip(_reference_tidy(_convert._merge(items), [True]))
    assert _convert._clean(items) == expected


# --------------------------------------------------------------------------- metadata on real pages


def _page(head: str, article: str, after: str = "") -> str:
    return (
        f"<!doctype html><html lang='en'><head>{head}</head><body><article>{article}"
        f"<p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article>{after}</body></html>"
    )


@pytest.mark.parametrize(
    "credit",
    [
        "<header><img src='a.jpg' alt='x'><h1>Bridge</h1><div class='copy'><span>© Jane Roe</span></div></header>",
        "<h1>Bridge</h1><figure><img src='a.jpg' alt='x'><figcaption>The river. © Harbour Images</figcaption></figure>",
        "<h1>Bridge</h1><p class='media-credit'>© Jane Roe</p>",
        "<h1>Bridge</h1><p>© AP Photo/Evan Vucci</p>",
    ],
)
def test_a_photo_credit_does_not_name_the_publication(credit: str) -> None:
    """A copyright mark under an image, in a figure or a credit, or shaped as an agency's credit, credits a photo."""
    page = _page("<title>Bridge</title>", credit, "<footer><p>© 2025 The Riverside Ledger</p></footer>")
    assert opedexport.read(text=page, format="html").publication == "The Riverside Ledger"


def test_a_footer_copyright_beside_a_logo_still_names_the_publication() -> None:
    page = _page(
        "<title>Bridge</title>", "<h1>Bridge</h1>", "<footer><img src='logo.png'><p>© 2025 Ledger</p></footer>"
    )
    assert opedexport.read(text=page, format="html").publication == "Ledger"


@pytest.mark.parametrize(
    ("extras", "affiliation"),
    [
        ("<time datetime='2025-05-12'>May 12, 2025, 10:31 pm CST</time>", "Staff Writer"),
        ("<a rel='category tag' href='/c'>Space</a> <span class='share-count'>12</span> Shares", "Staff Writer"),
        ("<span class='post-date'>12 May 2025</span> • 3 min read", "Staff Writer"),
        (", Updated 10:02 AM EST, 2 days ago", "Staff Writer"),
    ],
)
def test_a_bylines_time_category_and_counts_are_not_the_affiliation(extras: str, affiliation: str) -> None:
    byline = f"<p class='byline'>By <span class='author'>Jane Doe</span> - <span>Staff Writer</span> {extras}</p>"
    (author,) = opedexport.read(text=_page("<title>Bridge</title>", f"<h1>Bridge</h1>{byline}"), format="html").authors
    assert (author.name, author.affiliation) == ("Jane Doe", affiliation)


@pytest.mark.parametrize(
    ("head", "h1", "title"),
    [
        ("<meta property='og:title' content='Bridge Talks Stall | The Ledger'>", "Bridge Talks Stall", ""),
        ("<meta property='og:title' content='The Ledger: Bridge Talks Stall'>", "Something else", ""),
        ("<meta name='application-name' content='The Ledger'><title>Bridge Talks Stall - The Ledger</title>", "", ""),
        ("<meta property='og:title' content='Bridge Talks Stall — Ledger Online'>", "Bridge Talks Stall", ""),
        ("<meta property='og:title' content='Bridge: Talks Stall'>", "Talks Stall again", "Bridge: Talks Stall"),
    ],
)
def test_the_sites_name_is_not_part_of_the_title(head: str, h1: str, title: str) -> None:
    """The site's name goes when the page names its site so, or when the ``<h1>`` shows the bare headline."""
    head += "<meta property='og:site_name' content='The Ledger'>"
    article = opedexport.read(text=_page(head, f"<h1>{h1}</h1>" if h1 else ""), format="html")
    assert article.title == (title or "Bridge Talks Stall")


def test_a_title_after_a_colon_is_not_taken_for_a_site_name() -> None:
    """A colon opens the headline's second half ("Brexit: What Next"), not a site's name."""
    head = "<meta property='og:title' content='Brexit: What Next'>"
    assert opedexport.read(text=_page(head, "<h1>Brexit</h1>"), format="html").title == "Brexit: What Next"


def test_a_copyright_bar_in_a_page_wrapper_with_images_still_names_the_publication() -> None:
    """Images elsewhere in the box around the copyright line (the page's wrapper) do not make it a credit."""
    page = (
        "<html><body><div class='page media-site'><div class='content'><img src='a.jpg'>"
        f"<article><h1>Bridge</h1><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></article></div>"
        "<p>© 2025 The Riverside Ledger</p></div></body></html>"
    )
    assert opedexport.read(text=page, format="html").publication == "The Riverside Ledger"
