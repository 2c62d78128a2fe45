import html
import re
from datetime import date
from pathlib import Path

import pytest

from bibanalyse.agreements import (
    Agreement,
    agreement_for,
    load_agreements,
)
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.periods import Period

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
SEED_FILES = {
    "Prestatieafspraken 2024-2027": "prestatieafspraken-2024-2027.txt",
    "Prestatieafspraken 2020": "prestatieafspraken-2020.txt",
}


@pytest.fixture(scope="module")
def current() -> Agreement:
    return agreement_for("Heemstede", Period.parse("2024-H1"))


@pytest.fixture(scope="module")
def agreement_2020() -> Agreement:
    return agreement_for("Heemstede", Period.parse("2023-H2"))


# --- the catalog -------------------------------------------------------------------------


def test_the_package_holds_both_heemstede_agreements():
    titles = [agreement.title for agreement in load_agreements()]
    assert titles == ["Prestatieafspraken 2020", "Prestatieafspraken 2024-2027"]


def test_validity_of_both_agreements(current, agreement_2020):
    assert (current.valid_from, current.valid_to) == (date(2024, 1, 1), date(2027, 12, 31))
    assert (agreement_2020.valid_from, agreement_2020.valid_to) == (
        date(2020, 1, 1),
        date(2023, 12, 31),
    )


def test_2024_has_14_goals_in_5_ambitions(current):
    assert [ambition.number for ambition in current.ambitions] == [1, 2, 3, 4, 5]
    assert [len(ambition.goals) for ambition in current.ambitions] == [4, 2, 2, 3, 3]
    assert [goal.id for goal in current.goals] == [
        "1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "3.1", "3.2",
        "4.1", "4.2", "4.3", "5.1", "5.2", "5.3",
    ]  # fmt: skip


def test_2020_has_22_goals_in_5_themes(agreement_2020):
    assert [len(ambition.goals) for ambition in agreement_2020.ambitions] == [8, 3, 3, 4, 4]
    assert len(agreement_2020.goals) == 22
    assert agreement_2020.goals[7].id == "1.8"
    assert agreement_2020.goals[-1].id == "5.4"


def test_every_goal_sits_under_its_own_ambition(current, agreement_2020):
    for agreement in (current, agreement_2020):
        for ambition in agreement.ambitions:
            for goal in ambition.goals:
                assert goal.ambition == ambition.number
                assert goal.id.startswith(f"{ambition.number}.")


def test_slugs_are_the_same_in_both_agreements(current, agreement_2020):
    expected = [
        "1_leesplezier",
        "2_basisvaardigheden",
        "3_ontmoeting",
        "4_literatuur_en_cultuur",
        "5_studie_en_werkplek",
    ]
    assert [ambition.slug for ambition in current.ambitions] == expected
    assert [ambition.slug for ambition in agreement_2020.ambitions] == expected


def test_indicators_are_known_and_the_headline_is_one_of_them(current, agreement_2020):
    for goal in current.goals + agreement_2020.goals:
        assert goal.indicators, goal.id
        assert set(goal.indicators) <= set(REGISTRY), goal.id
        assert goal.headline in goal.indicators, goal.id
        assert goal.direction in {"meer", "stabiel"}, goal.id


def test_indicator_keys_are_the_agreed_twenty():
    assert len(REGISTRY) == 20
    assert {"jeugdleden_aandeel", "bezoekers_geschat", "digitaal_gebruik"} <= set(REGISTRY)


# --- the goals' content ------------------------------------------------------------------


def test_some_2024_texts_literally(current):
    assert current.goal("1.2").text == (
        "Kinderen en ouders worden gestimuleerd om te lezen en om voor te lezen."
    )
    assert current.goal("1.4").reach == "Metten van gebruik en deelnemers"
    assert current.goal("4.1").reach == "Uitleencijfers Heemstede"
    assert current.goal("5.1").text == "Studie- en werkplekken worden steeds beter gebruikt."
    assert current.goal("5.3").reach == (
        "Via partners en Voorlees-Express kunnen we dit anekdotisch achterhalen"
    )
    assert current.ambition(3).title.startswith("De Bibliotheek/Plein1 wordt steeds meer")


