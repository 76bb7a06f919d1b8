"""The plain-text reader's precision on whole copied pages: the kinds of page text around an article that
look like prose or sit inside its span (lists of other stories after a "More from" heading, photo credits,
gallery controls, cookie notices, newsletter boxes, author boxes, readers' comments, tag lines) are removed
and reported with their rule, while article lines of a similar shape stay.

Every page here is hand-written for the test.
"""

from __future__ import annotations

import pytest

from opedexport.model import Heading, ListBlock, Paragraph, plain_text
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.text import TextReader

TITLE = "Why Our Towns Need Their Libraries - The Valley Courier"
MENU = ["Skip to content", "News", "Sport", "Opinion", "Business", "Culture", "Search"]
HEAD = ["Opinion", "Why Our Towns Need Their Libraries", "", "By Jane Doe", "March 4, 2024", ""]
PARAGRAPHS = [
    "When the county closed four branch libraries last spring, the savings were announced as a modest "
    "trim to a budget that had grown faster than the towns it served.",
    "What the announcement left out was who used those rooms: children after school, older residents "
    "looking for company, and job seekers who had no other place to print a form or send an email.",
    "A library is one of the few places left where nobody asks you to buy anything, and that is exactly "
    "why it is so easy to cut and so hard to replace once the doors have closed for good.",
    "The council says the mobile van will cover the gap, but a van that stops for two hours a week cannot "
    "host a homework club, a language class or a warm room in the middle of a cold winter.",
    "If the towns want the branches back, they will have to say so before the next budget is set, and "
    "they will have to say it loudly enough that the council cannot pretend it did not hear.",
]
FOOTER = ["About us", "Contact", "Advertise", "Terms of use", "Privacy policy", "© 2024 The Valley Courier"]


def page(*middle: str, after: tuple[str, ...] = ()) -> str:
    """A copied page: menu, the article's header and paragraphs (``middle`` after the third), ``after``, footer."""
    body: list[str] = []
    for n, paragraph in enumerate(PARAGRAPHS):
        body += [paragraph, ""]
        if n == 2:
            body += [*middle]
    return "\n".join([TITLE, "", *MENU, "", *HEAD, *body, *after, "", *FOOTER, ""])


def read(text: str) -> ReadResult:
    return TextReader().read(Source(text.encode()))


def removed(result: ReadResult) -> dict[str, str]:
    """Each removed line's text and rule."""
    return {r.text: r.rule for r in result.removed}


def kept(result: ReadResult) -> list[str]:
    """The text of each block of the body (a list's items one by one)."""
    texts: list[str] = []
    for block in result.article.body:
        if isinstance(block, (Paragraph, Heading)):
            texts.append(plain_text(block.children))
        elif isinstance(block, ListBlock):
            texts += [plain_text(b.children) for item in block.items for b in item if isinstance(b, Paragraph)]
    return texts


def assert_article_whole(result: ReadResult) -> None:
    texts = kept(result)
    assert [t for t in texts if t in PARAGRAPHS] == PARAGRAPHS


# --------------------------------------------------------------------------- lists of other stories


TEASERS = (
    "",
    "Share",
    "Facebook",
    "Twitter",
    "Email",
    "",
    "More from Opinion",
    "",
    "The bus timetable nobody asked for",
    "John Roe",
    "Tuesday March 3, 2024",
    "The county rewrote the bus timetable over the winter, and the people who ride the buses every day "
    "were the last to find out about it, two days before the change.",
    "",
    "A park is not a car park",
    "Ann Lee",
    "Monday March 2, 2024",
    "Every summer the same argument comes back about parking on the green, and every summer the council "
    "promises a plan that never quite arrives before the autumn.",
    "",
    "What the flood maps do not show",
    "Sam Poe",
    "Sunday March 1, 2024",
    "The new flood maps were drawn from data that is now ten years old, and the streets that flooded last "
    "year are not on them at all, which worries the residents who live there.",
)


def test_a_list_of_teasers_after_a_more_from_heading_goes() -> None:
    result = read(page(after=TEASERS))
    assert_article_whole(result)
    assert kept(result) == PARAGRAPHS
    gone = removed(result)
    assert gone["More from Opinion"] == "boilerplate:related"
    assert gone["The bus timetable nobody asked for"] == "page:after-article"
    assert gone["Tuesday March 3, 2024"] == "page:after-article"
    assert gone[TEASERS[-1]] == "page:after-article"


