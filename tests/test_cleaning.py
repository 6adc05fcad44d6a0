from pathlib import Path

import pytest

from assistant.ingest.cleaning import content_mask, describe

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def kept_text(name: str) -> tuple[list[str], list[bool]]:
    lines = (SEEDS / name).read_text(encoding="utf-8").split("\n")
    return lines, content_mask(lines)


def test_web_page_debris_is_dropped_and_article_text_kept():
    lines, keep = kept_text("003_d74d3e3d1cd4878b.txt")
    kept = "\n".join(line for line, k in zip(lines, keep) if k)
    for debris in ("Arts&Culture", "BREAKING", "Araghchi", "Most Read", "Gold slips below", "Privacy Policy",
                   "Trump cut off contact", "pic.twitter.com", "Read next:"):
        assert debris not in kept, debris
    for article in ("Northern Sea Route", "Bolshoy Ussuriysky Island", "75th anniversary", "$7.6 billion"):
        assert article in kept, article


def test_link_list_and_reply_boxes_are_dropped():
    lines, keep = kept_text("004_3bfae2fcf57e684b.txt")
    dropped = {line.strip() for line, k in zip(lines, keep) if line.strip() and not k}
    assert {"Read more", "Leave a Reply", "Back to top button", "Source"} <= dropped
    assert "WATCH Putin and Russian delegation arrive in Saudi Arabia" in dropped
    assert keep[19]  # line 20: "On Wednesday, Putin visited Abu Dhabi and Riyadh ..."


@pytest.mark.parametrize("name, title, date, outlet", [
    ("000_20c881c048cd9072.txt", "Russia and Saudi Arabia Agree to Boost Defense Cooperation", "2023-12-07", None),
    ("001_352e889539e42c71.txt",
     "Presidents al-Assad and Putin discuss cooperation, latest regional and international developments", None, "SANA"),
    ("002_8a35e8dbf3f4f508.txt", None, "2023-11-03", "Kuwait News Agency (KUNA)"),
    ("003_d74d3e3d1cd4878b.txt", "Russia, China defense coop. effectively strengthens global security", "2024-05-16",
     "Al Mayadeen English"),
    ("004_3bfae2fcf57e684b.txt", "Putin and Iran’s Raisi talk for five hours – Kremlin", "2023-12-07", None),
])
def test_metadata_from_the_seeds(name, title, date, outlet):
    meta = describe(*kept_text(name))
    if title:
        assert meta.title == title
    else:
        assert meta.title.startswith("Kuwait Minister of Foreign Affairs")
    assert (meta.date, meta.outlet) == (date, outlet)


@pytest.mark.parametrize("first, title", [
    ("Willowbrook Community Garden - Committee Meeting Minutes", "Willowbrook Community Garden - Committee Meeting Minutes"),
    ("Al Mayadeen English", "Location: Back room of the Fennick Street Library"),  # a site's name is too short
])
def test_a_first_line_of_capitalised_words_is_a_title_when_it_is_long_enough_for_one(first, title):
    lines = [first, "Date: Tuesday, 12 March 2024", "Location: Back room of the Fennick Street Library", "",
             "Dev reported a balance of 2,318 euros in the garden account, more than last year."]
    assert describe(lines, content_mask(lines)).title == title


def test_a_run_of_short_lines_is_a_menu_unless_they_are_fields_list_items_or_figures():
    menu = ["Home", "News", "Sport", "Contact us", "", "The council approved the budget on Wednesday evening."]
    assert content_mask(menu) == [False, False, False, False, False, True]
    record = ["INV-2024-034", "Date: 30/09/2024", "Client: Ferrante Wines", "Amount: €132.00", "Status: open", "",
              "- 2 eggs", "- Milk", "- Butter", "", "| Rent | 1,150 |"]
    assert content_mask(record) == [bool(line) for line in record]


def test_a_copyright_line_is_debris_but_a_copyright_sign_inside_prose_is_not():
    lines = ["© 2023 Riverside Gazette. All rights reserved.",
             "Copyright © 2024 The Associated Press. All rights reserved. This material may not be published.",
             "The centre uses the Tools of the Mind© curriculum so that every child learns to plan their play.",
             "A recent exposÃ© explains how the manufacturer moved its profits abroad to pay almost no tax at all."]
    assert content_mask(lines) == [False, False, True, True]
