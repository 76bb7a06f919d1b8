"""The plain-text reader on op-eds in the languages with a rules file besides English and Indonesian.

Each ``tests/data/text/languages/<lang>.txt`` is a hand-written op-ed copied from a news site: title,
byline with affiliation, a dateline, paragraphs, a section heading, and the site's boilerplate in the
language's own wording (read-also, advert, related links, share row, newsletter, follow-us, copyright).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

from opedexport.model import Heading, Paragraph, plain_text
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.text import LineRules, TextReader

DATA = Path(__file__).resolve().parents[1] / "data" / "text" / "languages"
MAY_12 = dt.date(2025, 5, 12)


@dataclass(frozen=True)
class Oped:
    lang: str
    title: str
    authors: tuple[tuple[str, str], ...]
    heading: str
    #: The first words of each body paragraph, in order.
    paragraphs: tuple[str, ...]
    #: Each boilerplate line of the copy and the rule that must remove it.
    removed: dict[str, str]


SHARE, LINK_LIST = "boilerplate:share", "page:link-list"

OPEDS = [
    Oped(
        "de",
        "Die Stadt gehört nicht nur den Autos",
        (("Anna Schmidt", "Professorin für Stadtplanung an der Technischen Universität Dresden"),),
        "Was die Kommunen jetzt tun können",
        (
            "In vielen deutschen",
            "Dabei haben Städte",
            "Die Erfahrung aus",
            "Die Kommunen müssen",
            "Natürlich wird es",
            "Die Stadt der Zukunft",
        ),
        {
            "Lesen Sie auch: Warum Radwege allein die Verkehrswende nicht retten": "boilerplate:read-also",
            "Anzeige": "boilerplate:advert",
            "Das könnte Sie auch interessieren": "boilerplate:related",
            "Wohnungsbau: Warum die Mieten weiter steigen": LINK_LIST,
            "Nahverkehr: Das Deutschlandticket wird teurer": LINK_LIST,
            "Artikel teilen": SHARE,
            "Facebook Twitter WhatsApp E-Mail": SHARE,
            "Jetzt den Newsletter abonnieren und keine Analyse mehr verpassen.": "boilerplate:newsletter",
            "Folgen Sie uns auf Instagram und Mastodon": "boilerplate:follow-us",
            "© 2025 Rheinische Stadtzeitung. Alle Rechte vorbehalten.": "boilerplate:copyright",
        },
    ),
    Oped(
        "fr",
        "Nos villes moyennes méritent mieux qu’un plan de plus",
        (
            ("Claire Martin", "Chercheurs à l’Institut d’études urbaines de Lyon"),
            ("Julien Moreau", "Chercheurs à l’Institut d’études urbaines de Lyon"),
        ),
        "Faire confiance aux élus locaux",
        (
            "Depuis une dizaine",
            "Le problème n’est pas",
            "Un maire nous a confié",
            "Il faut donner",
            "Cela suppose aussi",
        ),
        {
            "Lire aussi : Dans les petites villes, la fermeture des commerces n’est pas une fatalité": (
                "boilerplate:read-also"
            ),
            "Publicité": "boilerplate:advert",
            "Sur le même sujet": "boilerplate:related",
            "Logement : les maires face à la crise des loyers": LINK_LIST,
            "Transports : le retour des petites lignes ferroviaires": LINK_LIST,
            "Partager": SHARE,
            "Facebook Twitter LinkedIn E-mail": SHARE,
            "Abonnez-vous à notre newsletter pour recevoir nos tribunes chaque semaine.": "boilerplate:newsletter",
            "Suivez-nous sur Instagram et sur LinkedIn": "boilerplate:follow-us",
            "© Le Courrier des Régions 2025 – Tous droits réservés": "boilerplate:copyright",
        },
    ),
    Oped(
        "es",
        "El agua no puede seguir siendo un problema de otros",
        (("Lucía Fernández", "profesora de Ecología en la Universidad de Granada"),),
        "Una tarea de todos",
        (
            "Cada verano repetimos",
            "Sin embargo, la escasez",
            "La agricultura consume",
            "Las ciudades también",
            "Nadie puede resolver",
        ),
        {
            "Lee también: La sequía obliga a replantear los regadíos del sur": "boilerplate:read-also",
            "Publicidad": "boilerplate:advert",
            "Noticias relacionadas": "boilerplate:related",
            "Los embalses del sur, al 40% de su capacidad": LINK_LIST,
            "Qué hacer para ahorrar agua en casa": LINK_LIST,
            "Compartir": SHARE,
            "Facebook X WhatsApp Telegram": SHARE,
            "Suscríbete a nuestro boletín y recibe cada mañana las noticias más importantes.": (
                "boilerplate:newsletter"
            ),
            "Síguenos en Instagram y en Google Noticias": "boilerplate:follow-us",
            "© 2025 Diario del Sur. Todos los derechos reservados.": "boilerplate:copyright",
        },
    ),
    Oped(
        "pt",
        "A escola pública precisa de tempo, não de slogans",
        (("Ana Ribeiro", "Professora de Sociologia da Educação na Universidade de Coimbra"),),
        "O que pode mudar já",
        (
            "Todos os anos",
            "O problema não se resolve",
            "Os diretores fazem",
            "É possível começar",
            "Nada disto é revolucionário",
        ),
        {
            "Leia também: Falta de professores já afeta escolas do interior": "boilerplate:read-also",
            "Publicidade": "boilerplate:advert",
            "Notícias relacionadas": "boilerplate:related",
            "Concursos de professores atrasados mais uma vez": LINK_LIST,
            "Escolas do Alentejo sem técnicos de apoio": LINK_LIST,
            "Partilhar": SHARE,
            "Facebook WhatsApp E-mail": SHARE,
            "Receba a nossa newsletter no seu e-mail todas as manhãs.": "boilerplate:newsletter",
            "Siga-nos no Instagram e no Facebook": "boilerplate:follow-us",
            "© 2025 Jornal da Beira. Todos os direitos reservados.": "boilerplate:copyright",
        },
    ),
    Oped(
        "it",
        "Il turismo non può svuotare i nostri centri storici",
        (("Giulia Bianchi", "Ricercatrice di Economia del turismo all’Università di Bologna"),),
        "Regole chiare per gli affitti brevi",
        (
            "Chi passeggia oggi",
            "Il turismo è una risorsa",
            "Negli ultimi dieci anni",
            "Serve un limite",
            "Non si tratta",
        ),
        {
            "Leggi anche: Venezia, il ticket d’ingresso non basta": "boilerplate:read-also",
            "Pubblicità": "boilerplate:advert",
            "Articoli correlati": "boilerplate:related",
            "Affitti brevi, la nuova legge divide i sindaci": LINK_LIST,
            "Firenze, stop ai nuovi negozi nel centro Unesco": LINK_LIST,
            "Condividi": SHARE,
            "Facebook X WhatsApp E-mail": SHARE,
            "Iscriviti alla nostra newsletter per ricevere ogni settimana i commenti della redazione.": (
                "boilerplate:newsletter"
            ),
            "Seguici su Instagram e su Telegram": "boilerplate:follow-us",
            "© Riproduzione riservata": "boilerplate:copyright",
        },
    ),
    Oped(
        "nl",
        "Geef jongeren een eerlijke kans op een huis",
        (("Sanne de Vries", "hoogleraar woningmarkt aan de Universiteit van Amsterdam"),),
        "Bouwen alleen is niet genoeg",
        (
            "Wie vandaag dertig",
            "De politiek belooft",
            "Gemeenten hebben meer",
            "Ook de fiscale regels",
            "Een eerlijke woningmarkt",
        ),
        {
            "Lees ook: Starters blijven achter op de woningmarkt": "boilerplate:read-also",
            "Advertentie": "boilerplate:advert",
            "Gerelateerde artikelen": "boilerplate:related",
            "Huurprijzen in Utrecht stijgen opnieuw": LINK_LIST,
            "Kabinet wil sneller bouwen op rand van dorpen": LINK_LIST,
            "Delen": SHARE,
            "Facebook LinkedIn WhatsApp E-mail": SHARE,
            "Schrijf je in voor onze nieuwsbrief en ontvang elke vrijdag de beste opinies.": "boilerplate:newsletter",
            "Volg ons op Instagram en LinkedIn": "boilerplate:follow-us",
            "© 2025 Dagblad van het Oosten. Alle rechten voorbehouden.": "boilerplate:copyright",
        },
    ),
    Oped(
        "ms",
        "Bandar kita perlu lebih mesra pejalan kaki",
        (("Ahmad Faizal bin Ismail", "Pensyarah Kanan, Fakulti Alam Bina, Universiti Malaya"),),
        "Apa yang boleh dilakukan",
        (
            "Sesiapa yang pernah",
            "Masalah ini bukan sahaja",
            "Kajian di pelbagai bandar",
            "Pihak berkuasa tempatan",
            "Selepas itu",
        ),
        {
            "Baca juga: Kos sara hidup di bandar terus meningkat": "boilerplate:read-also",
            "Iklan": "boilerplate:advert",
            "Artikel berkaitan": "boilerplate:related",
            "Tambang pengangkutan awam akan disemak semula": LINK_LIST,
            "Projek laluan basikal di Kuala Lumpur ditangguhkan": LINK_LIST,
            "Kongsi": SHARE,
            "Facebook WhatsApp Telegram": SHARE,
            "Dapatkan berita terkini melalui saluran Telegram kami.": "boilerplate:newsletter",
            "Ikuti kami di Facebook dan TikTok": "boilerplate:follow-us",
            "Hak cipta terpelihara © 2025 Suara Semenanjung": "boilerplate:copyright",
        },
    ),
]


def read(oped: Oped) -> ReadResult:
    return TextReader().read(Source.from_path(DATA / f"{oped.lang}.txt"))


@pytest.mark.parametrize("oped", OPEDS, ids=lambda o: o.lang)
def test_language_and_metadata(oped: Oped) -> None:
    result = read(oped)
    article = result.article
    assert article.lang == oped.lang
    assert any(f"language {oped.lang}: detected" in note for note in result.notes)
    assert article.title == oped.title
    assert [(a.name, a.affiliation) for a in article.authors] == list(oped.authors)
    assert article.date == MAY_12
    assert {r.rule for r in result.removed if r.rule.startswith("metadata:")} == {
        "metadata:title",
        "metadata:byline",
        "metadata:dateline",
    }


@pytest.mark.parametrize("oped", OPEDS, ids=lambda o: o.lang)
def test_heading_and_paragraphs_kept(oped: Oped) -> None:
    body = read(oped).article.body
    headings = [plain_text(b.children) for b in body if isinstance(b, Heading)]
    paragraphs = [plain_text(b.children) for b in body if isinstance(b, Paragraph)]
    assert headings == [oped.heading]
    assert len(paragraphs) == len(oped.paragraphs)
    for text, opening in zip(paragraphs, oped.paragraphs, strict=True):
        assert text.startswith(opening), (text, opening)
        assert text.endswith((".", "!", "?")), text


@pytest.mark.parametrize("oped", OPEDS, ids=lambda o: o.lang)
def test_each_boilerplate_line_removed_with_its_rule(oped: Oped) -> None:
    result = read(oped)
    removed = {r.text: r.rule for r in result.removed}
    for line, rule in oped.removed.items():
        assert removed.get(line) == rule, line
    body = " ".join(plain_text(b.children) for b in result.article.body if isinstance(b, (Heading, Paragraph)))
    for line in oped.removed:
        assert line not in body


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Montag, 12. Mai 2025", MAY_12),
        ("Berlin, 3. März 2024, 10:15 Uhr", dt.date(2024, 3, 3)),
        ("Veröffentlicht am 12.05.2025", MAY_12),
        ("Publié le 1er mai 2025", dt.date(2025, 5, 1)),
        ("mardi 4 février 2025", dt.date(2025, 2, 4)),
        ("Lunes, 12 de mayo de 2025", MAY_12),
        ("Publicado el 7 de julio de 2024", dt.date(2024, 7, 7)),
        ("Sexta-feira, 12 de maio de 2025", MAY_12),
        ("Lisboa, 15 de agosto de 2024", dt.date(2024, 8, 15)),
        ("Pubblicato il 12 maggio 2025", MAY_12),
        ("Giovedì 2 gennaio 2025", dt.date(2025, 1, 2)),
        ("Maandag 12 mei 2025", MAY_12),
        ("Bijgewerkt op 1 maart 2025", dt.date(2025, 3, 1)),
        ("Khamis, 14 Ogos 2025", dt.date(2025, 8, 14)),
        ("Isnin, 12 Mei 2025", MAY_12),
    ],
)
def test_datelines(line: str, date: dt.date) -> None:
    assert LineRules().date(line) == date


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Ein Gastbeitrag von Jonas Weber und Lena Koch", [("Jonas Weber", ""), ("Lena Koch", "")]),
        (
            "Par Sophie Laurent, maîtresse de conférences à l’université de Lille",
            [("Sophie Laurent", "maîtresse de conférences à l’université de Lille")],
        ),
        ("Por Carlos Ruiz y Marta Gil", [("Carlos Ruiz", ""), ("Marta Gil", "")]),
        ("Por João Mendes e Rita Costa", [("João Mendes", ""), ("Rita Costa", "")]),
        ("di Marco Rossi e Chiara Conti", [("Marco Rossi", ""), ("Chiara Conti", "")]),
        ("Door Pieter van Dijk en Eva Jansen", [("Pieter van Dijk", ""), ("Eva Jansen", "")]),
        ("Oleh: Nurul Huda binti Ahmad", [("Nurul Huda binti Ahmad", "")]),
    ],
)
def test_bylines(line: str, authors: list[tuple[str, str]]) -> None:
    assert [(a.name, a.affiliation) for a in LineRules().byline(line)] == authors


@pytest.mark.parametrize(
    "line",
    [
        "Di Tengah Krisis Pangan, Petani Bertahan",  # an Indonesian standfirst, not an Italian byline
        "Di Balik Layar Pemilu",
        "Von der Leyen warnt vor neuen Zöllen",
        "Par les temps qui courent, tout augmente",
    ],
)
def test_not_bylines(line: str) -> None:
    assert LineRules().byline(line) == []


@pytest.mark.parametrize(
    "line",
    [
        # Real sentences that share words with the new rules stay in the article.
        "Die Anzeige wurde von der Polizei aufgenommen.",
        "Partager les richesses reste le grand défi de ce siècle.",
        "Compartir el agua entre regiones exige confianza.",
        "Delen van kennis is de kern van goed onderwijs.",
        "Condividi le tue idee con i tuoi colleghi, diceva il professore.",
        "Lesen Sie auch die Begründung des Gerichts genau, dann wird vieles klar.",
        "Redaktion und Verlag haben die Entscheidung gemeinsam getroffen.",
        "Kongsi pengalaman anda bersama rakan sekerja adalah penting.",
        "60 Minutes",  # a programme, not a reading time ("Lesezeit: 4 Min.", "7 minuti di lettura")
    ],
)
def test_real_sentences_are_not_boilerplate(line: str) -> None:
    rules = LineRules()
    assert rules.boilerplate(line) is None
    assert rules.boilerplate(line, trailer=True) is None


@pytest.mark.parametrize(
    "line",
    [
        "Die Autorin ist Professorin für Stadtplanung und leitet das Institut für Verkehrswende.",
        "L’autrice est chercheuse au CNRS et enseigne à Sciences Po.",
        "La autora es profesora de Ecología en la Universidad de Granada.",
        "O autor é professor de Economia na Universidade do Porto.",
        "L’autore è docente di Diritto costituzionale all’Università di Padova.",
        "De auteur is hoogleraar economie aan de Universiteit Utrecht.",
        "Penulis ialah pensyarah kanan di Universiti Malaya.",
    ],
)
def test_writer_notes(line: str) -> None:
    assert LineRules().writer_note(line) == line


def with_lines(oped: Oped, before: str, lines: str) -> str:
    """The op-ed's text with ``lines`` inserted before the line ``before``."""
    text = (DATA / f"{oped.lang}.txt").read_text(encoding="utf-8")
    assert before in text
    return text.replace(before, lines + before, 1)