def test_some_2020_texts_literally(agreement_2020):
    assert agreement_2020.goal("3.1").text == "Plein 1 wordt steeds intensiever bezocht."
    assert agreement_2020.goal("4.1").text == (
        "De rijkdom van de collectie wordt actiever gepromoot. Uitleencijfers stabiliseren."
    )
    assert agreement_2020.goal("5.4").text == (
        "Het aanbod van Pressreader is bekend en wordt actief gebruikt."
    )
    assert agreement_2020.goal("1.7").text.startswith("In gesprek met Haemstede Barger over")


def test_footnotes_are_notes_of_their_goals(current):
    assert current.goal("1.2").note.startswith("Op basis van gemiddelde klasgrootte")
    assert "geschat op 602" in current.goal("1.4").note
    assert current.goal("2.1").note.startswith("Een community is een gelijkgestemde doelgroep")
    noted = {goal.id for goal in current.goals if goal.note}
    assert noted == {"1.2", "1.4", "2.1"}


def test_covenant_and_theme_of_the_ambitions(current, agreement_2020):
    assert current.ambition(1).covenant == "Convenant: Geletterde samenleving"
    assert current.ambition(5).theme == (
        "Thema: De Bibliotheek als studie & werkplek; onderlinge verbondenheid"
    )
    assert all(ambition.covenant is None for ambition in agreement_2020.ambitions)
    assert all(ambition.theme.startswith("Thema: ") for ambition in agreement_2020.ambitions)


def test_effort_only_goals(current, agreement_2020):
    assert {goal.id for goal in current.goals if goal.effort_only} == {"4.3", "5.3"}
    effort_2020 = {goal.id for goal in agreement_2020.goals if goal.effort_only}
    assert effort_2020 == {"1.7", "2.3", "4.3", "4.4", "5.3"}


def test_directions(current, agreement_2020):
    assert current.goal("4.1").direction == "meer"
    assert agreement_2020.goal("4.1").direction == "stabiel"
    assert [goal.id for goal in current.goals if goal.direction != "meer"] == []


def test_headlines_answer_the_bereik(current, agreement_2020):
    assert current.goal("1.3").headline == "partners"  # "Aantal partners"
    assert current.goal("2.1").headline == "communities"  # "Metten van communities ..."
    assert current.goal("3.1").headline == "bezoekers_geschat"  # "Aantal bezoekers Plein1"
    assert current.goal("4.1").headline == "uitleningen"  # "Uitleencijfers Heemstede"
    assert current.goal("5.1").headline == "werkplekbezetting"
    assert agreement_2020.goal("5.4").headline == "digitaal_gebruik"  # Pressreader


def test_open_cells_are_none(current):
    assert current.goal("4.3").branch is None  # the table leaves Vestiging empty
    assert current.goal("4.2").branch == "Heemstede"


# --- verbatim against the seed documents -------------------------------------------------


