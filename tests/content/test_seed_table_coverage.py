"""Every example in the planner's "Types of Risk online" table is in the item bank, with the
category the planner gives it. The table below is transcribed from the planner (2017) as
it stands, column by column, independently of datasets/risks.yaml."""

from __future__ import annotations

import re

import pytest

from course.quiz import load_item_bank

SEED_TABLE = {
    "content": [
        "Pro-anorexia websites;",
        "Websites encouraging self- harm and/or suicide",
        "Very violent images or videos",
        "Websites displaying pornography",
        "Websites promoting hatred or racist views",
        "Websites giving potentially dangerous advice",
        "Websites encouraging extremist views and terrorist acts",
        "Adult TV programmes available for streaming or download",
        "Film or gaming content may be unsuitable or harmful for age group",
    ],
    "contact": [
        "Social media pages/account hacked;",
        "Personal details hacked or stolen;",
        "Online aggression including racism and homophobia;",
        "Online aggression: people encouraged to rate or slate one person.",
        "Cyberbullying",
        "Rumours spread",
        "Websites talking about or encouraging self- harm or suicide;",
        "Someone posing as youth attempts to make relationship. (Fake solicitation).",
        "Humiliating misuse of images shared among people you know",
        "Online grooming",
        "Meeting up in real life",
        "Child sexual exploitation or abuse",
        "Location given away i.e. via Snapmap",
    ],
    "conduct": [
        "Using online gambling sites",
        "Visiting Chatrooms and forums;",
        "Visiting pages meant for adults;",
        "I spend more than 5 hours per day online;",
        "Gaming; (meeting strangers and forming relationships can lead to harm).",
        "‘Addicted’ to a game or messaging ie Snapstreak, through the night",
        "Posting photos (can be excessive self-revelation or inviting hurtful responses).",
        "Posting about what I am doing (dependent on living through social media)",
        "Violence advocated by others",
        "Apps designed for adults but used by young people i.e. dating apps or meeting ‘sugar daddies’",
        # Self-generated explicit images: reasons people shared these images
        "Coercion and pressure",
        "Blackmail and extortion",
        "In a relationship and wanted to",
        "In a relationship and was made to feel I had to do it",
        "Threatened",
        "Did it for fun.",
    ],
    "commerce": [
        "credit card details stolen; fraud",
        "In app purchases",
        "Sold fake goods;",
        "Encountered website/s trying to sell illegal goods.",
        "Personal details and online interests sold for marketing.",
        "Clickbaiting - content to lure visitors to click on a link to a particular web page.",
        "Phishing - a form of fraud to obtain information i.e. login credentials or account "
        "information by masquerading as a reputable entity.",
        "Scams",
        "Illegal substances sold",
        "Trading on black market or dark web",
        "Downloading malware inadvertently because it is attached to software",
    ],
}
IMAGE_REASON = "shared a self-generated explicit image: "


def words(text: str) -> str:
    """Text reduced to its words, so punctuation and spacing do not count."""
    text = text.lower().replace("self- ", "self-").removeprefix(IMAGE_REASON)
    return " ".join(re.findall(r"[a-z0-9’'/-]+", text))


SEED_ITEMS = {words(t): c for c, texts in SEED_TABLE.items() for t in texts}
BANK = {words(i.text): i for i in load_item_bank().items if i.origin == "seed"}


@pytest.mark.parametrize(("text", "category"), sorted(SEED_ITEMS.items()))
def test_seed_example_is_in_the_bank_with_the_seeds_category(text, category):
    assert text in BANK, f"missing from the bank: {text}"
    assert BANK[text].categories == {category}


def test_the_bank_has_no_seed_item_that_is_not_in_the_table():
    assert set(BANK) == set(SEED_ITEMS)
    assert len(SEED_ITEMS) == 49
