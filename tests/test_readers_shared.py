"""Helpers the readers share, written once: the language-tag test and inline trimming."""

from __future__ import annotations

import pytest

from opedexport import model as m
from opedexport.errors import ModelError
from opedexport.model import is_lang_tag
from opedexport.readers._normalize import strip_inlines


@pytest.mark.parametrize(
    ("tag", "ok"),
    [
        ("id", True),
        ("en-GB", True),
        ("zh-Hant-TW", True),
        ("", False),
        ("e", False),
        ("en_GB", False),
        ("english language", False),
    ],
)
def test_one_language_tag_test(tag: str, ok: bool) -> None:
    assert is_lang_tag(tag) is ok
    if ok:
        m.Article(title="T", lang=tag)  # the model accepts what the readers accept
    else:
        with pytest.raises(ModelError):
            m.Article(title="T", lang=tag)


def test_strip_inlines_trims_both_ends_inside_emphasis_and_links() -> None:
    inlines = (
        m.LineBreak(),
        m.Text("  "),
        m.Strong((m.Text("  Bold"),)),
        m.Text(" middle "),
        m.Link((m.Text("end  "),), "https://example.org/"),
        m.Emph((m.Text("   "),)),
        m.LineBreak(),
    )
    assert strip_inlines(inlines) == (
        m.Strong((m.Text("Bold"),)),
        m.Text(" middle "),
        m.Link((m.Text("end"),), "https://example.org/"),
    )
    assert strip_inlines((m.Text("  "), m.LineBreak())) == ()


def test_the_docx_reader_uses_the_shared_helpers() -> None:
    from opedexport.readers import docx

    assert not hasattr(docx, "_LANG_TAG") and not hasattr(docx, "_strip")