def test_writer_note_and_comments_after_a_german_op_ed() -> None:
    """The note about the writer becomes her bio; the readers' comments after it are cut off."""
    text = with_lines(
        OPEDS[0],
        "Artikel teilen",
        "Die Autorin ist Professorin für Stadtplanung und leitet das Institut für Verkehrswende.\n\n"
        "3 Kommentare\n\nKommentar schreiben\n\nAnna K. schreibt:\n13. Mai 2025\nSehr guter Beitrag, danke!\n\n",
    )
    result = TextReader().read(Source(text.encode()))
    (author,) = result.article.authors
    assert author.bio.startswith("Die Autorin ist Professorin für Stadtplanung")
    removed = {r.text: r.rule for r in result.removed}
    assert removed["3 Kommentare"] == "page:after-article"
    assert removed["Sehr guter Beitrag, danke!"] == "page:after-article"
    assert plain_text(result.article.body[-1].children).startswith("Die Stadt der Zukunft")  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("de", "Dieser Beitrag gibt ausschließlich die persönliche Meinung der Autorin wieder."),
        ("fr", "Les opinions exprimées dans cette tribune n’engagent que leurs auteurs."),
        ("es", "Las opiniones expresadas en este artículo son responsabilidad exclusiva de su autora."),
        ("pt", "Os artigos assinados não refletem necessariamente a opinião do Jornal da Beira."),
        ("it", "Le opinioni espresse in questo articolo sono esclusivamente quelle dell’autrice."),
        ("nl", "De inhoud van dit opiniestuk valt onder de verantwoordelijkheid van de auteur."),
        ("ms", "Pandangan yang dinyatakan dalam artikel ini adalah pandangan peribadi penulis."),
    ],
)
def test_disclosures(lang: str, line: str) -> None:
    oped = next(o for o in OPEDS if o.lang == lang)
    share = next(text for text, rule in oped.removed.items() if rule == SHARE)
    result = TextReader().read(Source(with_lines(oped, share, line + "\n\n").encode()))
    assert result.article.disclosure == line
    assert {r.text: r.rule for r in result.removed}[line] == "metadata:disclosure"