def test_prose_after_a_share_row_inside_the_article_stays() -> None:
    """A share row and a related link in the middle of the article break it, but the prose after it is kept."""
    middle = ("Share", "Facebook", "Twitter", "Email", "Related: Council votes on the budget", "")
    result = read(page(*middle))
    assert kept(result) == PARAGRAPHS


def test_a_list_introduced_by_a_colon_stays_even_before_a_share_row() -> None:
    """The article's closing list runs into the share row without a paragraph between: it is kept."""
    items = ("The reading room", "The homework club", "The print desk", "The warm room")
    result = read(page(after=("What the branches offered:", "", *items, *TEASERS)))
    texts = kept(result)
    assert texts[: len(PARAGRAPHS)] == PARAGRAPHS
    assert "What the branches offered:" in texts
    assert all(item in " ".join(texts) for item in items)
    assert removed(result)["The bus timetable nobody asked for"] == "page:after-article"


@pytest.mark.parametrize(
    "heading",
    ["More from Opinion", "More in World News", "Most read in news", "Our latest stories", "Explore further"],
)
def test_story_list_headings_are_boilerplate(heading: str) -> None:
    result = read(page(heading, ""))
    assert removed(result)[heading] == "boilerplate:related"
    assert_article_whole(result)


@pytest.mark.parametrize(
    "line",
    ["More than half of the branches were built before the war.", "Latest figures show visits rose again."],
)
def test_a_sentence_opening_like_a_story_list_heading_stays(line: str) -> None:
    result = read(page(line, ""))
    assert line in kept(result)


# --------------------------------------------------------------------------- photo credits and galleries


@pytest.mark.parametrize(
    "caption",
    [
        "Readers at the Hillside branch on its last day (Image: Getty)",
        "The Hillside branch opened in 1962 Credit: Valley Archive",
        "Photo by Jane Doe/Valley Courier",
        "Image caption The Hillside branch on its last day",
        "Readers at the Hillside branch (AP Photo/John Roe, File)",
    ],
)
def test_photo_credits_and_captions_go(caption: str) -> None:
    result = read(page(caption, ""))
    assert removed(result)[caption] == "boilerplate:photo-credit"
    assert_article_whole(result)


def test_gallery_controls_go() -> None:
    result = read(page("Image 1 of 8 The Hillside branch on its last day", "Caption", "Close", ""))
    gone = removed(result)
    assert gone["Image 1 of 8 The Hillside branch on its last day"] == "boilerplate:photo-credit"
    assert gone["Caption"] == gone["Close"] == "boilerplate:widget"
    assert kept(result) == PARAGRAPHS


def test_a_sentence_about_a_photo_or_credit_stays() -> None:
    lines = (
        "The photo: a queue of children outside the branch on the morning it closed.",
        "The council's credit: it kept the main library open on Sundays.",
    )
    result = read(page(*(x for line in lines for x in (line, ""))))
    for line in lines:
        assert line in kept(result)


# --------------------------------------------------------------------------- notices and boxes


def test_a_cookie_notice_goes() -> None:
    notice = "This site uses cookies to give you the best experience. By using our site you accept them."
    result = read(page(notice, ""))
    assert removed(result)[notice] == "boilerplate:cookie-notice"
    assert kept(result) == PARAGRAPHS


def test_a_sentence_about_cookies_stays() -> None:
    line = "Most of the library's computers now block sites that track their users with cookies."
    result = read(page(line, ""))
    assert line in kept(result)


@pytest.mark.parametrize(
    "line",
    [
        "Stay up to date with the Courier. Subscribe to our newsletter.",
        "Get the day's top stories delivered to your inbox every morning.",
        "No spam, we promise. You can unsubscribe at any time.",
        "Thanks for signing up!",
        "Morning Briefing Newsletter",
    ],
)
def test_newsletter_box_lines_go(line: str) -> None:
    result = read(page(line, ""))
    assert removed(result)[line] == "boilerplate:newsletter"
    assert_article_whole(result)


