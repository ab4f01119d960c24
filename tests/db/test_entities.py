"""The linker's rules, on a small gazetteer written by the test (the real data is tested apart)."""

from __future__ import annotations

import pytest

from db.entities import Gazetteer, GazetteerError, Linker

GAZ = """
[[entity]]
id = "un"
name = "United Nations"
acronyms = ["UN"]

[[entity]]
id = "ga"
name = "General Assembly"
parent = "un"
not_after = ["INTERPOL"]

[[entity]]
id = "sc"
name = "Security Council"
parent = "un"

[[entity]]
id = "ctc"
name = "Counter-Terrorism Committee"
acronyms = ["CTC"]
parent = "sc"

[[entity]]
id = "cted"
name = "Counter-Terrorism Committee Executive Directorate"
acronyms = ["CTED"]
parent = "ctc"

[[entity]]
id = "secretariat"
name = "Secretariat"
parent = "un"

[[entity]]
id = "dpo"
name = "Department of Peace Operations"
acronyms = ["DPO"]
former_names = [{ name = "Department of Peacekeeping Operations", acronym = "DPKO", until = 2019 }]
parent = "secretariat"

[[entity]]
id = "unodc"
name = "United Nations Office on Drugs and Crime"
acronyms = ["UNODC"]
aliases = ["United Nations Office of Drugs and Crime"]
parent = "secretariat"

[[entity]]
id = "unpol"
name = "United Nations police"
parent = "dpo"

[[entity]]
id = "who"
name = "World Health Organization"
acronyms = ["WHO"]
parent = "un"
"""


@pytest.fixture(scope="module")
def linker(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gaz")
    (folder / "un_entities.toml").write_text(GAZ, encoding="utf-8")
    return Linker(Gazetteer.load(folder))


def found(linker, text):
    return [(m.node_id, m.surface) for m in linker.find(text)]


def test_full_name_with_acronym_in_odd_spacing(linker):
    text = "the United Nations Office on Drugs and Crime ( UNODC) and the UN"
    assert found(linker, text) == [
        ("unodc", "United Nations Office on Drugs and Crime"),
        ("unodc", "UNODC"),
        ("un", "UN"),
    ]


def test_with_or_without_un_prefix_and_of_the_secretariat(linker):
    assert found(linker, "the Department of Peace Operations of the Secretariat and") == [
        ("dpo", "Department of Peace Operations of the Secretariat")
    ]
    assert found(linker, "the UN Department of Peace Operations") == [
        ("dpo", "UN Department of Peace Operations")
    ]
    assert found(linker, "the Office on Drugs and Crime") == [
        ("unodc", "Office on Drugs and Crime")
    ]


def test_former_names_and_possessives(linker):
    assert found(linker, "with the DPKO’s Police Division") == [("dpo", "DPKO")]
    assert found(linker, "the Department of Peacekeeping Operations (DPKO)") == [
        ("dpo", "Department of Peacekeeping Operations"),
        ("dpo", "DPKO"),
    ]


def test_longest_match_wins(linker):
    assert found(linker, "the Counter-Terrorism Committee Executive Directorate") == [
        ("cted", "Counter-Terrorism Committee Executive Directorate")
    ]
    assert found(linker, "the Security Council Counter-Terrorism Committee (CTC)") == [
        ("ctc", "Security Council Counter-Terrorism Committee"),
        ("ctc", "CTC"),
    ]
    assert found(linker, "the UN Security Council") == [("sc", "UN Security Council")]


def test_not_after_excludes_another_organisations_organ(linker):
    assert found(linker, "the 79th session of the INTERPOL General Assembly (Doha)") == []
    assert found(linker, "the UN General Assembly granted") == [("ga", "UN General Assembly")]


def test_acronym_that_is_a_word_matches_only_as_the_acronym(linker):
    assert found(linker, "those who return, and who") == []
    assert found(linker, "the World Health Organization (WHO)") == [
        ("who", "World Health Organization"),
        ("who", "WHO"),
    ]


def test_stripped_name_needs_capitals(linker):
    assert found(linker, "national police forces") == []
    assert found(linker, "the United Nations police and INTERPOL") == [
        ("unpol", "United Nations police")
    ]


def test_curly_and_hyphen_variants(linker):
    assert found(linker, "the Counter Terrorism Committee") == [
        ("ctc", "Counter Terrorism Committee")
    ]


def test_resolve_by_any_name(tmp_path):
    (tmp_path / "un_entities.toml").write_text(GAZ, encoding="utf-8")
    g = Gazetteer.load(tmp_path)
    for name in (
        "DPKO",
        "dpo",
        "Department of Peace Operations",
        "department of peacekeeping operations",
    ):
        assert g.resolve(name).id == "dpo"
    assert g.resolve("UN Office on Drugs and Crime").id == "unodc"
    assert g.resolve("nothing") is None
    assert g.descendants("sc") == ["sc", "ctc", "cted"]


CYCLE = """
[[entity]]
id = "a"
name = "A"
parent = "b"
[[entity]]
id = "b"
name = "B"
parent = "a"
"""


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[entity]]\nid = "a"\nname = "A"\nparent = "zz"\n', "unknown parent 'zz'"),
        ('[[entity]]\nid = "a"\nname = "A"\n[[entity]]\nid = "a"\nname = "B"\n', "used twice"),
        (CYCLE, "own ancestor"),
        ("[[entity]\n", "not valid TOML"),
        ('[[entity]]\nid = "a"\n', "entity #1"),
    ],
)
def test_bad_gazetteer_is_a_clear_error(tmp_path, toml, message):
    (tmp_path / "un_entities.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        Gazetteer.load(tmp_path)