@pytest.mark.parametrize(
    ("lang", "line", "rule"),
    [
        ("de", "Folgen Sie der Rheinischen Stadtzeitung auf WhatsApp", "boilerplate:call-to-action"),
        ("de", "Hören Sie unseren Podcast auf Spotify", "boilerplate:call-to-action"),
        ("de", "Klicken Sie hier, um mehr zu erfahren", "boilerplate:click-here"),
        ("fr", "Retrouvez toutes nos tribunes sur Google Actualités", "boilerplate:call-to-action"),
        ("fr", "Téléchargez notre application, cliquez ici", "boilerplate:call-to-action"),
        ("es", "Descarga nuestra aplicación en Google Play", "boilerplate:call-to-action"),
        ("es", "Recibe las noticias más importantes en tu WhatsApp", "boilerplate:newsletter"),
        ("es", "Haz clic aquí para leer la entrevista completa", "boilerplate:click-here"),
        ("pt", "Acompanhe o Jornal da Beira no Instagram", "boilerplate:call-to-action"),
        ("pt", "Clique aqui para ver a galeria de fotos", "boilerplate:click-here"),
        ("it", "Scarica la nostra app su Google Play", "boilerplate:call-to-action"),
        ("it", "Clicca qui per leggere l’intervista", "boilerplate:click-here"),
        ("nl", "Luister naar onze podcast op Spotify", "boilerplate:call-to-action"),
        ("nl", "Klik hier voor het volledige rapport", "boilerplate:click-here"),
        ("ms", "Sertai saluran Telegram kami untuk berita terkini", "boilerplate:follow-us"),
        ("ms", "Muat turun aplikasi kami di Google Play", "boilerplate:call-to-action"),
    ],
)
def test_calls_to_action(lang: str, line: str, rule: str) -> None:
    oped = next(o for o in OPEDS if o.lang == lang)
    share = next(text for text, rule in oped.removed.items() if rule == SHARE)
    result = TextReader().read(Source(with_lines(oped, share, line + "\n\n").encode()))
    assert {r.text: r.rule for r in result.removed}[line] == rule


