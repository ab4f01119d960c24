"""The officer's meeting briefs: pinned passages with notes, in their own SQLite database.

Briefs are user data. They live in :func:`db.paths.briefs_db_path` (``briefs.sqlite`` in the
data folder), never in the derived store, so rebuilds, imports, removals, parser changes and
upgrades leave them alone. The database runs in WAL mode with ``synchronous=FULL``; every
change is one ``BEGIN IMMEDIATE`` … ``COMMIT`` transaction, committed before the call
returns. The schema evolves through :data:`MIGRATIONS` (``sqlite_utils.migrations``); before
an existing database is migrated, a copy is kept beside it.

An item keeps what was pinned: the passage id, the passage's exact text at pin time, its
citation (in every style the library offered), the footnotes it cites, the document's facts
(title, symbol, date, source files with SHA-256), the officer's note and, optionally, a quote
(a sub-string of the passage). :meth:`Briefs.check` compares items with the current library:
``ok``, ``changed`` (the text differs: the pinned text is kept and the difference given) or
``removed`` (the passage is no longer in the library). Nothing is ever dropped silently.

Recent searches and recently opened passages are kept here too, as bounded lists.

Example::

    with Briefs.open() as briefs:
        briefs.create(title="UNODC meeting", date="2026-12-01")
        briefs.pin("UNODC meeting", library=lib, passage_id="a-res-77-20:op17a", note="ask")
        for check in briefs.check("UNODC meeting", library=lib):
            print(check.item.citation, check.status)
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import sqlite_utils
from sqlite_utils.migrations import Migrations

from db import paths
from db.citations import CITATION_STYLES, DEFAULT_STYLE
from db.errors import (
    BriefError,
    BriefExistsError,
    BriefItemNotFoundError,
    BriefNotFoundError,
    BriefsDatabaseError,
)

if TYPE_CHECKING:
    from db.reading import Library

#: What :meth:`Briefs.check` can say of an item, and how people read it.
ITEM_STATUSES: dict[str, str] = {
    "ok": "as pinned",
    "changed": "changed since pinned",
    "removed": "no longer in the library",
}
ItemStatus = Literal["ok", "changed", "removed"]

#: How many recent searches and recently opened passages are kept.
RECENT_LIMIT = 50

TITLE_MAX = 200
NOTE_MAX = 100_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def m001_briefs(db: sqlite_utils.Database) -> None:
    """Briefs and their items."""
    db.execute(
        """
        CREATE TABLE briefs (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL UNIQUE COLLATE NOCASE,
            date TEXT,
            notes TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            brief_id INTEGER NOT NULL REFERENCES briefs(id),
            position INTEGER NOT NULL,
            passage_id TEXT NOT NULL,
            document_id TEXT NOT NULL,
            text TEXT NOT NULL,
            quote TEXT,
            citation TEXT NOT NULL,
            citations TEXT NOT NULL DEFAULT '{}',
            footnotes TEXT NOT NULL DEFAULT '[]',
            document TEXT NOT NULL DEFAULT '{}',
            note TEXT NOT NULL DEFAULT '',
            pinned_at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX items_brief_position ON items(brief_id, position)")


def m002_recent(db: sqlite_utils.Database) -> None:
    """Recent searches and recently opened passages."""
    # ``seq`` orders them (two can share a millisecond); ``at`` says when.
    db.execute(
        "CREATE TABLE recent_searches "
        "(query TEXT PRIMARY KEY, seq INTEGER NOT NULL, at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE recent_passages (passage_id TEXT PRIMARY KEY, citation TEXT NOT NULL, "
        "seq INTEGER NOT NULL, at TEXT NOT NULL)"
    )


#: The schema's history, oldest first: append a function to change the schema, never edit one.
#: Each runs in the transaction that records it as applied (``sqlite_utils.migrations``).
MIGRATIONS = Migrations("liaison.briefs")
MIGRATION_NAMES: tuple[str, ...] = tuple(
    MIGRATIONS()(fn).__name__ for fn in (m001_briefs, m002_recent)
)


# -- values -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Footnote:
    """A footnote a pinned passage cites, as it read at pin time."""

    number: int
    marker: str
    text: str


@dataclass(frozen=True)
class DocumentFacts:
    """What the Sources list says of a pinned passage's document, as it was at pin time."""

    id: str
    title: str
    symbol: str | None = None
    date: str | None = None
    sources: tuple[tuple[str, str], ...] = ()  # (file, sha256), primary first

    @property
    def label(self) -> str:
        """The symbol of a UN document, else the page title."""
        return self.symbol or self.title


@dataclass(frozen=True)
class Snapshot:
    """A passage as it is pinned: everything an item keeps of it."""

    passage_id: str
    text: str
    citation: str
    document: DocumentFacts
    citations: Mapping[str, str] = field(default_factory=dict)
    footnotes: tuple[Footnote, ...] = ()


@dataclass(frozen=True)
class Brief:
    """A named collection of pinned passages for one meeting."""

    id: int
    title: str
    date: str | None
    notes: str
    created_at: str
    updated_at: str
    items: int


@dataclass(frozen=True)
class Item:
    """One pinned passage of a brief (``position`` is 1-based)."""

    id: int
    position: int
    passage_id: str
    text: str
    quote: str | None
    citation: str
    citations: Mapping[str, str]
    footnotes: tuple[Footnote, ...]
    document: DocumentFacts
    note: str
    pinned_at: str

    @property
    def quoted(self) -> str:
        """The words the item stands for: its quote, or the whole pinned passage."""
        return self.quote if self.quote is not None else self.text

    def citation_in(self, style: str | None) -> str:
        """Return the citation pinned in ``style`` (:data:`db.citations.CITATION_STYLES`).

        An item pinned before that style existed has only its default citation: that is
        returned then.
        """
        return self.citations.get(style or DEFAULT_STYLE, self.citation)


@dataclass(frozen=True)
class DiffPart:
    """A run of words: ``equal``, ``delete`` (pinned only) or ``insert`` (library only)."""

    op: Literal["equal", "delete", "insert"]
    text: str


@dataclass(frozen=True)
class ItemCheck:
    """An item compared with the current library."""

    item: Item
    status: ItemStatus
    current_text: str | None = None
    diff: tuple[DiffPart, ...] = ()

    @property
    def label(self) -> str:
        """The status in words (``"changed since pinned"``)."""
        return ITEM_STATUSES[self.status]


@dataclass(frozen=True)
class RecentPassage:
    """A passage the officer opened recently."""

    passage_id: str
    citation: str
    at: str


# -- helpers ----------------------------------------------------------------------------------


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def _clean_title(title: str) -> str:
    text = " ".join(str(title).split())
    if not text:
        raise BriefError("a brief needs a title")
    if len(text) > TITLE_MAX:
        raise BriefError(f"a brief's title has at most {TITLE_MAX} characters")
    if _CONTROL.search(text):
        raise BriefError("a brief's title cannot contain control characters")
    return text


def _clean_date(date: str | None) -> str | None:
    if date is None or not str(date).strip():
        return None
    text = str(date).strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise BriefError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _clean_note(note: str, what: str = "a note") -> str:
    text = str(note).replace("\r\n", "\n")
    if len(text) > NOTE_MAX:
        raise BriefError(f"{what} has at most {NOTE_MAX:,} characters")
    if "\x00" in text:
        raise BriefError(f"{what} cannot contain NUL characters")
    return text


_WORDS = re.compile(r"\s+|\w+|[^\w\s]")


def text_diff(pinned: str, current: str) -> tuple[DiffPart, ...]:
    """Return the word-level difference from the pinned text to the current one.

    Joining the ``equal`` and ``delete`` parts gives ``pinned``; joining ``equal`` and
    ``insert`` gives ``current``.
    """
    a, b = _WORDS.findall(pinned), _WORDS.findall(current)
    parts: list[DiffPart] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(DiffPart("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(DiffPart("delete", "".join(a[i1:i2])))
        if j2 > j1:
            parts.append(DiffPart("insert", "".join(b[j1:j2])))
    return tuple(parts)


def _document_json(doc: DocumentFacts) -> str:
    return json.dumps(
        {
            "id": doc.id,
            "title": doc.title,
            "symbol": doc.symbol,
            "date": doc.date,
            "sources": [list(s) for s in doc.sources],
        },
        ensure_ascii=False,
    )


def _document_from(text: str, fallback_id: str) -> DocumentFacts:
    raw = json.loads(text or "{}")
    return DocumentFacts(
        id=raw.get("id") or fallback_id,
        title=raw.get("title") or fallback_id,
        symbol=raw.get("symbol"),
        date=raw.get("date"),
        sources=tuple((str(f), str(s)) for f, s in raw.get("sources", [])),
    )


def _item(row: Mapping[str, Any]) -> Item:
    return Item(
        id=row["id"],
        position=row["position"],
        passage_id=row["passage_id"],
        text=row["text"],
        quote=row["quote"],
        citation=row["citation"],
        citations=json.loads(row["citations"] or "{}"),
        footnotes=tuple(Footnote(**f) for f in json.loads(row["footnotes"] or "[]")),
        document=_document_from(row["document"], row["document_id"]),
        note=row["note"],
        pinned_at=row["pinned_at"],
    )


def snapshot(library: Library, passage_id: str) -> Snapshot:
    """Return what an item keeps of a passage of the library, read now.

    Raises:
        NotFoundError: The library has no such passage.
    """
    passage = library.passage(passage_id)
    doc = library.store.document(passage["document_id"])
    cited = set(passage["footnotes"] or [])
    notes = tuple(
        Footnote(number=f["number"], marker=f["marker"] or str(f["number"]), text=f["text"])
        for f in library.store.footnotes(doc["id"])
        if f["number"] in cited
    )
    facts = DocumentFacts(
        id=doc["id"],
        title=doc["title"],
        symbol=doc["symbol"],
        date=doc["date"],
        sources=tuple((s["file"], s["sha256"]) for s in doc["sources"]),
    )
    citations = {style: library.citation(passage_id, style=style) for style in CITATION_STYLES}
    return Snapshot(
        passage_id=passage["id"],
        text=passage["text"],
        citation=citations[DEFAULT_STYLE],
        document=facts,
        citations=citations,
        footnotes=notes,
    )


# -- the database -----------------------------------------------------------------------------


class Briefs:
    """The briefs database: create, change and read briefs and their items.

    Open it with :meth:`open`; use it as a context manager or call :meth:`close`.
    Every method that changes something commits before it returns.
    """

    def __init__(self, db: sqlite_utils.Database, path: Path) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: Path | None = None) -> Briefs:
        """Open (creating or migrating when needed) the briefs database.

        Args:
            path: The database file (default: :func:`db.paths.briefs_db_path`).

        Raises:
            BriefsDatabaseError: The file is damaged, not a database, cannot be
                created, or was written by a newer Liaison. Nothing is changed then.
        """
        path = Path(path) if path is not None else paths.briefs_db_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise BriefsDatabaseError(f"cannot open the briefs database {path}: {exc}") from exc
        try:
            db = sqlite_utils.Database(conn)
            check = db.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BriefsDatabaseError(
                    f"the briefs database {path} is damaged ({check}); it was left as it is"
                )
            db.enable_wal()
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            briefs = cls(db, path)
            briefs._migrate()
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise BriefsDatabaseError(
                f"the briefs database {path} cannot be read ({exc}); it was left as it is"
            ) from exc
        except BaseException:
            conn.close()
            raise
        return briefs

    def _migrate(self) -> None:
        applied = {m.name for m in MIGRATIONS.applied(self.db)}
        unknown = sorted(applied - set(MIGRATION_NAMES))
        if unknown:
            raise BriefsDatabaseError(
                f"the briefs database {self.path} was written by a newer Liaison "
                f"(schema {', '.join(unknown)}); it was left as it is"
            )
        pending = MIGRATIONS.pending(self.db)
        if not pending:
            return
        if applied:
            backup = self.path.with_name(f"{self.path.name}.before-{pending[0].name}")
            if not backup.exists():
                partial = backup.with_name(backup.name + ".partial")
                copy = sqlite3.connect(partial)
                try:
                    self.db.conn.backup(copy)
                    copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                finally:
                    copy.close()
                os.replace(partial, backup)
        with self._write():
            if MIGRATIONS.pending(self.db):  # another process may have migrated meanwhile
                MIGRATIONS.apply(self.db)

    def close(self) -> None:
        """Close the database (every change is already committed)."""
        self.db.close()

    def __enter__(self) -> Briefs:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (no deadlock between two writers)."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def schema(self) -> list[str]:
        """Return the names of the migrations applied to this database, in order."""
        return [m.name for m in MIGRATIONS.applied(self.db)]

    # -- briefs --------------------------------------------------------------------------------

    def _row(self, brief: str | int) -> dict[str, Any]:
        if isinstance(brief, int):
            rows = list(self.db.query("SELECT * FROM briefs WHERE id = ?", [brief]))
            if not rows:
                raise BriefNotFoundError(f"no brief with id {brief}")
        else:
            title = " ".join(str(brief).split())
            rows = list(self.db.query("SELECT * FROM briefs WHERE title = ?", [title]))
            if not rows:
                raise BriefNotFoundError(f"no brief named {title!r}")
        return rows[0]

    def _brief(self, row: Mapping[str, Any]) -> Brief:
        n = self.db.execute("SELECT count(*) FROM items WHERE brief_id = ?", [row["id"]])
        return Brief(
            id=row["id"],
            title=row["title"],
            date=row["date"],
            notes=row["notes"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            items=n.fetchone()[0],
        )

    def list(self) -> list[Brief]:
        """Return every brief, the most recently changed first."""
        rows = self.db.query("SELECT * FROM briefs ORDER BY updated_at DESC, id DESC")
        return [self._brief(r) for r in rows]

    def get(self, brief: str | int) -> Brief:
        """Return one brief by title (case-insensitive) or id.

        Raises:
            BriefNotFoundError: No such brief.
        """
        return self._brief(self._row(brief))

    def create(self, *, title: str, date: str | None = None, notes: str = "") -> Brief:
        """Create an empty brief.

        Args:
            title: Its name, unique (case-insensitive), at most 200 characters.
            date: The meeting's date, ``YYYY-MM-DD``, or None.
            notes: Free-text notes.

        Raises:
            BriefError: The title, date or notes are not acceptable.
            BriefExistsError: A brief already has that title.
        """
        title, date, notes = _clean_title(title), _clean_date(date), _clean_note(notes, "notes")
        now = _now()
        try:
            with self._write() as conn:
                cur = conn.execute(
                    "INSERT INTO briefs (title, date, notes, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [title, date, notes, now, now],
                )
        except sqlite3.IntegrityError:
            raise BriefExistsError(f"a brief named {title!r} already exists") from None
        return self.get(int(cur.lastrowid or 0))

    def update(
        self,
        brief: str | int,
        *,
        title: str | None = None,
        date: str | None = None,
        notes: str | None = None,
        clear_date: bool = False,
    ) -> Brief:
        """Rename a brief, or change its date or notes (arguments left None stay as they are).

        Raises:
            BriefNotFoundError: No such brief.
            BriefExistsError: Another brief already has the new title.
            BriefError: A new value is not acceptable.
        """
        row = self._row(brief)
        new = {
            "title": _clean_title(title) if title is not None else row["title"],
            "date": None
            if clear_date
            else (_clean_date(date) if date is not None else row["date"]),
            "notes": _clean_note(notes, "notes") if notes is not None else row["notes"],
        }
        try:
            with self._write() as conn:
                conn.execute(
                    "UPDATE briefs SET title = ?, date = ?, notes = ?, updated_at = ? WHERE id = ?",
                    [new["title"], new["date"], new["notes"], _now(), row["id"]],
                )
        except sqlite3.IntegrityError:
            raise BriefExistsError(f"a brief named {new['title']!r} already exists") from None
        return self.get(row["id"])

    def rename(self, brief: str | int, *, title: str) -> Brief:
        """Give a brief a new title (see :meth:`update`)."""
        return self.update(brief, title=title)

    def delete(self, brief: str | int) -> Brief:
        """Delete a brief and its items; return what it was.

        Raises:
            BriefNotFoundError: No such brief.
        """
        row = self._row(brief)
        gone = self._brief(row)
        with self._write() as conn:
            conn.execute("DELETE FROM items WHERE brief_id = ?", [row["id"]])
            conn.execute("DELETE FROM briefs WHERE id = ?", [row["id"]])
        return gone

    # -- items ---------------------------------------------------------------------------------

    def items(self, brief: str | int) -> list[Item]:
        """Return a brief's items in order.

        Raises:
            BriefNotFoundError: No such brief.
        """
        row = self._row(brief)
        rows = self.db.query(
            "SELECT * FROM items WHERE brief_id = ? ORDER BY position, id", [row["id"]]
        )
        return [_item(r) for r in rows]

    def item(self, brief: str | int, *, position: int) -> Item:
        """Return the item at a 1-based position.

        Raises:
            BriefNotFoundError: No such brief.
            BriefItemNotFoundError: No item at that position.
        """
        items = self.items(brief)
        return items[self._index(items, position, self._row(brief)["title"])]

    @staticmethod
    def _index(items: list[Item], position: int, title: str) -> int:
        if not 1 <= position <= len(items):
            raise BriefItemNotFoundError(
                f"brief {title!r} has no item {position} "
                + (f"(items 1-{len(items)})" if items else "(it is empty)")
            )
        return position - 1

    def add_item(
        self,
        brief: str | int,
        *,
        snapshot: Snapshot,
        note: str = "",
        quote: str | None = None,
        position: int | None = None,
    ) -> Item:
        """Pin a passage (as read in ``snapshot``) to a brief.

        Args:
            brief: The brief's title or id.
            snapshot: The passage as it reads now (:func:`snapshot`).
            note: The officer's note.
            quote: A sub-string of the passage's text to quote instead of all of it.
            position: Where to insert it (1-based; default: at the end).

        Raises:
            BriefNotFoundError: No such brief.
            BriefError: The quote is not part of the passage, or the note is too long.
        """
        note = _clean_note(note)
        if quote is not None:
            quote = quote.strip()
            if not quote:
                quote = None
            elif quote not in snapshot.text:
                raise BriefError(
                    f"the quote is not part of the text of passage {snapshot.passage_id}"
                )
        row = self._row(brief)
        with self._write() as conn:
            count = conn.execute(
                "SELECT count(*) FROM items WHERE brief_id = ?", [row["id"]]
            ).fetchone()[0]
            at = count + 1 if position is None else min(max(1, position), count + 1)
            conn.execute(
                "UPDATE items SET position = position + 1 WHERE brief_id = ? AND position >= ?",
                [row["id"], at],
            )
            cur = conn.execute(
                "INSERT INTO items (brief_id, position, passage_id, document_id, text, quote, "
                "citation, citations, footnotes, document, note, pinned_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    row["id"],
                    at,
                    snapshot.passage_id,
                    snapshot.document.id,
                    snapshot.text,
                    quote,
                    snapshot.citation,
                    json.dumps(dict(snapshot.citations), ensure_ascii=False),
                    json.dumps(
                        [vars(f) for f in snapshot.footnotes],
                        ensure_ascii=False,
                    ),
                    _document_json(snapshot.document),
                    note,
                    _now(),
                ],
            )
            self._touch(conn, row["id"])
        (new,) = self.db.query("SELECT * FROM items WHERE id = ?", [cur.lastrowid])
        return _item(new)

    def pin(
        self,
        brief: str | int,
        *,
        library: Library,
        passage_id: str,
        note: str = "",
        quote: str | None = None,
    ) -> Item:
        """Pin a passage of the library as it reads now (see :meth:`add_item`).

        Raises:
            NotFoundError: The library has no such passage.
            BriefNotFoundError: No such brief.
            BriefError: The quote is not part of the passage.
        """
        self._row(brief)
        return self.add_item(brief, snapshot=snapshot(library, passage_id), note=note, quote=quote)

    def move_item(self, brief: str | int, *, position: int, to: int) -> list[Item]:
        """Move the item at ``position`` to position ``to`` (both 1-based); return the items.

        Raises:
            BriefNotFoundError: No such brief.
            BriefItemNotFoundError: No item at ``position`` or ``to``.
        """
        row = self._row(brief)
        with self._write() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM items WHERE brief_id = ? ORDER BY position, id", [row["id"]]
                )
            ]
            if not 1 <= position <= len(ids) or not 1 <= to <= len(ids):
                bad = position if not 1 <= position <= len(ids) else to
                raise BriefItemNotFoundError(
                    f"brief {row['title']!r} has no item {bad} "
                    + (f"(items 1-{len(ids)})" if ids else "(it is empty)")
                )
            ids.insert(to - 1, ids.pop(position - 1))
            conn.executemany(
                "UPDATE items SET position = ? WHERE id = ?",
                [(i, item_id) for i, item_id in enumerate(ids, start=1)],
            )
            self._touch(conn, row["id"])
        return self.items(row["id"])

    def set_note(self, brief: str | int, *, position: int, note: str) -> Item:
        """Replace the note of the item at ``position`` (1-based).

        Raises:
            BriefNotFoundError: No such brief.
            BriefItemNotFoundError: No item at that position.
            BriefError: The note is too long or holds NUL characters.
        """
        note = _clean_note(note)
        row = self._row(brief)
        with self._write() as conn:
            item_id = self._item_id(conn, row, position)
            conn.execute("UPDATE items SET note = ? WHERE id = ?", [note, item_id])
            self._touch(conn, row["id"])
        (new,) = self.db.query("SELECT * FROM items WHERE id = ?", [item_id])
        return _item(new)

    def remove_item(self, brief: str | int, *, position: int) -> Item:
        """Remove the item at ``position`` (1-based) and return it.

        Raises:
            BriefNotFoundError: No such brief.
            BriefItemNotFoundError: No item at that position.
        """
        row = self._row(brief)
        with self._write() as conn:
            item_id = self._item_id(conn, row, position)
            (gone,) = self.db.query("SELECT * FROM items WHERE id = ?", [item_id])
            conn.execute("DELETE FROM items WHERE id = ?", [item_id])
            conn.execute(
                "UPDATE items SET position = position - 1 WHERE brief_id = ? AND position > ?",
                [row["id"], gone["position"]],
            )
            self._touch(conn, row["id"])
        return _item(gone)

    def _item_id(self, conn: sqlite3.Connection, row: Mapping[str, Any], position: int) -> int:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM items WHERE brief_id = ? ORDER BY position, id", [row["id"]]
            )
        ]
        if not 1 <= position <= len(ids):
            raise BriefItemNotFoundError(
                f"brief {row['title']!r} has no item {position} "
                + (f"(items 1-{len(ids)})" if ids else "(it is empty)")
            )
        return ids[position - 1]

    @staticmethod
    def _touch(conn: sqlite3.Connection, brief_id: int) -> None:
        conn.execute("UPDATE briefs SET updated_at = ? WHERE id = ?", [_now(), brief_id])

    # -- against the library -------------------------------------------------------------------

    def check(self, brief: str | int, *, library: Library) -> list[ItemCheck]:
        """Return a brief's items, each compared with the current library.

        Raises:
            BriefNotFoundError: No such brief.
        """
        return check_items(self.items(brief), library)

    def pinned_passage_ids(self, brief: str | int) -> set[str]:
        """Return the ids of the passages a brief holds (to mark them in results and viewer)."""
        return {i.passage_id for i in self.items(brief)}

    # -- recent --------------------------------------------------------------------------------

    def record_search(self, query: str) -> None:
        """Remember a search (the newest first; at most :data:`RECENT_LIMIT` are kept)."""
        text = " ".join(str(query).split())
        if not text:
            return
        with self._write() as conn:
            conn.execute(
                "INSERT INTO recent_searches (query, seq, at) "
                "VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM recent_searches), ?) "
                "ON CONFLICT(query) DO UPDATE SET seq = excluded.seq, at = excluded.at",
                [text, _now()],
            )
            conn.execute(
                "DELETE FROM recent_searches WHERE query NOT IN "
                "(SELECT query FROM recent_searches ORDER BY seq DESC LIMIT ?)",
                [RECENT_LIMIT],
            )

    def recent_searches(self, *, limit: int = RECENT_LIMIT) -> list[str]:
        """Return recent searches, the newest first."""
        rows = self.db.execute(
            "SELECT query FROM recent_searches ORDER BY seq DESC LIMIT ?", [limit]
        )
        return [r[0] for r in rows]

    def record_opened(self, passage_id: str, *, citation: str) -> None:
        """Remember an opened passage (the newest first; at most :data:`RECENT_LIMIT`)."""
        with self._write() as conn:
            conn.execute(
                "INSERT INTO recent_passages (passage_id, citation, seq, at) "
                "VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM recent_passages), ?) "
                "ON CONFLICT(passage_id) DO UPDATE SET citation = excluded.citation, "
                "seq = excluded.seq, at = excluded.at",
                [passage_id, citation, _now()],
            )
            conn.execute(
                "DELETE FROM recent_passages WHERE passage_id NOT IN "
                "(SELECT passage_id FROM recent_passages ORDER BY seq DESC LIMIT ?)",
                [RECENT_LIMIT],
            )

    def recent_passages(self, *, limit: int = RECENT_LIMIT) -> list[RecentPassage]:
        """Return recently opened passages, the newest first."""
        rows = self.db.query(
            "SELECT passage_id, citation, at FROM recent_passages ORDER BY seq DESC LIMIT ?",
            [limit],
        )
        return [RecentPassage(**r) for r in rows]


def check_items(items: list[Item], library: Library) -> list[ItemCheck]:
    """Compare pinned items with the current library (see :class:`ItemCheck`)."""
    current = library.store.passages_by_id({i.passage_id for i in items})
    out = []
    for item in items:
        passage = current.get(item.passage_id)
        if passage is None:
            out.append(ItemCheck(item, "removed"))
        elif passage["text"] != item.text:
            text = passage["text"]
            out.append(ItemCheck(item, "changed", text, text_diff(item.text, text)))
        else:
            out.append(ItemCheck(item, "ok", passage["text"]))
    return out


def backup_files(path: Path | None = None) -> list[Path]:
    """Return the copies kept before migrations, oldest name first."""
    path = Path(path) if path is not None else paths.briefs_db_path()
    return sorted(
        p
        for p in path.parent.glob(f"{path.name}.before-*")
        if not p.name.endswith(("-wal", "-shm", "-journal", ".partial"))
    )