def _normalised(text: str) -> str:
    """Seed or catalog text with footnote marks, markup, bullets and line breaks removed."""
    text = re.sub(r"<sup>.*?</sup>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text)).replace("\uf0b7", " ")
    return " ".join(text.split())


def _seed_text(agreement: Agreement) -> str:
    seed = SEEDS / SEED_FILES[agreement.title]
    if not seed.is_file():
        pytest.skip(f"seed document {seed} is not present beside the repository")
    return _normalised(seed.read_text(encoding="utf-8"))


def _quoted_texts(agreement: Agreement) -> list[tuple[str, str]]:
    quoted = []
    for ambition in agreement.ambitions:
        quoted.append((f"ambitie {ambition.number} titel", ambition.title))
        quoted.append((f"ambitie {ambition.number} thema", ambition.theme.removeprefix("Thema: ")))
        if ambition.covenant:
            quoted.append((f"ambitie {ambition.number} convenant", ambition.covenant))
    for goal in agreement.goals:
        fields = {
            "tekst": goal.text,
            "doelgroep": goal.target_group,
            "partners": goal.partners,
            "bereik": goal.reach,
            "toelichting": goal.note,
        }
        quoted += [(f"doel {goal.id} {name}", value) for name, value in fields.items() if value]
    return quoted


@pytest.mark.parametrize("period", ["2024-H1", "2023-H2"])
def test_texts_are_verbatim_from_the_seed(period):
    agreement = agreement_for("Heemstede", period)
    seed = _seed_text(agreement)
    missing = [place for place, text in _quoted_texts(agreement) if _normalised(text) not in seed]
    assert missing == []


def test_goal_texts_follow_the_seed_order(current):
    seed = _seed_text(current)
    positions = [seed.index(_normalised(goal.text)) for goal in current.goals]
    assert positions == sorted(positions)


def test_2020_bullets_are_all_goals_in_order(agreement_2020):
    seed = SEEDS / SEED_FILES[agreement_2020.title]
    if not seed.is_file():
        pytest.skip(f"seed document {seed} is not present beside the repository")
    bullets = seed.read_text(encoding="utf-8").split("\uf0b7")[1:]
    assert len(bullets) == 22
    for bullet, goal in zip(bullets, agreement_2020.goals, strict=True):
        assert _normalised(bullet).startswith(goal.text), goal.id


# --- choosing the agreement for a period -------------------------------------------------


@pytest.mark.parametrize(
    ("period", "title"),
    [
        ("2023-H2", "Prestatieafspraken 2020"),
        ("2020-H1", "Prestatieafspraken 2020"),
        ("2023", "Prestatieafspraken 2020"),
        ("2024-H1", "Prestatieafspraken 2024-2027"),
        ("2024", "Prestatieafspraken 2024-2027"),
        ("2027-H2", "Prestatieafspraken 2024-2027"),
    ],
)
def test_agreement_for_picks_the_one_valid_on_the_first_day(period, title):
    assert agreement_for("Heemstede", Period.parse(period)).title == title


def test_agreement_for_ignores_case_and_spaces():
    assert agreement_for("  heemSTEDE ", "2025-H1").municipality == "Heemstede"


@pytest.mark.parametrize(
    ("municipality", "period"), [("Haarlem", "2025-H1"), ("Heemstede", "2019")]
)
def test_agreement_for_names_what_it_looked_for_and_what_exists(municipality, period):
    with pytest.raises(ValueError) as raised:
        agreement_for(municipality, period)
    message = str(raised.value)
    assert repr(municipality) in message
    assert period in message
    assert "Prestatieafspraken 2020 (2020-01-01 to 2023-12-31)" in message


def test_agreement_for_refuses_an_empty_municipality():
    with pytest.raises(ValueError, match="municipality"):
        agreement_for(" ", "2025-H1")


def test_agreement_for_uses_the_agreements_given(current):
    with pytest.raises(ValueError, match="there are: none"):
        agreement_for("Heemstede", "2025-H1", agreements=[])
    assert agreement_for("Heemstede", "2025", agreements=[current]) is current


def test_goal_lookup_explains_a_missing_id(current):
    with pytest.raises(KeyError, match=r"no goal '6\.1'.*1\.1, 1\.2"):
        current.goal("6.1")


def test_agreements_are_frozen_and_hashable(current):
    with pytest.raises(AttributeError):
        current.title = "other"
    assert hash(current.goal("1.1"))


# --- validating files --------------------------------------------------------------------

VALID_FILE = '''\
gemeente = "Proefdorp"
titel = "Proefafspraken"
geldig_van = 2030-01-01
geldig_tot = 2030-12-31
bron = "test"

[[ambitie]]
nummer = 1
kort = "Één proef"
titel = """Een   ambitie
over twee regels."""
thema = "Thema: proeven"

[[doel]]
id = "1.1"
ambitie = 1
tekst = "Meer proeven."
indicatoren = ["activiteiten", "deelnemers"]
kop = "deelnemers"
richting = "meer"
inspanning = false
'''


def _write(directory: Path, text: str, name: str = "proefdorp.toml") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_a_valid_file_loads_from_any_directory(tmp_path):
    (agreement,) = load_agreements(_write(tmp_path, VALID_FILE))
    assert agreement.municipality == "Proefdorp"
    assert agreement.ambitions[0].title == "Een ambitie over twee regels."
    assert agreement.ambitions[0].slug == "1_een_proef"
    assert agreement.goal("1.1").target_group is None
    assert agreement_for("proefdorp", "2030-H2", agreements=[agreement]) is agreement


def test_files_other_than_toml_are_ignored(tmp_path):
    _write(tmp_path, "not an agreement", name="README.md")
    assert len(load_agreements(_write(tmp_path, VALID_FILE))) == 1


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('kop = "deelnemers"', 'kop = "uitleningen"', r"kop 'uitleningen' is not among"),
        ('"activiteiten", "deelnemers"', '"activiteiten", "bezoekers"', "unknown indicator"),
        ("indicatoren = [", 'indicator = ["activiteiten"]\nindicatoren = [', "unknown key"),
        ('richting = "meer"', 'richting = "minder"', "richting 'minder'"),
        ("inspanning = false", 'inspanning = "nee"', "'inspanning' has the wrong type"),
        ("inspanning = false\n", "", "'inspanning' is missing"),
        ('id = "1.1"', 'id = "2.1"', r"id '2\.1' must read"),
        ("ambitie = 1\ntekst", "ambitie = true\ntekst", "'ambitie' has the wrong type"),
    ],
)
def test_a_bad_goal_is_reported_with_file_and_goal(tmp_path, old, new, problem):
    assert old in VALID_FILE
    _write(tmp_path, VALID_FILE.replace(old, new, 1))
    with pytest.raises(ValueError, match=problem) as raised:
        load_agreements(tmp_path)
    assert str(raised.value).startswith("proefdorp.toml, doel ")