def test_a_sentence_about_a_newsletter_stays() -> None:
    line = "The branch once printed its own newsletter, and the last copy is still pinned to the door."
    result = read(page(line, ""))
    assert line in kept(result)


def test_an_author_box_after_the_article_goes() -> None:
    box = (
        "",
        "About the author",
        "Jane Doe writes about local government for the Courier and lives in the valley with her family.",
        "",
    )
    result = read(page(after=box))
    gone = removed(result)
    assert gone["About the author"] == "boilerplate:about-box"
    # the paragraph under the box's heading is the writer's bio, not the article
    assert gone[box[2]] == "metadata:writer-note"
    assert kept(result) == PARAGRAPHS


def test_a_sentence_opening_with_about_stays() -> None:
    line = "About forty people came to the last story hour, more than on any day that year."
    result = read(page(line, ""))
    assert line in kept(result)


# --------------------------------------------------------------------------- comments and tags


def test_comments_opened_by_a_dated_signature_go() -> None:
    comments = (
        "",
        "Kim Lowe August 8, 2024 at 3:17 pm",
        "I grew up in the Hillside branch and it breaks my heart to see it closed like this.",
        "",
        "Tom Ward August 8, 2024 at 7:07 pm",
        "Thanks for writing this piece, it says what a lot of us in the valley have been thinking.",
    )
    result = read(page(after=comments))
    gone = removed(result)
    assert gone["Kim Lowe August 8, 2024 at 3:17 pm"] == "page:after-article"
    assert gone[comments[2]] == "page:after-article"
    assert kept(result) == PARAGRAPHS


def test_comments_opened_by_a_thoughts_count_go() -> None:
    comments = (
        "",
        "3 thoughts on “Why Our Towns Need Their Libraries”",
        "Kim Lowe",
        "I grew up in the Hillside branch and it breaks my heart to see it closed like this.",
    )
    result = read(page(after=comments))
    assert removed(result)[comments[3]] == "page:after-article"
    assert kept(result) == PARAGRAPHS


def test_a_dated_sentence_with_a_time_stays() -> None:
    line = "The council met on March 2, 2024 at 7:30 pm and voted on the budget in less than an hour."
    result = read(page(line, ""))
    assert line in kept(result)


def test_a_filed_under_line_goes() -> None:
    result = read(page(after=("", "Filed under libraries, council, budget")))
    assert removed(result)["Filed under libraries, council, budget"] == "boilerplate:tags-trailer"
    assert kept(result) == PARAGRAPHS


def test_a_newsletter_box_of_short_sentences_ends_the_article() -> None:
    """Short sentences inside the box (zero-scoring lines) join the run of chrome that breaks the page."""
    box = (
        "",
        "Subscribe to our newsletter.",
        "Stay in the loop.",
        "Subscribe No thanks",
        "You are now subscribed. Thank you!",
        "",
        "Courier Events",
        "Valley news and events at your fingertips, every week.",
        "Quick Links",
        "Courier shop",
        "Find a branch",
        "The Courier offers readers a weekly events service that sends the listings straight to their phones.",
        "Jobs at the Courier",
    )
    result = read(page(after=box))
    gone = removed(result)
    assert gone["Subscribe to our newsletter."] == "boilerplate:newsletter"
    assert gone["Stay in the loop."] == "page:after-article"
    assert gone[box[11]] == "page:after-article"
    assert kept(result) == PARAGRAPHS


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Continue Reading Below", "boilerplate:advert"),
        ("Advert", "boilerplate:advert"),
    ],
)
def test_advert_lines_inside_the_article_go(line: str, rule: str) -> None:
    result = read(page(line, ""))
    assert removed(result)[line] == rule
    assert kept(result) == PARAGRAPHS


# --------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    "stamp",
    [
        "Associated Press Published 2:16 AM EST Mar 4, 2024",
        "Updated on: March 4, 2024 / 10:07 AM / Valley Courier",
        "4 Mar 2024 08:00 GMT",
        "Diperbarui 4 Maret 2024 10:15 WIB",
    ],
)
def test_a_second_timestamp_inside_the_article_goes(stamp: str) -> None:
    """The header took the first dateline; another one under the first paragraph is page furniture."""
    result = read(page(stamp, ""))
    assert removed(result)[stamp] == "page:timestamp"
    assert kept(result) == PARAGRAPHS


