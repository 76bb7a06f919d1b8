"""Hypothesis strategies for the article model, shared by the serializer and exporter property tests.

Every node type can appear; nesting is bounded by ``depth`` (a note, quote or
list holds blocks built one level shallower). Generated text is XML-legal and
link targets are safe, so building the nodes never emits a warning.

    from strategies import articles

    @given(articles())
    def test_something(article): ...
"""

from __future__ import annotations

from functools import cache

from hypothesis import strategies as st

from opedexport.model import (
    Article,
    Author,
    Block,
    BlockQuote,
    Code,
    Emph,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Paragraph,
    PullQuote,
    Rule,
    Strong,
    Table,
    Text,
)

__all__ = ["articles", "authors", "blocks", "inlines", "safe_text", "words"]

_ALPHABET = st.characters(
    exclude_categories=("Cs", "Cc", "Cn", "Co"),
    exclude_characters="\ufffe\uffff",
    include_characters="\n\t",
)

#: Any XML-legal text, possibly empty (Text, Code, captions).
safe_text = st.text(_ALPHABET, max_size=20)

#: Text with at least one visible character (titles, names, sources).
words = st.text(_ALPHABET, min_size=1, max_size=20).filter(lambda s: bool(s.split()))

_urls = st.one_of(
    st.just(""),
    st.sampled_from(
        ["https://example.org/", "http://example.com/a?b=1#c", "mailto:ed@example.org", "#note", "tel:+62"]
    ),
    st.builds(lambda s: "https://example.org/" + s, st.text("abcxyz019-_/", max_size=10)),
)
_langs = st.one_of(
    st.sampled_from(["und", "en", "id", "en-GB", "id-ID"]), st.from_regex(r"[a-z]{2,3}(-[A-Z]{2})?", fullmatch=True)
)


@cache
def inlines(depth: int = 2) -> st.SearchStrategy[Inline]:
    """One inline; containers nest at most ``depth`` levels (a note's blocks count as one)."""
    leaves: st.SearchStrategy[Inline] = st.one_of(
        st.builds(Text, safe_text), st.builds(Code, safe_text), st.just(LineBreak())
    )
    if depth <= 0:
        return leaves
    children = st.lists(inlines(depth - 1), max_size=3).map(tuple)
    return st.one_of(
        leaves,
        st.builds(Emph, children),
        st.builds(Strong, children),
        st.builds(Link, children, url=_urls, title=safe_text),
        st.builds(Note, st.lists(blocks(depth - 1), min_size=1, max_size=2).map(tuple)),
    )


def _inline_tuple(depth: int, max_size: int = 4) -> st.SearchStrategy[tuple[Inline, ...]]:
    return st.lists(inlines(depth), max_size=max_size).map(tuple)


@cache
def blocks(depth: int = 2) -> st.SearchStrategy[Block]:
    """One block; quotes, lists and notes nest at most ``depth`` levels."""
    cell = _inline_tuple(0, 2)
    leaves: st.SearchStrategy[Block] = st.one_of(
        st.builds(Heading, st.integers(1, 3), _inline_tuple(depth)),
        st.builds(Paragraph, _inline_tuple(depth)),
        st.builds(PullQuote, _inline_tuple(depth), _inline_tuple(0, 2)),
        st.builds(Figure, words, alt=safe_text, caption=_inline_tuple(0, 2), credit=safe_text),
        st.just(Rule()),
        st.integers(1, 3).flatmap(
            lambda n: st.builds(
                Table,
                st.one_of(st.just(()), st.tuples(*[cell] * n)),
                st.lists(st.tuples(*[cell] * n), min_size=1, max_size=3).map(tuple),
                st.one_of(st.just(()), st.tuples(*[st.sampled_from(["", "left", "center", "right"])] * n)),
                _inline_tuple(0, 2),
            )
        ),
    )
    if depth <= 0:
        return leaves
    inner = st.lists(blocks(depth - 1), max_size=3).map(tuple)
    return st.one_of(
        leaves,
        st.builds(BlockQuote, inner, _inline_tuple(0, 2)),
        st.builds(ListBlock, st.booleans(), st.lists(inner, min_size=1, max_size=3).map(tuple), st.integers(0, 1000)),
    )


authors = st.builds(
    Author, words, affiliation=safe_text, bio=safe_text, url=st.sampled_from(["", "https://example.org/"])
)


def articles(depth: int = 2, max_blocks: int = 6) -> st.SearchStrategy[Article]:
    """Whole articles: every metadata field, and up to ``max_blocks`` blocks nested ``depth`` deep."""
    return st.builds(
        Article,
        title=words,
        body=st.lists(blocks(depth), max_size=max_blocks).map(tuple),
        subtitle=safe_text,
        authors=st.lists(authors, max_size=2).map(tuple),
        date=st.one_of(st.none(), st.dates()),
        publication=safe_text,
        lang=_langs,
        tags=st.lists(words, max_size=3).map(tuple),
        summary=safe_text,
        source_url=st.sampled_from(["", "https://example.org/opini/1"]),
        rights=safe_text,
        disclosure=safe_text,
        cover=st.sampled_from(["", "cover.jpg"]),
    )
