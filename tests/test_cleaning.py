"""The cleaner: keeps the article, drops the page furniture, and maps every character back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SEEDS, run_margin
from hypothesis import given, settings
from hypothesis import strategies as st

from reader import cleaning
from reader.cleaning import clean, clean_text


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def lines(text: str) -> set[str]:
    return {line.strip() for line in text.split("\n") if line.strip()}


KEEP = {
    "000": ["Russia Is Unlikely To Help Maduro", "In his hour of desperation"],
    "001": ["Why Maduro Probably Can't Count on Putin", '"Vladimir Putin', "President Nicolás Maduro publicly affirmed"],
    "002": ["The Fall of", "Ivan U. Klyszcz on how the capture", "Regional Bust", "Global Boom", "Missing Ends",
            "After months of secret negotiations"],
    "003": ["The Kremlin Prepares to Defend", "A Russian task force"],
    "004": ["Russia's Dilemma", "Seeking Support?", "'Ready To React'", "Levers And Limitations", "Geopolitical Calculus",
            "Picture this:", "'In a bizarre twist"],
}
DROP = {
    "000": ["AP", "X", "Story Stream", "recent articles", "Kareem Rifai is a graduate student"],
    "001": ["Briefly", "Read at The Atlantic", "Unable to calculate read time", "[", "|", "]"],
    "002": ["Foreign policy", "Russia - USA", "Читать на русском", "Photo: Scanpix", "Top reads", "Read also", "Search",
            "The Decline of", "It is getting more and more difficult", "Steeringless Auto Industry"],
    "004": ["More Top Reads From Oilprice.com", "Top Articles", "Latest Posts", "Recommended Articles",
            "Article information", "Rating:", "Author information", "Name:", "Introduction:", "What do you think?",
            "Japan Warns Trump"],
}


def _has(text_lines: set[str], start: str) -> bool:
    start = start.replace("\xa0", " ")
    return any(line.replace("\xa0", " ").startswith(start) for line in text_lines)


@pytest.mark.parametrize("prefix", sorted(KEEP))
def test_seed_keeps_title_headings_and_body(prefix: str) -> None:
    kept = lines(clean(seed(prefix)).text)
    for start in KEEP[prefix]:
        assert _has(kept, start), f"{prefix}: lost {start!r}"


@pytest.mark.parametrize("prefix", sorted(DROP))
def test_seed_drops_furniture(prefix: str) -> None:
    kept = lines(clean(seed(prefix)).text)
    for start in DROP[prefix]:
        assert not any(line.replace("\xa0", " ") == start or (len(start) > 3 and line.replace("\xa0", " ").startswith(start))
                       for line in kept), f"{prefix}: kept {start!r}"


@pytest.mark.parametrize("prefix", sorted(KEEP))
def test_title_is_kept_once(prefix: str) -> None:
    text = clean(seed(prefix)).text
    title = text.split("\n", 1)[0]
    assert title and text.count(title + "\n") == 1


def test_dropped_lines_say_why() -> None:
    cleaned = clean(seed("002"))
    reasons = {d.reason for d in cleaned.dropped}
    assert "link list" in reasons and "page furniture" in reasons
    raw_lines = cleaned.raw.split("\n")
    dropped_text = {raw_lines[n].strip() for d in cleaned.dropped for n in range(d.first, d.last + 1)}
    assert "Top reads" in dropped_text


def test_every_cleaned_character_maps_to_the_same_raw_character() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        cleaned = clean(path.read_text(encoding="utf-8"))
        for i, ch in enumerate(cleaned.text):
            if ch != "\n":
                assert cleaned.raw[cleaned.to_raw(i)] == ch


paragraph = st.lists(st.sampled_from(
    ["The", "minister", "said", "that", "the", "plan", "would", "fail", "and", "critics", "of", "it", "were", "right",
     "👨🏻‍🚒", "東京", "שלום", "e\u0301", "\u200d", "Share", "|", "•"]
), min_size=1, max_size=40).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(paragraph, st.just(""), st.just("  * Menu")), min_size=1, max_size=30).map("\n".join))
def test_to_raw_maps_every_character_property(raw: str) -> None:
    cleaned = clean(raw)
    for i, ch in enumerate(cleaned.text):
        if ch != "\n":
            assert raw[cleaned.to_raw(i)] == ch
    for start in range(0, len(cleaned.text), 7):
        end = min(len(cleaned.text), start + 5)
        if end > start and "\n" not in cleaned.text[start:end]:
            raw_start, raw_end = cleaned.to_raw_span(start, end)
            assert raw[raw_start:raw_end] == cleaned.text[start:end]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(paragraph, st.just(""), st.just("  * Menu"), st.just("Ａ\u2003b\u00a0c\u1680İ")),
                min_size=1, max_size=30).map("\n".join))
def test_the_word_count_is_the_white_space_tokens_of_the_text(raw: str) -> None:
    # Counted while the lines are judged, not by splitting the text again.
    cleaned = clean(raw)
    assert cleaned.words == len(cleaned.text.split())


PLAIN = """The Long Road Back

