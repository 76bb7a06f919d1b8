"""Language detection over the languages with rules files: short op-eds (a title and three paragraphs)
in each language, languages that share many stop words (Spanish, Portuguese, Italian, French; Malay
and Indonesian), and articles that quote another language."""

from __future__ import annotations

from pathlib import Path

import pytest

from opedexport.langdetect import detect_language, known_languages

SAMPLE = Path(__file__).resolve().parents[1] / "source" / "000_ed708197f1b9d573.txt"

SHORT = {
    "de": """Mehr Mut in der Klimapolitik

Die Bundesregierung hat sich ehrgeizige Ziele gesetzt, doch bei der Umsetzung fehlt oft der Mut. Wer die Emissionen senken will, muss auch unbequeme Entscheidungen treffen.

Viele Gemeinden sind schon weiter als der Bund. Sie bauen Wärmenetze, fördern Solaranlagen auf Schulen und beteiligen die Bürger an den Erträgen.

Es wäre klug, diese Erfahrungen zu nutzen, statt jedes Jahr ein neues Programm aufzulegen.""",
    "fr": """Le vélo n’est pas un luxe

Dans la plupart des villes françaises, les pistes cyclables restent discontinues et dangereuses. Les familles hésitent donc à laisser leurs enfants aller à l’école à vélo.

Pourtant, chaque euro investi dans ces aménagements rapporte davantage qu’il ne coûte, selon plusieurs études publiées depuis dix ans.

Il est temps que l’État accompagne les communes qui ont déjà fait ce choix.""",
    "es": """La vivienda ya no puede esperar

Los jóvenes de nuestro país dedican más de la mitad de su sueldo al alquiler. Muchos no pueden independizarse hasta pasados los treinta años.

El Gobierno ha anunciado un nuevo plan, pero los anteriores se quedaron en el papel porque los ayuntamientos no tenían suelo ni dinero para construir.

Hace falta un acuerdo entre todas las administraciones que dure más que una legislatura.""",
    "pt": """O interior não pode ficar para trás

Nas últimas décadas, muitas aldeias do interior perderam metade da população. As escolas fecharam, os centros de saúde reduziram o horário e os jovens foram para as cidades.

Não basta prometer incentivos fiscais. É preciso garantir transportes, internet e serviços públicos que permitam às famílias ficar.

O país só será justo quando nascer no interior não for uma desvantagem.""",
    "it": """La scuola ha bisogno di stabilità

Ogni settembre migliaia di studenti iniziano l’anno senza conoscere i propri insegnanti. Molti docenti precari cambiano scuola ogni anno e non possono seguire le classi nel tempo.

Il problema non si risolve con un concorso straordinario. Serve un piano pluriennale che dia certezze alle famiglie e a chi lavora nella scuola.

Solo così la scuola pubblica potrà tornare a essere un luogo in cui si costruisce il futuro del Paese.""",
    "nl": """Het openbaar vervoer verdient meer geld

In veel dorpen rijdt de bus nog maar één keer per uur, en op zondag helemaal niet. Voor ouderen zonder auto betekent dat dat ze nauwelijks nog de deur uit kunnen.

Het kabinet wil bezuinigen, maar dat is kortzichtig. Goed openbaar vervoer houdt dorpen leefbaar en haalt auto’s van de weg.

Wie wil dat mensen op het platteland blijven wonen, moet ook zorgen dat ze er weg kunnen komen.""",
    "ms": """Pendidikan awal kanak-kanak perlu diutamakan

Ramai ibu bapa di kawasan luar bandar masih sukar mendapatkan tempat di tadika yang berkualiti. Kos yang tinggi dan jarak yang jauh menyebabkan sebahagian kanak-kanak tidak bersekolah sehingga umur tujuh tahun.

Kajian menunjukkan bahawa pendidikan awal memberi kesan yang besar kepada pencapaian murid selepas itu. Oleh itu, kerajaan boleh menambah bilangan tadika awam di kawasan yang memerlukan.

Pelaburan ini bukan sahaja membantu keluarga, malah memperkukuh masa depan negara.""",
    "id": """Transportasi publik harus menjadi prioritas

Kemacetan di kota-kota besar Indonesia terus memburuk setiap tahun. Warga menghabiskan berjam-jam di jalan karena belum ada transportasi publik yang bisa diandalkan.

Pemerintah daerah sebenarnya dapat memperbaiki layanan bus dan menyediakan trotoar yang layak. Namun, anggaran sering habis untuk proyek jalan baru yang justru menambah jumlah kendaraan.

Sudah saatnya kita menempatkan pejalan kaki dan pengguna angkutan umum di atas segalanya.""",
    "en": """Our libraries deserve better

Public libraries have quietly become the last free indoor spaces in many towns. They host job seekers, students and older people who have nowhere else to go.

Yet their budgets have been cut year after year, and opening hours are shorter than they were a decade ago.

Councils should see libraries as infrastructure, not as a luxury they can trim when money is tight.""",
}


