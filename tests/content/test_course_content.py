"""The teaching content: every module has every lesson part, every quiz item has feedback,
and the item bank holds what the planner's table holds and more."""

from __future__ import annotations

import re

import pytest

from course import settings
from course.content import load_planner
from course.lessons import introduction, load_course, load_help
from course.quiz import CATEGORY_IDS, ROUND_SIZE, load_item_bank

PLANNER = load_planner()
COURSE = load_course()
BANK = load_item_bank()


@pytest.mark.parametrize("module", COURSE.modules, ids=lambda m: m.id)
def test_every_module_has_every_lesson_part(module):
    assert module.minutes > 0
    assert module.questions and all(q.strip().endswith("?") for q in module.questions)
    assert module.objectives and module.key_points
    assert len(module.facilitator_notes.split()) >= 80
    assert (settings.MODULES_DIR / module.notebook).is_file()


def test_course_order_and_plan():
    ids = [m.id for m in COURSE.modules]
    assert ids[0] == "introduction"
    assert ids[1:7] == [s.id for s in PLANNER.sections]
    assert {"four-cs-quiz", "profile"} <= set(ids)


def test_every_item_has_feedback_and_an_explained_distractor():
    for item in BANK.items:
        assert len(item.feedback.split()) >= 10, item.id
        assert item.distractors, item.id
        for distractor in item.distractors:
            assert distractor.category not in item.categories, item.id
            assert len(distractor.why.split()) >= 6, item.id


def test_the_bank_holds_the_seed_table_and_at_least_40_new_items():
    seed_items = [i for i in BANK.items if i.origin == "seed"]
    new_items = [i for i in BANK.items if i.origin == "new"]
    assert len(new_items) >= 40
    assert all(i.id.startswith("new-") for i in new_items)
    assert all(i.id.startswith("seed-") for i in seed_items)
    # Spot checks of the seed's table, column by column, as the planner places them.
    placed = {i.text: i.categories for i in seed_items}
    assert placed["Pro-anorexia websites"] == {"content"}
    assert placed["Online grooming"] == {"contact"}
    assert placed["Using online gambling sites"] == {"conduct"}
    assert placed["In app purchases"] == {"commerce"}
    assert len(seed_items) >= 40
    assert sum(len(i.categories) > 1 for i in new_items) >= 10  # one situation, several Cs
    for category in CATEGORY_IDS:
        assert any(category in i.categories for i in seed_items)


@pytest.mark.parametrize("section", PLANNER.sections, ids=lambda s: s.id)
def test_every_section_can_draw_a_round_of_its_own_items(section):
    assert len(BANK.for_section(section.id)) >= ROUND_SIZE


def test_introduction_quotes_definitions_with_their_sources():
    data = introduction()
    terms = {d["id"]: d for d in data["definitions"]}
    cse = next(d for d in data["definitions"] if "exploitation" in d["term"].lower())
    assert "imbalance of power" in cse["quote"]
    assert "2017" in cse["quote_source"]
    assert any("cyberbullying" in d["term"].lower() for d in terms.values())
    assert data["vulnerable_groups"]["citations"]
    assert all(m["source"] for m in data["research_messages"])


def test_help_has_national_and_marked_local_services():
    data = load_help()
    assert data.national["area"] == "national"
    assert data.local["area"] == "Dudley"
    names = " ".join(s["name"] for s in data.national["services"])
    assert "Childline" in names and "Professionals Online Safety Helpline" in names
    phones = [s.get("phone", "") for s in data.national["services"] + data.local["services"]]
    assert all(re.fullmatch(r"[0-9 ]+", p) for p in phones if p)


def test_help_local_services_can_be_replaced_by_a_setting(tmp_path, monkeypatch):
    own = tmp_path / "our-area.yaml"
    own.write_text(
        "area: Riverside\n"
        "note: Our own list.\n"
        "credit: Riverside Safeguarding Partnership, 2026.\n"
        "services:\n"
        "  - name: Riverside Front Door\n"
        "    for: [professionals]\n"
        "    what: Where professionals in Riverside report a concern about a child.\n"
        "    phone: 01632 960000\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("ONLINE_LIVES_LOCAL_HELP", str(own))
    data = load_help()
    assert data.local["area"] == "Riverside"
    assert [s["name"] for s in data.local["services"]] == ["Riverside Front Door"]