def test_an_empty_indicator_list_is_refused(tmp_path):
    _write(tmp_path, VALID_FILE.replace('["activiteiten", "deelnemers"]', "[]"))
    with pytest.raises(ValueError, match=r"proefdorp.toml, doel '1\.1': indicatoren is empty"):
        load_agreements(tmp_path)


def test_a_duplicate_goal_id_is_refused(tmp_path):
    second_goal = VALID_FILE[VALID_FILE.index("[[doel]]") :]
    _write(tmp_path, VALID_FILE + "\n" + second_goal)
    with pytest.raises(ValueError, match=r"proefdorp.toml: goal id '1\.1' appears twice"):
        load_agreements(tmp_path)


def test_a_goal_of_an_absent_ambition_is_refused(tmp_path):
    extra_goal = '\n[[doel]]\nid = "2.1"\nambitie = 2\ntekst = "x"\nindicatoren = ["uitleningen"]\n'
    extra_goal += 'kop = "uitleningen"\nrichting = "stabiel"\ninspanning = true\n'
    _write(tmp_path, VALID_FILE + extra_goal)
    with pytest.raises(ValueError, match=r"doel '2\.1' names ambitie 2, which is absent"):
        load_agreements(tmp_path)


def test_an_ambition_without_goals_is_refused(tmp_path):
    extra_ambition = '\n[[ambitie]]\nnummer = 2\nkort = "Leeg"\ntitel = "x"\nthema = "y"\n'
    _write(tmp_path, VALID_FILE + extra_ambition)
    with pytest.raises(ValueError, match="proefdorp.toml, ambitie #2: ambition 2 has no goals"):
        load_agreements(tmp_path)


def test_validity_must_run_forward(tmp_path):
    _write(tmp_path, VALID_FILE.replace("geldig_tot = 2030-12-31", "geldig_tot = 2029-12-31"))
    with pytest.raises(ValueError, match="proefdorp.toml: geldig_van 2030-01-01 is after"):
        load_agreements(tmp_path)


def test_a_missing_top_level_key_is_refused(tmp_path):
    _write(tmp_path, VALID_FILE.replace('bron = "test"\n', ""))
    with pytest.raises(ValueError, match="proefdorp.toml: 'bron' is missing"):
        load_agreements(tmp_path)


def test_invalid_toml_is_reported_with_the_file(tmp_path):
    _write(tmp_path, VALID_FILE.replace('titel = "Proefafspraken"', "titel = Proefafspraken"))
    with pytest.raises(ValueError, match="proefdorp.toml: not valid TOML"):
        load_agreements(tmp_path)


def test_overlapping_agreements_of_one_municipality_are_refused(tmp_path):
    _write(tmp_path, VALID_FILE, name="a.toml")
    _write(
        tmp_path, VALID_FILE.replace('gemeente = "Proefdorp"', 'gemeente = "PROEFDORP"'), "b.toml"
    )
    with pytest.raises(ValueError, match="a.toml and b.toml: .* overlaps"):
        load_agreements(tmp_path)


def test_agreements_of_other_municipalities_may_overlap(tmp_path):
    _write(tmp_path, VALID_FILE, name="a.toml")
    _write(tmp_path, VALID_FILE.replace("Proefdorp", "Anderdorp"), name="b.toml")
    assert [a.municipality for a in load_agreements(tmp_path)] == ["Anderdorp", "Proefdorp"]


def test_a_folder_without_agreements_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"no agreement files \(\*\.toml\)"):
        load_agreements(tmp_path)
    with pytest.raises(ValueError, match="does not exist"):
        load_agreements(tmp_path / "absent")