def test_a_language_without_rules_stays_undetermined() -> None:
    """Swedish shares "en", "de", "om", "nu" with Dutch: too few and too common to make it Dutch."""
    text = """Vi måste bygga fler bostäder för unga

Av Karin Lindqvist

Det har blivit nästan omöjligt för unga människor att hitta en egen bostad i de stora städerna. Köerna till hyresrätterna är flera år långa och priserna på bostadsrätter har stigit snabbare än lönerna.

Kommunerna har ett stort ansvar, men staten måste också ta sitt. Det behövs långsiktiga regler som gör det lönsamt att bygga hyresrätter med rimliga hyror.

Om vi inte gör något nu kommer en hel generation att stå utanför bostadsmarknaden, och det påverkar både arbetsmarknaden och familjebildningen.
"""
    result = TextReader().read(Source(text.encode()))
    assert result.article.lang == "und"
    assert any("undetermined" in note for note in result.notes)
    assert len([b for b in result.article.body if isinstance(b, Paragraph)]) == 3


@pytest.mark.parametrize(
    ("lang", "about", "cookies"),
    [
        ("de", "Über die Autorin", "Diese Website verwendet Cookies, um Ihnen das beste Erlebnis zu bieten."),
        ("fr", "À propos de l'auteure", "Ce site utilise des cookies pour améliorer votre expérience."),
        ("es", "Sobre la autora", "Este sitio web utiliza cookies para mejorar su experiencia."),
        ("pt", "Sobre a autora", "Este site utiliza cookies para melhorar a sua experiência."),
        ("it", "L’autrice", "Questo sito utilizza cookie per migliorare la tua esperienza."),
        ("nl", "Over de auteur", "Deze website gebruikt cookies om uw ervaring te verbeteren."),
        ("ms", "Tentang penulis", "Laman web ini menggunakan kuki untuk pengalaman yang lebih baik."),
    ],
)
def test_an_author_box_and_a_cookie_notice_in_each_language(lang: str, about: str, cookies: str) -> None:
    """The heading of a box about the writer goes as "About the author" does in English, and the
    paragraph under it is the writer's bio; a cookie notice goes wherever it stands."""
    oped = next(o for o in OPEDS if o.lang == lang)
    text = (DATA / f"{lang}.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith(oped.paragraphs[-1]))
    box = ["", about, "Sie schreibt seit zwanzig Jahren über Städte und ihre Bewohner.", ""]
    lines[last + 1 : last + 1] = box
    lines.insert(1, cookies)
    result = TextReader().read(Source("\n".join(lines).encode()))
    removed = {r.text: r.rule for r in result.removed}
    assert removed[about] == "boilerplate:about-box"
    assert removed[cookies] == "boilerplate:cookie-notice"
    assert removed[box[2]] == "metadata:writer-note"
    if len(result.article.authors) == 1:
        assert result.article.authors[0].bio == box[2]
    else:  # a note naming no single author of several becomes the disclosure, as a writer's note does
        assert box[2] in result.article.disclosure
    paragraphs = [plain_text(b.children) for b in result.article.body if isinstance(b, Paragraph)]
    assert len(paragraphs) == len(oped.paragraphs)
    for text, opening in zip(paragraphs, oped.paragraphs, strict=True):
        assert text.startswith(opening)