def test_every_language_has_a_short_sample() -> None:
    assert set(SHORT) == set(known_languages())


@pytest.mark.parametrize("lang", sorted(SHORT))
def test_short_op_ed_is_detected(lang: str) -> None:
    found, confidence = detect_language(SHORT[lang])
    assert found == lang
    assert confidence >= 0.8


@pytest.mark.parametrize("lang", ["es", "pt", "it", "fr"])
def test_romance_languages_are_told_apart_by_a_margin(lang: str) -> None:
    """They share "de", "a", "que", "la", "se" …: the words only one of them uses decide, by several points."""
    found, _ = detect_language(SHORT[lang])
    assert found == lang
    for other in {"es", "pt", "it", "fr"} - {lang}:
        assert detect_language(SHORT[lang], candidates=[other, lang])[0] == lang
    # Even one paragraph is enough.
    first = SHORT[lang].split("\n\n")[1]
    assert detect_language(first)[0] == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("O governo não sabe o que fazer com as escolas.", "pt"),
        ("El gobierno no sabe qué hacer con las escuelas.", "es"),
        ("Il governo non sa cosa fare con le scuole.", "it"),
        ("Le gouvernement ne sait pas quoi faire avec les écoles.", "fr"),
    ],
)
def test_one_sentence_each(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang


def test_malay_is_told_from_indonesian() -> None:
    assert detect_language(SHORT["ms"])[0] == "ms"
    assert detect_language(SHORT["id"])[0] == "id"
    # The same sentence in each spelling: "bahawa", "kerana", "boleh" against "bahwa", "karena", "bisa".
    assert detect_language("Kami percaya bahawa mereka boleh berubah kerana masa depan masih panjang.")[0] == "ms"
    assert detect_language("Kami percaya bahwa mereka bisa berubah karena masa depan masih panjang.")[0] == "id"


def test_a_text_that_cannot_tell_malay_from_indonesian_is_indonesian() -> None:
    """Only words the two share: a tie, which Malay's rules give to Indonesian (``defers_to``)."""
    text = "Mereka tidak akan datang ke sini dan kami juga tidak dapat pergi ke sana dengan mereka."
    lang, confidence = detect_language(text)
    assert lang == "id"
    assert confidence > 0.5
    # Without Indonesian among the candidates, Malay is the answer.
    assert detect_language(text, candidates=["ms", "en"])[0] == "ms"


def test_indonesian_sample_stays_indonesian() -> None:
    lang, confidence = detect_language(SAMPLE.read_text(encoding="utf-8"))
    assert lang == "id"
    assert confidence >= 0.95


def test_a_hyphenated_compound_is_one_word() -> None:
    """ "Non-Tradisional" in an Indonesian text is no Italian "non"."""
    assert detect_language("non non non") == ("it", 0.3)
    assert detect_language("Non-Tradisional Non-Blok Non-Formal") == ("und", 0.0)


@pytest.mark.parametrize(
    ("lang", "quote"),
    [
        ("fr", "« We don’t need another plan, we need time and the money to do it », a dit le maire."),
        ("de", "„This is not the end of the story“, sagte die Ministerin am Abend."),
        ("es", "«The water is simply not there anymore», explicó un agricultor de la zona."),
        ("ms", "“We have to act before it is too late for all of us,” kata menteri itu."),
    ],
)
def test_an_english_quote_does_not_change_the_language(lang: str, quote: str) -> None:
    title, first, *rest = SHORT[lang].split("\n\n")
    text = "\n\n".join([title, first, quote, *rest])
    found, confidence = detect_language(text)
    assert found == lang
    assert confidence >= 0.7


def test_an_english_article_quoting_french_stays_english() -> None:
    text = SHORT["en"] + '\n\n"Les bibliothèques sont le dernier lieu public gratuit", said a librarian in Lyon.'
    assert detect_language(text)[0] == "en"


SWEDISH = """Vi måste bygga fler bostäder för unga

Det har blivit nästan omöjligt för unga människor att hitta en egen bostad i de stora städerna. Köerna till hyresrätterna är flera år långa och priserna på bostadsrätter har stigit snabbare än lönerna.

Kommunerna har ett stort ansvar, men staten måste också ta sitt. Det behövs långsiktiga regler som gör det lönsamt att bygga hyresrätter med rimliga hyror."""
POLISH = """Szkoła potrzebuje spokoju

Od lat polska szkoła przechodzi kolejne reformy, a nauczyciele nie mają czasu, by się do nich przyzwyczaić. Każdy nowy minister zmienia podstawę programową i zasady egzaminów.

Uczniowie i rodzice tracą zaufanie do systemu, który co kilka lat wymyśla się od nowa. Tymczasem najlepsze systemy edukacji na świecie zmieniają się powoli i po długich konsultacjach."""
RESULTS = """Weekend results

Northfield d. Eastbrook 70-44. Northfield (3-1): Tolliver 25 points, Davies 17 points, Burke 10 points.
Eastbrook (0-4): Blake 15 points, Dean 2 points, Baker 6 points, Brown 4 points, Upton 3 points.
Harbor City d. Lakeside 3-1. Harbor City (4-0): Hupfer 1 goal, Patton 1 goal, Nielsen 1 goal.
Lakeside (3-1): Martinez 1 goal, Robbins 1 save. Westport d. Millbrook 61-21. Westport (2-2): Carter 20 points.
Millbrook (1-3): Hayes 9 points, Foster 6 points, Grant 4 points, Porter 2 points. Riverside d. Oakdale 8-0.
Riverside (3-0): Osaro 3 goals, Hara 2 goals, Watts 1 goal, Robinson 1 goal. Oakdale (1-2): Munoz 8 saves.
Northgate d. Southport 2-1. Northgate (2-1): Reyes 1 goal, Quinn 1 goal. Southport (0-3): Kemp 1 goal.
Player of the week: Jordan Miles, the goalkeeper of the year, the best of eleven."""


@pytest.mark.parametrize("text", [SWEDISH, POLISH], ids=["sv", "pl"])
def test_a_language_without_rules_is_undetermined(text: str) -> None:
    """A few of its short words ("en", "de", "om"; "a", "do", "na") are on some lists: too little, too common."""
    assert detect_language(text) == ("und", 0.0)


def test_english_with_few_stop_words_stays_english() -> None:
    """A list of results has few stop words, but they are English only ("the", "of")."""
    assert detect_language(RESULTS)[0] == "en"


def test_every_detected_language_has_labels() -> None:
    """A language that can be detected prints its own labels: "Por", "Di", "Oleh", not "By"."""
    from opedexport.i18n import labels_for

    common = ("by", "edited_by", "and", "contents", "notes", "page", "of", "photo", "opinion", "footnote")
    english = labels_for("en")
    for lang in known_languages():
        labels = labels_for(lang)
        assert all(labels[key] for key in common), lang
        if lang != "en":
            assert labels.by != english.by, lang