The council met on Tuesday to discuss the budget, and the mayor said the city would need to borrow again next year.

Critics argued that the plan relied on optimistic forecasts. They pointed to the last three years, when revenue fell short each time.

A Change Of Course

The finance director said the new estimates were conservative. She expects tax receipts to rise by four percent, she added.

Residents will be able to comment on the proposal until the end of the month, after which the council will vote on it.
"""


def test_text_without_boilerplate_is_returned_whole() -> None:
    assert lines(clean_text(PLAIN)) == lines(PLAIN)


@pytest.mark.parametrize("prefix", sorted(KEEP))
def test_cleaning_is_idempotent(prefix: str) -> None:
    once = clean_text(seed(prefix))
    twice = clean_text(once)
    assert lines(twice) == lines(once)


def test_crlf_and_empty_input() -> None:
    assert clean_text("") == ""
    assert lines(clean_text(PLAIN.replace("\n", "\r\n"))) == lines(PLAIN)


BODY = (
    "The committee published its report on Monday, and the minister said that the findings would shape the "
    "budget for the next two years, which critics of the plan have called far too optimistic."
)


def test_appeals_are_dropped_and_a_mention_of_giving_is_not() -> None:
    raw = "\n\n".join([
        "A Report Lands",
        BODY,
        "The charity donated the money to the hospital, and the hospital said it would use it for a new wing "
        "that the town has been asking for since the old one closed.",
        BODY,
        "What do you think? Share your thoughts in the comments below.",
        "If you enjoyed this article, please share it with your friends and family, and tell them what the town "
        "is planning for the old crossing next year.",
    ])
    kept = lines(clean_text(raw))
    assert any(line.startswith("The charity donated") for line in kept)
    assert not any("Share your thoughts" in line or "If you enjoyed" in line for line in kept)


def test_an_appeal_phrase_in_the_middle_of_a_long_paragraph_is_body() -> None:
    middle = BODY + " Readers were asked to share your thoughts on the plan at the hearings. " + BODY
    raw = "\n\n".join(["A Report Lands", BODY, middle, BODY])
    assert any(line.startswith(BODY + " Readers") for line in lines(clean_text(raw)))


def test_a_writers_appeal_between_two_paragraphs_is_body_and_the_sites_after_the_article_is_not() -> None:
    writers = ("Please help us win the grant for the new bridge: click here and vote via Facebook, and thank you "
               "for your support.")
    sites = "Click here to subscribe to our newsletter and get the best stories of the week in your inbox."
    kept = lines(clean_text("\n\n".join(["A Report Lands", BODY, writers, *PARAGRAPHS, sites])))
    assert writers in kept
    assert sites not in kept


def test_words_are_the_runs_of_letters_and_digits() -> None:
    # Counted from white-space tokens for speed, but the same as the word-character runs.
    samples = ["The year-to-date figure — don't ask — is | up", "See https://example.org/a-b/c for the 24 data"]
    page = cleaning._judge_lines(samples, True)
    assert page.words == [len(re.findall(r"\w+", line)) for line in samples] == [10, 11]


@pytest.mark.parametrize("prefix", sorted(KEEP))
def test_counting_a_line_field_by_field_gives_the_same_result(prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Lines of a million words are counted field by field; every line must be judged the same either way.
    raw = seed(prefix)
    expected = clean(raw)
    monkeypatch.setattr(cleaning, "ONE_SUM_TOKENS", 0)
    again = clean(raw)
    assert again.text == expected.text and again.dropped == expected.dropped


def test_each_counted_token_has_one_field() -> None:
    # The weights of stop-word forms, punctuation and appeal words are summed in separate fields.
    weights = cleaning._TOKEN_WEIGHTS
    stop_forms = {t for t, w in weights.items() if w == cleaning._STOPWORD}
    fields = [stop_forms, cleaning._PUNCT_TOKENS, cleaning._APPEAL_TOKENS.keys(), cleaning._LEGAL_TOKENS]
    assert all(a.isdisjoint(b) for i, a in enumerate(fields) for b in fields[i + 1 :])
    assert set(weights.values()) == {
        cleaning._STOPWORD, cleaning._PUNCT, 2 * cleaning._PUNCT, cleaning._APPEAL_WORD, cleaning._LEGAL_WORD
    }
    assert weights["the,"] == weights["l'on"] == weights["it’s"] == cleaning._STOPWORD


def test_captions_and_dated_bylines_are_dropped() -> None:
    caption = "Workers load timber outside a store in Hialeah, Fla. (AP Photo/A. Writer, File)"
    byline = "By A. Writer | November 18, 2019 at 2:26 PM - Updated November 18 at 4:46 PM"
    mention = "The exhibition (which the photo agency sponsored) opens on Monday, the museum said in a statement."
    raw = "\n\n".join(["A Report Lands", byline, BODY, caption, BODY, mention, BODY])
    kept = lines(clean_text(raw))
    assert caption not in kept and byline not in kept
    assert mention in kept and BODY in kept
    reasons = {d.reason for d in clean(raw).dropped}
    assert {"photo caption", "byline"} <= reasons


PARAGRAPHS = [
    "The council voted on Tuesday to close the old bridge to traffic while engineers decide whether it can be repaired.",
    "Residents who cross it every day said the detour would add half an hour to their commute, and asked for a ferry.",
    "The mayor said the city had set aside money for the repairs but could not promise when the work would begin.",
]
REPLIES = [
    "I drive over that bridge every morning and I have been saying for years that it was falling apart, honestly.",
    "A ferry is a good idea but who is going to pay for it when the city cannot even fill the potholes on my street?",
    "They said the same thing about the tunnel in 2009 and we are still waiting for it, so I would not hold my breath.",
]


def test_a_thread_of_signed_posts_after_the_article_is_cut() -> None:
    signatures = [f"Reader{n} on July {n + 10}, 2012 at {n + 1}:15 pm" for n in range(3)]
    thread = [line for pair in zip(signatures, REPLIES, strict=True) for line in pair]
    cleaned = clean("\n\n".join(["The Bridge Will Close", *PARAGRAPHS, BODY, *thread]))
    kept = lines(cleaned.text)
    assert {*PARAGRAPHS, BODY} <= kept
    assert kept.isdisjoint(REPLIES) and kept.isdisjoint(signatures)
    assert "comment" in {d.reason for d in cleaned.dropped}


def test_quoted_posts_and_a_single_date_are_not_a_thread() -> None:
    # Embedded posts quoted in the article end with "— A Name (@name) date": they are the article's.
    quoted = [f"— A Resident (@resident{n}) July {n + 10}, 2012" for n in range(3)]
    body = [line for pair in zip(REPLIES, quoted, strict=True) for line in pair]
    dated = "Updated July 24, 2012 at 10:05 AM"
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", *PARAGRAPHS, BODY, dated, *body, PARAGRAPHS[0]])))
    assert set(REPLIES) <= kept


def test_the_block_under_the_dateline_is_the_article() -> None:
    footer = [
        "This page is best viewed in an up-to-date web browser with style sheets enabled, which you will not be able to "
        "view fully in your current browser, so please consider upgrading your browser software or enabling style sheets.",
        "The publisher is not responsible for the content of external sites, and links are provided for convenience only, "
        "without any warranty of the accuracy of what they say.",
    ]
    short_article = [
        "Thousands of visitors are coming to the city to see the games this summer.",
        "A couple from the north of the country made a home-made film about their preparations for the trip.",
    ]
    # A menu too long to be a list inside the article, and too long to join a block across.
    menu = [f"* Section {n}" for n in range(max(cleaning.MAX_GAP_LINES, cleaning.MAX_INNER_LIST) + 5)]
    raw = "\n\n".join(["Visitors Prepare for the Games", "24 July 2012 Last updated at 05:40 ET", *short_article, *menu, *footer])
    kept = lines(clean_text(raw))
    assert set(short_article) <= kept
    assert kept.isdisjoint(footer)


def test_the_standfirst_is_kept_and_the_closing_author_note_dropped() -> None:
    standfirst = "A correspondent on how the closure of the bridge will change the way the city works"
    bio = "Ann Writer is a graduate student at the School of Urban Studies."
    cleaned = clean("\n\n".join(["The Bridge Will Close", standfirst, *PARAGRAPHS, bio]))
    kept = lines(cleaned.text)
    assert standfirst in kept and bio not in kept
    assert "about the author" in {d.reason for d in cleaned.dropped}


def test_a_paragraph_the_page_repeats_is_kept_once() -> None:
    # A page that carries its article twice (a print copy under the screen copy) gives it once.
    cleaned = clean("\n\n".join(["The Bridge Will Close", *PARAGRAPHS, *PARAGRAPHS]))
    assert [p for p in cleaned.text.split("\n\n") if p in PARAGRAPHS] == PARAGRAPHS
    assert "repeated paragraph" in {d.reason for d in cleaned.dropped}


def test_a_list_inside_the_article_is_kept_and_a_menu_is_not() -> None:
    intro = "The council named three things that will change for people who cross the river every day:"
    items = ["* Buses will run every ten minutes", "* The ferry will be free", "* Cyclists get a lane of their own"]
    menu = ["* Home", "* News", "* Sport"]
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", *menu, PARAGRAPHS[0], intro, *items,
                                         *PARAGRAPHS[1:], *menu])))
    assert set(items) <= kept
    assert kept.isdisjoint(menu)


def test_a_list_the_last_paragraph_announces_ends_the_article_and_a_menu_after_it_does_not() -> None:
    announced = ["  * The bridge closes on the first of March", "  * Buses replace the trams", "  * Ferries run hourly"]
    menu = ["  * Home", "  * News", "  * Sport", "  * Weather"]
    raw = "\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS,
                        "The council gave the dates and the changes to transport, and these are the key points:",
                        "\n".join(announced), "Related stories", "\n".join(menu)])
    kept = lines(clean_text(raw))
    assert {item.strip() for item in announced} <= kept
    assert kept.isdisjoint(item.strip() for item in menu)
    # A thread of readers' posts in bullets right after that colon is still the thread.
    signatures = [f"  * Reader{n} on July {n + 10}, 2012 at {n + 1}:15 pm" for n in range(3)]
    thread = [line for pair in zip(signatures, REPLIES, strict=True) for line in pair]
    intro = "The council has heard from many people in the town since the closure was announced, and they said:"
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, intro, *thread])))
    assert intro in kept
    assert kept.isdisjoint(line.strip() for line in thread)


def test_a_quotation_the_article_introduces_is_not_a_comment_header() -> None:
    intro = "About the closure, she writes:"
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, intro, REPLIES[1]])))
    assert REPLIES[1] in kept
    header = "Ann Reader said:"
    cleaned = clean("\n\n".join(["The Bridge Will Close", *PARAGRAPHS, BODY, header, REPLIES[0]]))
    assert REPLIES[0] not in lines(cleaned.text)


def test_text_past_a_share_bar_is_not_the_article_and_past_one_advertisement_is() -> None:
    late = [
        "Another story about the river, from another week, that the page shows under the article for readers.",
        "It goes on for a second paragraph, about the ferry and the fares, which is long enough to be body.",
    ]
    article = [BODY, *PARAGRAPHS]
    past_ad = lines(clean_text("\n\n".join(["The Bridge Will Close", *article, "Advertisement", *late])))
    assert set(late) <= past_ad
    past_bar = lines(clean_text("\n\n".join(["The Bridge Will Close", *article, "Share", "Tweet", "Related posts", *late])))
    assert set(article) <= past_bar
    assert past_bar.isdisjoint(late)


def test_teasers_that_alternate_with_their_excerpts_are_not_an_inner_list() -> None:
    teasers = []
    for n in range(4):
        teasers += [f"* Another post number {n} from this blog",
                    f"An excerpt of post number {n}, long enough to read as a paragraph of body text on its own for sure."]
    quotes = []
    for n in range(3):
        quotes += [f"“The show number {n} was really great, and we enjoyed every minute of the evening with the family.”",
                   f"– Reader{n}"]
    article = [BODY, *PARAGRAPHS]
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", *article, *quotes, *article[:1], "Popular Posts",
                                         *teasers])))
    assert {line for line in quotes if line.startswith("–")} <= kept
    assert kept.isdisjoint(line for line in teasers if line.startswith("*"))


def test_a_legal_notice_is_dropped_and_an_article_about_copyright_is_not() -> None:
    notice = ("This copy is for your personal, non-commercial use only. Distribution and use of this material are "
              "governed by our Subscriber Agreement and by copyright law.")
    about = ("The court said the copyright on the song had expired long before the band recorded it, and that the "
             "label owed the composer's family nothing.")
    cleaned = clean("\n\n".join(["The Bridge Will Close", BODY, about, *PARAGRAPHS, notice]))
    kept = lines(cleaned.text)
    assert about in kept and notice not in kept
    assert "legal notice" in {d.reason for d in cleaned.dropped}


def test_a_short_sentence_one_short_line_away_from_the_body_is_body() -> None:
    near = "The bridge will open again in the spring, the council said."
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, "Update", near, "* Home", "* News"])))
    assert near in kept


def test_a_thread_under_a_short_post_is_cut_at_its_header() -> None:
    post = "Jeff has drawn a series of funny ads selling the merits of outdated products, from floppy disks to fax machines."
    cleaned = clean("\n\n".join(["Ads for Outdated Products", post, "One Response to Ads for Outdated Products",
                                 "Ann Reader says:", REPLIES[0], REPLIES[1]]))
    kept = lines(cleaned.text)
    assert post in kept
    assert kept.isdisjoint(REPLIES[:2])


def test_links_to_other_pages_are_dropped_and_quotations_in_guillemets_are_not() -> None:
    nav = ["« Previous Post Why the ferry will run at night for the whole of the summer Next Post » What the new "
           "tunnel under the river will cost the people of the town",
           "« Ferry fares will rise | Main | The tunnel, again »", "Read the 8 comments on this story »",
           "‹ An older post about the old bridge and its history"]
    quoted = "« Le pont fermera au printemps, et nous ne savons pas encore pour combien de temps », a dit le maire."
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, quoted, *PARAGRAPHS, *nav])))
    assert quoted in kept
    assert kept.isdisjoint(nav)


def test_a_note_on_the_writer_closing_the_page_is_dropped() -> None:
    note = ("Ann Writer is Bridge Weekly's senior editor. She also hosts the city podcast and writes about "
            "transport for the morning paper.")
    cleaned = clean("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, note]))
    assert note not in lines(cleaned.text)
    assert BODY in lines(cleaned.text)


def test_a_note_on_the_writer_with_a_handle_or_a_trade_is_dropped() -> None:
    for note in ("Ann Writer (@annwrites) is a technology columnist, author of two books and founder of a blog.",
                 "Ann Writer works on transport stories for the paper. She also hosts the morning podcast.",
                 "About the author: as the founder of Bridge Weekly, Ann has written on the city's transport for twenty "
                 "years and now runs its workshops.",
                 "Hi, I'm Ann. I live in the old town by the river, and besides editing this blog you can find me "
                 "walking the bridge every morning."):
        cleaned = clean("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, note]))
        assert note not in lines(cleaned.text)
        assert "about the author" in {d.reason for d in cleaned.dropped}


def test_a_comment_policy_starts_the_thread() -> None:
    policy = "All comments are moderated so you may see a short delay before yours appears. Please be civil."
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, policy, *REPLIES[:2]])))
    assert BODY in kept
    assert kept.isdisjoint([policy, *REPLIES[:2]])


def test_a_comments_link_inside_the_article_does_not_end_it() -> None:
    rest = [f"{paragraph} It was said again on day {n} of the works." for n, paragraph in enumerate(PARAGRAPHS * 8)]
    thread = ["Comments", REPLIES[0], REPLIES[1]]
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, "Comments", *rest, *thread])))
    assert set(rest) <= kept
    assert kept.isdisjoint(REPLIES[:2])


def test_a_long_run_of_glued_tags_is_not_body() -> None:
    tags = ("Art Beads Bead Cruise Bead Scoop Bead Shop Interview Bead Shows Beading Books Beading Classes Clay Beads "
            "Copper Wire Crochet Crystals Earrings Enamel Glass Beads Jewelry Design Lampwork Metal Clay Necklaces Pearls "
            "Polymer Clay Resin Silver Wire Work")
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, tags])))
    assert tags not in kept


def test_the_line_a_blog_puts_under_a_post_is_dropped() -> None:
    footers = ["This entry was posted on Saturday, November 3rd, 2012 at 11:10 am and is filed under News, Bridges. "
               "You can follow any responses to this entry through the RSS feed.",
               "Posted by Ann Writer on July 19, 2012 | Permalink",
               "Posted by Ann Writer on November 06, 2012 at 04:11 PM in Current Affairs , Bridges and Tunnels , "
               "City Hall and Government , Transport | Permalink | Comments (0)",
               "You can follow any responses to this entry through the RSS 2.0 feed. You can leave a response."]
    cleaned = clean("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, *footers]))
    assert lines(cleaned.text).isdisjoint(footers)
    assert "post footer" in {d.reason for d in cleaned.dropped}


def test_a_column_of_ads_between_links_loses_to_an_article_of_the_same_size() -> None:
    ads = []
    for n in range(6):
        ads += ["White Paper", f"Offer number {n} for your business",
                f"Put your business in overdrive with offer number {n}, which gives the whole team faster access, "
                "more storage and a support line that is always open.", "Download now! »"]
    article = [f"{paragraph} This was paragraph {n} of the report on the works." for n, paragraph in
               enumerate([BODY, *PARAGRAPHS, BODY[:120] + "."])]
    menu = [f"* Section {n}" for n in range(cleaning.MAX_GAP_ALL_LINES + 5)]
    kept = lines(clean_text("\n\n".join([*ads, *menu, "The Bridge Will Close", *article, *menu])))
    assert set(article) <= kept
    assert not any(line.startswith("Put your business") for line in kept)


def test_a_sidebar_of_long_list_items_loses_to_a_shorter_article() -> None:
    sidebar = [f"* Book {n}: a long title about management, leadership and the art of changing minds, "
               f"in the edition number {n} that the blog recommends to every reader this year." for n in range(12)]
    menu = [f"* Section {n}" for n in range(cleaning.MAX_GAP_ALL_LINES + 5)]
    kept = lines(clean_text("\n\n".join([*sidebar, *menu, "The Bridge Will Close", BODY, *PARAGRAPHS, *menu])))
    assert {BODY, *PARAGRAPHS} <= kept
    assert kept.isdisjoint(sidebar)


def test_text_past_more_dropped_lines_than_an_article_holds_is_not_joined() -> None:
    late = [
        "Another story about the river, from another week, that the page shows under the article for readers.",
        "It goes on for a second paragraph, about the ferry and the fares, which is long enough to be body.",
    ]
    article = [BODY, *PARAGRAPHS]
    bar = ["|"] * (cleaning.MAX_GAP_LINES + 1)
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", *article, *bar, *late])))
    assert set(article) <= kept
    assert kept.isdisjoint(late)


def test_a_table_of_rows_in_columns_is_the_articles_data() -> None:
    rows = ["Pos.   Driver               Points    Wins"] + [
        f"{n}     Driver Number{n}        {5000 - n * 7}    {n % 4}" for n in range(1, 9)
    ]
    kept = lines(clean_text("\n\n".join(["The Final Standings", BODY, "The standings after the last race:", *rows,
                                         *PARAGRAPHS])))
    assert set(rows) <= kept


def test_a_recipes_ingredients_are_the_article_and_a_numbered_sidebar_is_not() -> None:
    ingredients = ["4 pounds apples, quartered and cored", "3/4 cup granulated sugar", "2 cinnamon sticks",
                   "1 vanilla bean, cut open"]
    sidebar = [f"{n}. Another recipe from the archive" for n in range(1, 5)]
    kept = lines(clean_text("\n\n".join(["Apple Sauce", BODY, *ingredients, *PARAGRAPHS, "Popular", *sidebar])))
    assert set(ingredients) <= kept
    assert kept.isdisjoint(sidebar)


def test_only_the_first_block_under_a_date_is_the_dated_article() -> None:
    # The post is dated; so is the run of readers' posts under it, which holds more words. The post,
    # the first dated block, is the article.
    post = [BODY, PARAGRAPHS[0]]
    replies = [f"{reply} And that is what I told the council on day {n} of the works, in a long letter." for n, reply
               in enumerate(REPLIES)]
    menu = [f"* Section {n}" for n in range(max(cleaning.MAX_GAP_LINES, cleaning.MAX_INNER_LIST) + 5)]
    raw = "\n\n".join(["The Bridge Will Close", "July 24, 2012", *post, *menu, "July 25, 2012", *replies])
    kept = lines(clean_text(raw))
    assert set(post) <= kept
    assert kept.isdisjoint(replies)


def test_a_lone_paragraph_after_the_article_does_not_join_it_and_a_lede_before_it_does() -> None:
    lede = ("The city will close its oldest bridge for a year, the council decided on Tuesday night after a long and "
            "heated meeting with residents of both banks of the river.")
    teaser = ("Another story from this week, about the ferry and the fares, that the page shows under the article "
              "for readers who want more of the same.")
    gap = ["|", "|", "|", "The bridge at dusk.", "|"]  # more than the gap inside one block
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", lede, *gap, BODY, *PARAGRAPHS, *gap, teaser])))
    assert lede in kept
    assert teaser not in kept


def test_a_posts_own_question_about_the_comments_is_its_text() -> None:
    closing = "Have you crossed the old bridge this year? Tell us in the comments what you think of the closure."
    kept = lines(clean_text("\n\n".join(["The Bridge Will Close", BODY, *PARAGRAPHS, closing])))
    assert closing in kept


# The first words of lines that some rule looks further into.
TRIGGERS = ["About the author", "Hi", "Hi,", "Welcome!", "My name is", "Posted by Ann Writer on", "This entry was posted",
            "You can follow any responses", "Comments are", "« Previous", "By", "Tags:", "If you enjoyed", "Ann Writer",
            "1.", "*", "Read the", "Share this", "Copyright", "All rights", "Updated", "3 comments", "July 24, 2012",
            "10 minutes", "Photo:", "(AP Photo", "http://", "One Response to", "A Reader says"]


@pytest.mark.parametrize("fill", [" ", " !"], ids=["spaces", "spaced-marks"])
def test_lines_that_open_like_a_rule_then_run_on_are_judged_in_one_pass(tmp_path: Path, fill: str) -> None:
    # A pattern whose quantifiers can share characters takes the square of a run's length: a hostile
    # page of such runs would hang `margin clean` (the command's two-minute limit here) instead of
    # taking a moment.
    lines = ["The Bridge Will Close", BODY]
    for trigger in TRIGGERS:
        lines += [trigger + fill * 200_000 + "!", BODY]
    page = tmp_path / "runs.txt"
    page.write_text("\n\n".join(lines), encoding="utf-8")
    cleaned = run_margin("clean", page)
    assert cleaned.returncode == 0 and BODY in cleaned.stdout
