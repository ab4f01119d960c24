"""The briefs database: its API, its migrations, and items checked against a changed library."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from db import paths
from db.briefs import (
    MIGRATION_NAMES,
    MIGRATIONS,
    RECENT_LIMIT,
    Briefs,
    backup_files,
    text_diff,
)
from db.errors import (
    BriefError,
    BriefExistsError,
    BriefItemNotFoundError,
    BriefNotFoundError,
    BriefsDatabaseError,
    NotFoundError,
)
from db.library import open_library
from db.reading import Library
from tests.helpers.briefs import NEW_OP2, OLD_OP2, pin_then_change_library


@pytest.fixture
def briefs() -> Briefs:
    with Briefs.open() as b:
        yield b


def raw(path: Path) -> sqlite3.Connection:
    """A second, independent connection: what another process would see."""
    return sqlite3.connect(path)


def test_the_database_lives_in_the_data_folder_not_in_the_store(briefs: Briefs) -> None:
    assert briefs.path == paths.data_dir() / "briefs.sqlite"
    assert paths.store_dir() not in briefs.path.parents
    assert briefs.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert briefs.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert briefs.schema() == list(MIGRATION_NAMES)


def test_create_list_rename_update_delete(briefs: Briefs) -> None:
    a = briefs.create(title="  UNODC   bilateral ", date="2026-12-01", notes="Room 4")
    assert (a.title, a.date, a.notes, a.items) == ("UNODC bilateral", "2026-12-01", "Room 4", 0)
    b = briefs.create(title="CTED briefing")
    assert b.date is None
    assert [x.title for x in briefs.list()] == ["CTED briefing", "UNODC bilateral"]
    assert briefs.get("unodc BILATERAL").id == a.id
    assert briefs.get(a.id).title == "UNODC bilateral"
    renamed = briefs.rename("UNODC bilateral", title="UNODC bilateral (Vienna)")
    assert renamed.id == a.id and renamed.notes == "Room 4"
    changed = briefs.update(a.id, date="2026-12-02", notes="Room 5")
    assert (changed.title, changed.date, changed.notes) == (
        "UNODC bilateral (Vienna)",
        "2026-12-02",
        "Room 5",
    )
    assert briefs.update(a.id, clear_date=True).date is None
    gone = briefs.delete("CTED briefing")
    assert gone.title == "CTED briefing"
    assert [x.title for x in briefs.list()] == ["UNODC bilateral (Vienna)"]
    with pytest.raises(BriefNotFoundError, match="no brief named 'CTED briefing'"):
        briefs.get("CTED briefing")


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"title": "   "}, BriefError, "a brief needs a title"),
        ({"title": "x" * 201}, BriefError, "at most 200 characters"),
        ({"title": "a\x07b"}, BriefError, "control characters"),
        ({"title": "Dated", "date": "1 December"}, BriefError, "is not a date"),
        ({"title": "Noted", "notes": "a\x00b"}, BriefError, "NUL"),
        ({"title": "unodc BILATERAL"}, BriefExistsError, "already exists"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    briefs: Briefs, kwargs: dict[str, str], error: type[Exception], message: str
) -> None:
    briefs.create(title="UNODC bilateral")
    before = briefs.list()
    with pytest.raises(error, match=message):
        briefs.create(**kwargs)
    assert briefs.list() == before


def test_rename_onto_another_title_is_refused(briefs: Briefs) -> None:
    briefs.create(title="One")
    briefs.create(title="Two")
    with pytest.raises(BriefExistsError, match="a brief named 'one' already exists"):
        briefs.rename("Two", title="one")
    assert sorted(b.title for b in briefs.list()) == ["One", "Two"]


def test_pin_keeps_text_citation_footnotes_and_document(briefs: Briefs, library: Library) -> None:
    briefs.create(title="Meeting")
    item = briefs.pin("Meeting", library=library, passage_id="a-res-77-20:pp2", note="treaty")
    passage = library.passage("a-res-77-20:pp2")
    assert item.position == 1
    assert item.text == passage["text"]
    assert item.citation == passage["citation"] == "A/RES/77/20, preambular para. 2"
    assert item.note == "treaty" and item.quote is None and item.quoted == item.text
    assert dict(item.citations) == {
        "short": "A/RES/77/20, preambular para. 2",
        "full": library.citation("a-res-77-20:pp2", style="full"),
    }
    assert item.citation_in("full").startswith("General Assembly resolution 77/20 of 21 Nov")
    assert [(f.number, f.marker, f.text) for f in item.footnotes] == [
        (1, "¹", "United Nations, Treaty Series, vol. 1996, No. 1200.")
    ]
    doc = library.store.document("a-res-77-20")
    assert item.document.symbol == "A/RES/77/20" and item.document.label == "A/RES/77/20"
    assert item.document.date == doc["date"]
    assert item.document.sources == tuple((s["file"], s["sha256"]) for s in doc["sources"])
    web = briefs.pin("Meeting", library=library, passage_id="united-nations:s1.p1")
    assert web.document.symbol is None and web.document.label == "United Nations"
    assert [i.passage_id for i in briefs.items("Meeting")] == [
        "a-res-77-20:pp2",
        "united-nations:s1.p1",
    ]


def test_quotes_must_be_part_of_the_passage(briefs: Briefs, library: Library) -> None:
    briefs.create(title="Meeting")
    text = library.passage("a-res-77-20:op17a")["text"]
    quote = "global police secure communications system"
    item = briefs.pin(
        "Meeting", library=library, passage_id="a-res-77-20:op17a", quote=f"  {quote} "
    )
    assert item.quote == quote and item.quoted == quote and item.text == text
    with pytest.raises(BriefError, match="the quote is not part of the text of passage"):
        briefs.pin("Meeting", library=library, passage_id="a-res-77-20:op17a", quote="ransomware")
    with pytest.raises(NotFoundError, match="no passage with id 'a-res-77-20:op99'"):
        briefs.pin("Meeting", library=library, passage_id="a-res-77-20:op99")
    with pytest.raises(BriefNotFoundError):
        briefs.pin("Nope", library=library, passage_id="a-res-77-20:op17a")
    assert len(briefs.items("Meeting")) == 1


def pinned(briefs: Briefs, library: Library, ids: list[str]) -> None:
    briefs.create(title="Meeting")
    for pid in ids:
        briefs.pin("Meeting", library=library, passage_id=pid, note=pid)


IDS = ["a-res-77-20:op1", "a-res-77-20:op2", "a-res-77-20:op3", "a-res-77-20:op4"]


def test_move_note_remove_by_position(briefs: Briefs, library: Library) -> None:
    pinned(briefs, library, IDS)
    order = [i.passage_id for i in briefs.move_item("Meeting", position=4, to=1)]
    assert order == [IDS[3], IDS[0], IDS[1], IDS[2]]
    briefs.move_item("Meeting", position=1, to=4)
    briefs.move_item("Meeting", position=2, to=3)
    assert [i.passage_id for i in briefs.items("Meeting")] == [IDS[0], IDS[2], IDS[1], IDS[3]]
    assert [i.position for i in briefs.items("Meeting")] == [1, 2, 3, 4]
    item = briefs.set_note("Meeting", position=2, note="Raise this first.\nThen op2.")
    assert item.passage_id == IDS[2] and item.note == "Raise this first.\nThen op2."
    gone = briefs.remove_item("Meeting", position=1)
    assert gone.passage_id == IDS[0]
    items = briefs.items("Meeting")
    assert [(i.position, i.passage_id) for i in items] == [(1, IDS[2]), (2, IDS[1]), (3, IDS[3])]
    assert briefs.get("Meeting").items == 3
    assert briefs.item("Meeting", position=3).passage_id == IDS[3]


@pytest.mark.parametrize(
    "call",
    [
        lambda b: b.set_note("Meeting", position=5, note="x"),
        lambda b: b.set_note("Meeting", position=0, note="x"),
        lambda b: b.remove_item("Meeting", position=9),
        lambda b: b.move_item("Meeting", position=1, to=5),
        lambda b: b.move_item("Meeting", position=-1, to=2),
        lambda b: b.item("Meeting", position=5),
    ],
)
def test_a_missing_position_is_refused_and_nothing_changes(briefs, library, call) -> None:
    pinned(briefs, library, IDS)
    before = briefs.items("Meeting")
    with pytest.raises(
        BriefItemNotFoundError, match=r"brief 'Meeting' has no item -?\d+ \(items 1-4\)"
    ):
        call(briefs)
    assert briefs.items("Meeting") == before


def test_every_change_is_committed_before_the_call_returns(briefs: Briefs, library) -> None:
    other = raw(briefs.path)
    briefs.create(title="Meeting")
    assert other.execute("SELECT title FROM briefs").fetchall() == [("Meeting",)]
    briefs.pin("Meeting", library=library, passage_id=IDS[0])
    briefs.pin("Meeting", library=library, passage_id=IDS[1])
    assert other.execute("SELECT count(*) FROM items").fetchone()[0] == 2
    briefs.set_note("Meeting", position=2, note="seen elsewhere")
    assert other.execute("SELECT note FROM items WHERE position = 2").fetchone()[0] == (
        "seen elsewhere"
    )
    briefs.move_item("Meeting", position=2, to=1)
    assert other.execute("SELECT passage_id FROM items ORDER BY position").fetchall() == [
        (IDS[1],),
        (IDS[0],),
    ]
    briefs.remove_item("Meeting", position=1)
    assert other.execute("SELECT passage_id FROM items").fetchall() == [(IDS[0],)]
    assert not briefs.db.conn.in_transaction
    other.close()


def test_recent_searches_and_passages_are_bounded_and_newest_first(briefs: Briefs) -> None:
    for i in range(RECENT_LIMIT + 5):
        briefs.record_search(f"query {i}")
    briefs.record_search("query 10")  # searched again: moves to the front
    briefs.record_search("   ")
    recent = briefs.recent_searches()
    assert len(recent) == RECENT_LIMIT
    assert recent[:3] == ["query 10", f"query {RECENT_LIMIT + 4}", f"query {RECENT_LIMIT + 3}"]
    assert "query 0" not in recent
    briefs.record_opened("a-res-77-20:op1", citation="A/RES/77/20, para. 1")
    briefs.record_opened("a-res-77-20:op2", citation="A/RES/77/20, para. 2")
    briefs.record_opened("a-res-77-20:op1", citation="A/RES/77/20, para. 1")
    assert [(r.passage_id, r.citation) for r in briefs.recent_passages(limit=5)] == [
        ("a-res-77-20:op1", "A/RES/77/20, para. 1"),
        ("a-res-77-20:op2", "A/RES/77/20, para. 2"),
    ]


# -- migrations ---------------------------------------------------------------------------------


def test_an_old_database_is_migrated_with_its_data_and_a_copy_kept(tmp_path: Path) -> None:
    path = tmp_path / "briefs.sqlite"
    old = sqlite_utils.Database(path)
    MIGRATIONS.apply(old, stop_before="m002_recent")
    old.execute(
        "INSERT INTO briefs (title, date, notes, created_at, updated_at) "
        "VALUES ('Old brief', '2025-01-02', 'kept', '2025-01-01', '2025-01-01')"
    )
    old.close()
    with Briefs.open(path) as briefs:
        assert briefs.schema() == list(MIGRATION_NAMES)
        (b,) = briefs.list()
        assert (b.title, b.date, b.notes) == ("Old brief", "2025-01-02", "kept")
        briefs.record_search("works now")
        assert briefs.recent_searches() == ["works now"]
    (backup,) = backup_files(path)
    assert backup.name == "briefs.sqlite.before-m002_recent"
    copy = sqlite_utils.Database(backup)
    assert "recent_searches" not in copy.table_names()
    assert [r["title"] for r in copy["briefs"].rows] == ["Old brief"]
    copy.close()
    # Opening again migrates nothing and copies nothing.
    with Briefs.open(path):
        pass
    assert backup_files(path) == [backup]


def test_a_database_from_a_newer_liaison_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "briefs.sqlite"
    with Briefs.open(path) as briefs:
        briefs.create(title="Mine")
        briefs.db["_sqlite_migrations"].insert(
            {"migration_set": "liaison.briefs", "name": "m099_future", "applied_at": "2030"}
        )
    before = path.read_bytes()
    with pytest.raises(BriefsDatabaseError, match="written by a newer Liaison"):
        Briefs.open(path)
    assert path.read_bytes() == before


def test_a_damaged_database_is_reported_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "briefs.sqlite"
    path.write_bytes(b"this is not a database at all\n" * 200)
    before = path.read_bytes()
    with pytest.raises(BriefsDatabaseError, match=r"cannot be read .* left as it is"):
        Briefs.open(path)
    assert path.read_bytes() == before


def test_a_migration_that_fails_leaves_the_database_as_it_was(tmp_path, monkeypatch) -> None:
    path = tmp_path / "briefs.sqlite"
    old = sqlite_utils.Database(path)
    MIGRATIONS.apply(old, stop_before="m002_recent")
    old.close()
    (step,) = [m for m in MIGRATIONS._migrations if m.name == "m002_recent"]

    def broken(db: sqlite_utils.Database) -> None:
        db.execute("CREATE TABLE recent_searches (query TEXT)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(step, "fn", broken)
    with pytest.raises(BriefsDatabaseError, match="disk I/O error"):
        Briefs.open(path)
    after = sqlite_utils.Database(path)
    assert "recent_searches" not in after.table_names()
    assert [m.name for m in MIGRATIONS.applied(after)] == ["m001_briefs"]


# -- against a changed library -------------------------------------------------------------------


def test_diff_rebuilds_both_texts() -> None:
    old = "to report on kelp forest protection at its eighty-first session;"
    new = "to report on kelp forest and seagrass protection at its eighty-second session;"
    parts = text_diff(old, new)
    assert "".join(p.text for p in parts if p.op != "insert") == old
    assert "".join(p.text for p in parts if p.op != "delete") == new
    assert [p.text.strip() for p in parts if p.op == "insert"] == ["and seagrass", "second"]
    assert [p.text.strip() for p in parts if p.op == "delete"] == ["first"]


def test_a_rebuilt_store_with_a_changed_passage_and_a_removed_document(
    briefs: Briefs, built_store: Path, tmp_path: Path
) -> None:
    shutil.copytree(built_store, paths.store_dir())
    changed = pin_then_change_library(briefs, tmp_path)
    with open_library() as lib:
        checks = briefs.check(changed.title, library=lib)
        assert lib.passage(changed.changed_id)["text"] != changed.changed_pinned_text
    assert [c.item.passage_id for c in checks] == [
        changed.unchanged_id,
        changed.changed_id,
        changed.removed_id,
    ]
    assert [c.status for c in checks] == ["ok", "changed", "removed"]
    assert [c.label for c in checks] == [
        "as pinned",
        "changed since pinned",
        "no longer in the library",
    ]
    ok, moved, gone = checks
    assert OLD_OP2 in moved.item.text and moved.item.text == changed.changed_pinned_text
    assert NEW_OP2 in (moved.current_text or "")
    assert {p.text.strip() for p in moved.diff if p.op == "insert"} == {"and seagrass", "second"}
    assert gone.item.text == changed.removed_pinned_text and gone.current_text is None
    assert gone.item.note == "harbour" and gone.item.document.sources  # its facts are kept
    assert ok.current_text == ok.item.text