@pytest.mark.parametrize(
    "line",
    [
        "March 4, 2024",  # a date alone may head a part of a diary or a timeline
        "Doors open at 7:30 pm on March 4, 2024.",  # a short sentence
    ],
)
def test_a_date_heading_or_a_sentence_with_a_date_stays(line: str) -> None:
    result = read(page(line, ""))
    assert line in kept(result)


# --------------------------------------------------------------------------- the standfirst


DEK = "A county that closes its branch libraries saves little and loses the rooms its towns gather in."


def test_a_standfirst_before_the_byline_under_the_repeated_headline_is_the_dek() -> None:
    head = ["Opinion", "Why Our Towns Need Their Libraries", "", DEK, "", "By Jane Doe", "March 4, 2024", ""]
    body = [x for p in PARAGRAPHS for x in (p, "")]
    result = read("\n".join([TITLE, "", *MENU, "", *head, *body, *FOOTER, ""]))
    assert result.article.subtitle == DEK
    assert removed(result)[DEK] == "metadata:subtitle"
    assert [a.name for a in result.article.authors] == ["Jane Doe"]
    assert kept(result) == PARAGRAPHS


def test_a_first_paragraph_without_a_byline_after_it_stays_in_the_body() -> None:
    head = ["Opinion", "Why Our Towns Need Their Libraries", "", DEK, ""]
    body = [x for p in PARAGRAPHS for x in (p, "")]
    result = read("\n".join([TITLE, "", *MENU, "", *head, *body, *FOOTER, ""]))
    assert result.article.subtitle == ""
    assert kept(result) == [DEK, *PARAGRAPHS]


def test_a_list_after_a_share_row_in_the_middle_of_the_article_stays() -> None:
    """After a break, a part that is mostly the items of a list the article introduces is still the article."""
    items = ("Open the branches", "Keep the van", "Fund the homework club", "Heat the rooms", "Hire a librarian")
    listed = "\n".join(["What the towns ask for:", "", *items, "", PARAGRAPHS[4]])
    result = read(page("Share", "Facebook", "Twitter", "Email", "").replace(PARAGRAPHS[4], listed))
    texts = kept(result)
    assert [t for t in texts if t in PARAGRAPHS] == PARAGRAPHS
    assert "What the towns ask for:" in texts
    assert all(item in " ".join(texts) for item in items)


def test_a_short_text_with_a_share_row_keeps_every_paragraph() -> None:
    """Too little prose to tell the article from the page: a break does not cut the text either."""
    first = ["The council closed the branch in our town last week.", "It gave no notice.", "Nobody knew why."]
    last = "Nobody from the council came to explain why the branch had to close so soon after the vote."
    text = "\n\n".join(["Short Title", *first, "Share\nFacebook\nTwitter\nEmail", last, ""])
    result = read(text)
    assert kept(result) == [*first, last]


def test_the_paragraph_under_an_author_box_in_a_clean_copy_is_the_bio() -> None:
    # Copied without the page around it, the article does not end at the box: its paragraph is the bio.
    text = "\n\n".join(
        [
            "The Branch Library Was the Town's Living Room",
            "By Jane Doe",
            *PARAGRAPHS,
            "About the author",
            "Jane Doe writes about local government for the Courier and lives in the valley.",
            "Share this article",
        ]
    )
    result = TextReader().read(Source(text.encode()))
    gone = removed(result)
    assert gone["About the author"] == "boilerplate:about-box"
    assert gone["Jane Doe writes about local government for the Courier and lives in the valley."] == (
        "metadata:writer-note"
    )
    assert result.article.authors[0].bio.startswith("Jane Doe writes about local government")
    assert kept(result) == PARAGRAPHS


def test_a_heading_like_line_under_an_author_box_is_not_a_bio() -> None:
    text = "\n\n".join(["A Title for the Test", "By Jane Doe", *PARAGRAPHS, "About the author", "More stories"])
    result = TextReader().read(Source(text.encode()))
    assert result.article.authors[0].bio is None or "More stories" not in result.article.authors[0].bio
