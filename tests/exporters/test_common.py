"""Text every exporter prints the same way (:mod:`opedexport.exporters._common`)."""

from __future__ import annotations

import pytest

from opedexport.exporters._common import credit_text
from opedexport.i18n import labels_for


@pytest.mark.parametrize(
    ("credit", "lang", "printed"),
    [
        ("Budi Santoso", "id", "Foto: Budi Santoso"),
        ("Erik Sand / AP", "en", "Photo: Erik Sand / AP"),
        # the source named the credit's kind: printed as written, not "Foto: Foto: …"
        ("Foto: Budi Santoso", "id", "Foto: Budi Santoso"),
        ("Sumber: Badan Pusat Statistik", "id", "Sumber: Badan Pusat Statistik"),
        ("Photo credit: Erik Sand", "en", "Photo credit: Erik Sand"),
        ("ILUSTRASI: Tim Grafis", "id", "ILUSTRASI: Tim Grafis"),
        # a colon further in is part of the name
        ("Reuters, 12 May 2025: archive", "en", "Photo: Reuters, 12 May 2025: archive"),
    ],
)
def test_a_credit_names_its_kind_once(credit: str, lang: str, printed: str) -> None:
    assert credit_text(credit, labels_for(lang)) == printed
