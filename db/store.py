"""The system of record: a SQLite database written and read through sqlite-utils.

Tables (schema version :data:`SCHEMA_VERSION`):

* ``meta``: key/value facts about the build (schema version, fingerprint, time).
* ``documents``: one row per document (a page captured twice is one document).
* ``sources``: the files behind each document, with SHA-256 and full text.
* ``passages``: citable passages in document order, with spans into the primary source.
* ``footnotes`` and ``passage_footnotes``: footnotes and which passages cite them.
* ``entities``, ``mentions``, ``document_entities``: the gazetteer and its links.
* ``references``: references to UN instruments found in passages (:mod:`db.crossrefs`),
  resolved to in-library documents and passages when read (so they follow imports).
* ``clause_vectors``: each passage's clauses embedded by the sentence encoder
  (:mod:`db.sentences`), one int8 row and its scale per clause.

Readers open the file read-only (:meth:`Store.open`); only :mod:`db.build`
writes: a full build into a fresh folder that replaces the old store when complete,
an import or a removal in place, one transaction per change (:func:`open_writable`,
:func:`delete_documents`, :func:`insert_document`).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

from db.errors import NotFoundError, StoreError, StoreMissingError

SCHEMA_VERSION = 8
DB_FILENAME = "liaison.sqlite"
#: How long a writer waits for a reader's lock on the store (seconds).
WRITE_TIMEOUT = 30.0


def passage_key(text: str) -> str:
    """Return the key two passages share when their texts differ only in case and spacing.

    Stored with each passage (``passages.key``, indexed), so that an import finds the
    documents sharing its passages without reading the whole library.
    """
    return hashlib.sha256(" ".join(text.lower().split()).encode()).hexdigest()[:24]


def _migration_1(db: sqlite_utils.Database) -> None:
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["documents"].create(
        {
            "id": str,
            "seq": int,
            "title": str,
            "kind": str,
            "symbol": str,
            "date": str,
            "issuing_body": str,
            "language": str,
            "origin": str,
            "meta": str,
        },
        pk="id",
    )
    db["sources"].create(
        {
            "document_id": str,
            "file": str,
            "sha256": str,
            "role": str,
            "text": str,
        },
        pk=("document_id", "sha256"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["passages"].create(
        {
            "id": str,
            "document_id": str,
            "seq": int,
            "local_id": str,
            "kind": str,
            "number": str,
            "heading": str,
            "heading_path": str,
            "text": str,
            "markup": str,
            "citation": str,
            "opening": str,
            "span_start": int,
            "span_end": int,
            "segments": str,
            "footnotes": str,
        },
        pk="id",
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["passages"].create_index(["document_id", "seq"])
    db["footnotes"].create(
        {
            "document_id": str,
            "number": int,
            "marker": str,
            "text": str,
            "markup": str,
            "span_start": int,
            "span_end": int,
            "passage_id": str,
        },
        pk=("document_id", "number"),
        foreign_keys=[("document_id", "documents", "id")],
    )
    db["passage_footnotes"].create(
        {"passage_id": str, "document_id": str, "number": int},
        pk=("passage_id", "number"),
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    """Entities of the gazetteer trees, their mentions in passages, document-level links."""
    db["entities"].create(
        {
            "id": str,
            "tree": str,
            "seq": int,
            "name": str,
            "acronyms": str,
            "aliases": str,
            "former_names": str,
            "category": str,
            "parent": str,
            "status": str,
            "closed": int,
            "description": str,
            "note": str,
        },
        pk="id",
    )
    db["mentions"].create(
        {
            "passage_id": str,
            "document_id": str,
            "entity_id": str,
            "tree": str,
            "start": int,
            "end": int,
            "surface": str,
        },
        pk=("passage_id", "tree", "start"),
        foreign_keys=[("passage_id", "passages", "id"), ("entity_id", "entities", "id")],
    )
    db["mentions"].create_index(["entity_id"])
    db["document_entities"].create(
        {"document_id": str, "entity_id": str, "role": str},
        pk=("document_id", "entity_id"),
    )


def _migration_3(db: sqlite_utils.Database) -> None:
    """References to UN instruments in passages, by the symbol they cite."""
    db["references"].create(
        {
            "passage_id": str,
            "document_id": str,
            "start": int,
            "end": int,
            "surface": str,
            "target": str,
            "kind": str,
            "year": int,
            "paragraph": str,
        },
        pk=("passage_id", "start"),
        foreign_keys=[("passage_id", "passages", "id")],
    )
    db["references"].create_index(["document_id"])
    # Symbols are compared without regard to case ("A/60/88/Corr.2" typed "a/60/88/corr.2").
    db.execute('CREATE INDEX references_target ON "references" (target COLLATE NOCASE)')
    db.execute("CREATE INDEX documents_symbol ON documents (symbol COLLATE NOCASE)")


def _migration_4(db: sqlite_utils.Database) -> None:
    """Each passage's :func:`passage_key`, indexed (near-duplicates found by lookup)."""
    db.execute("ALTER TABLE passages ADD COLUMN key TEXT")
    db.execute("CREATE INDEX passages_key ON passages (key)")
    db.execute("CREATE INDEX mentions_document ON mentions (document_id)")
    db.execute("CREATE INDEX sources_sha256 ON sources (sha256)")


def _migration_5(db: sqlite_utils.Database) -> None:
    """Each document's passage keys, covered by one index (counted without the table)."""
    db.execute("CREATE INDEX passages_document_key ON passages (document_id, key)")


def _migration_6(db: sqlite_utils.Database) -> None:
    """Passage keys indexed with their document (the sharing look-up reads the index alone)."""
    db.execute("CREATE INDEX passages_key_document ON passages (key, document_id)")
    db.execute("DROP INDEX passages_key")


def _migration_7(db: sqlite_utils.Database) -> None:
    """Documents indexed in catalog order (a listing walks them in order and stops early)."""
    db.execute("CREATE INDEX documents_seq ON documents (seq)")


def _migration_8(db: sqlite_utils.Database) -> None:
    """Clause vectors of the sentence encoder, deleted with their document."""
    db.execute(
        "CREATE TABLE clause_vectors ("
        " passage_id TEXT NOT NULL, document_id TEXT NOT NULL, seq INTEGER NOT NULL,"
        " vector BLOB NOT NULL, scale REAL NOT NULL, PRIMARY KEY (passage_id, seq))"
    )
    db.execute("CREATE INDEX clause_vectors_document ON clause_vectors (document_id)")


#: Ordered migrations: ``MIGRATIONS[i]`` brings a database from version i to i + 1.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
]

#: Passage kinds a paragraph reference ("para. 12") can point at.
CITABLE_PARAGRAPH_KINDS = ("operative", "subparagraph", "paragraph")

#: A reference row with its target resolved against the documents and passages present.
_RESOLVED_REFERENCES = """
SELECT x.*,
       (SELECT p.id FROM passages p
         WHERE x.paragraph IS NOT NULL AND p.document_id = x.target_document_id
           AND p.number = x.paragraph AND p.kind IN ('operative', 'subparagraph', 'paragraph')
         ORDER BY p.seq LIMIT 1) AS target_passage_id
FROM (SELECT r.passage_id, r.document_id, r.start, r."end", r.surface, r.target, r.kind,
             r.year, r.paragraph,
             (SELECT d.id FROM documents d WHERE d.symbol = r.target COLLATE NOCASE
               ORDER BY d.seq LIMIT 1) AS target_document_id,
             cp.citation AS citation, cd.seq AS document_seq, cp.seq AS passage_seq
      FROM "references" r
      JOIN passages cp ON cp.id = r.passage_id
      JOIN documents cd ON cd.id = r.document_id
      {where}) x
"""


def write_references(
    db: sqlite_utils.Database, rows: Iterable[dict[str, Any]], *, document_id: str | None = None
) -> int:
    """Replace the references of the record (or of one document) with ``rows``, atomically.

    Targets are resolved when read (:meth:`Store.references`), so adding or removing a
    document needs only its own references written or deleted.

    Args:
        db: A writable, migrated database.
        rows: ``passage_id, document_id, start, end, surface, target, kind, year, paragraph``.
        document_id: Replace only this document's references (``rows`` must be its own).

    Returns:
        How many were written.
    """
    rows = list(rows)
    with db.conn:
        if document_id is None:
            db.execute('DELETE FROM "references"')
        else:
            db.execute('DELETE FROM "references" WHERE document_id = ?', [document_id])
        db["references"].insert_all(rows)
    return len(rows)


def schema_version(db: sqlite_utils.Database) -> int:
    """Return the schema version recorded in the database (0 for an empty one)."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database) -> int:
    """Apply every migration the database lacks, each in its own transaction.

    Args:
        db: A writable database.

    Returns:
        The schema version after migrating.

    Raises:
        StoreError: The database is newer than this version of Liaison.
    """
    current = schema_version(db)
    if current > len(MIGRATIONS):
        raise StoreError(
            f"the store has schema version {current}, newer than this Liaison "
            f"understands ({len(MIGRATIONS)})"
        )
    for version in range(current, len(MIGRATIONS)):
        with db.conn:
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db["meta"].upsert({"key": "schema_version", "value": str(version + 1)}, pk="key")
    return schema_version(db)


def _row_passage(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    for key in ("heading_path", "markup", "segments", "footnotes"):
        out[key] = json.loads(out[key]) if out.get(key) else []
    return out


class Store:
    """Read access to a built store's SQLite record.

    Use :meth:`open` for the read-only handle every reader should hold.
    """

    def __init__(self, db: sqlite_utils.Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path
        self._passage_total: int | None = None

    @classmethod
    def open(cls, store_dir: Path) -> Store:
        """Open the store in ``store_dir`` read-only.

        Raises:
            StoreMissingError: There is no database file.
            StoreError: The file is not a Liaison store, or has another schema.
        """
        path = store_dir / DB_FILENAME
        if not path.is_file():
            raise StoreMissingError(f"no store at {store_dir}")
        try:
            # Read-only, and usable from the thread the library is handed to once opened
            # (the window opens it on a worker thread; one thread uses it at a time).
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            conn.execute("PRAGMA query_only = 1")
            db = sqlite_utils.Database(conn)
            version = schema_version(db)
            db.execute("SELECT count(*) FROM documents").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"the store database {path.name} is damaged ({exc})") from exc
        if version != SCHEMA_VERSION:
            raise StoreError(
                f"the store has schema version {version}, this Liaison needs {SCHEMA_VERSION}"
            )
        return cls(db, path)

    def close(self) -> None:
        """Close the database connection."""
        self.db.conn.close()

    # -- facts ---------------------------------------------------------------

    def meta(self) -> dict[str, str]:
        """Return the build facts (schema_version, fingerprint, built_at, …)."""
        return {r["key"]: r["value"] for r in self.db["meta"].rows}

    def counts(self) -> dict[str, int]:
        """Return how many documents, passages, footnotes and sources the store holds."""
        return {t: self.db[t].count for t in ("documents", "passages", "footnotes", "sources")}

    # -- documents -----------------------------------------------------------

    def documents(self) -> list[dict[str, Any]]:
        """Return every document, in catalog order, with its sources and passage count."""
        counts = dict(
            self.db.execute("SELECT document_id, count(*) FROM passages GROUP BY document_id")
        )
        out = []
        for row in self.db.query("SELECT * FROM documents ORDER BY seq"):
            out.append(self._document(row, counts.get(row["id"], 0)))
        return out

    def _document(self, row: dict[str, Any], n_passages: int) -> dict[str, Any]:
        doc = dict(row)
        doc["meta"] = json.loads(doc["meta"]) if doc.get("meta") else {}
        doc["sources"] = [
            {"file": s["file"], "sha256": s["sha256"], "role": s["role"]}
            for s in self.db.query(
                "SELECT file, sha256, role FROM sources WHERE document_id = ? "
                "ORDER BY role = 'primary' DESC, file",
                [row["id"]],
            )
        ]
        doc["passages"] = n_passages
        doc["notes"] = list(doc["meta"].get("notes") or [])
        return doc

    def document(self, document_id: str) -> dict[str, Any]:
        """Return one document (as in :meth:`documents`).

        Fields: ``id, seq, title, kind, symbol, date, issuing_body, language, origin``,
        ``meta`` (what the parser read and the catalog recorded), ``sources``
        (``file, sha256, role``), ``passages`` (how many) and ``notes`` (the catalog's notes
        on its captures, primary capture first: an old capture, a renamed entity).

        Raises:
            NotFoundError: No document has that id.
        """
        rows = list(self.db.query("SELECT * FROM documents WHERE id = ?", [document_id]))
        if not rows:
            raise NotFoundError(f"no document with id {document_id!r}")
        n = self.db.execute(
            "SELECT count(*) FROM passages WHERE document_id = ?", [document_id]
        ).fetchone()[0]
        return self._document(rows[0], n)

    def document_with_source(self, sha256: str) -> str | None:
        """Return the id of the document one of whose captures has this SHA-256, if any."""
        row = self.db.execute(
            "SELECT document_id FROM sources WHERE sha256 = ?", [sha256]
        ).fetchone()
        return row[0] if row else None

    def linked_entity_ids(self, document_id: str, tree: str) -> set[str]:
        """Return the ids of the entities of one tree a document's passages mention."""
        rows = self.db.execute(
            "SELECT DISTINCT entity_id FROM mentions WHERE document_id = ? AND tree = ?",
            [document_id, tree],
        )
        return {r[0] for r in rows}

    def source_text(self, document_id: str) -> str:
        """Return the text of the document's primary source (passage spans point into it)."""
        row = self.db.execute(
            "SELECT text FROM sources WHERE document_id = ? AND role = 'primary'", [document_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {document_id!r}")
        return row[0]

    # -- passages ------------------------------------------------------------

    def passages(self, document_id: str | None = None) -> list[dict[str, Any]]:
        """Return passages in document order, for one document or all."""
        if document_id is None:
            rows = self.db.query(
                "SELECT p.* FROM passages p JOIN documents d ON d.id = p.document_id "
                "ORDER BY d.seq, p.seq"
            )
        else:
            self.document(document_id)
            rows = self.db.query(
                "SELECT * FROM passages WHERE document_id = ? ORDER BY seq", [document_id]
            )
        return [_row_passage(r) for r in rows]

    def passage(self, passage_id: str) -> dict[str, Any]:
        """Return one passage.

        Raises:
            NotFoundError: No passage has that id.
        """
        rows = list(self.db.query("SELECT * FROM passages WHERE id = ?", [passage_id]))
        if not rows:
            raise NotFoundError(f"no passage with id {passage_id!r}")
        return _row_passage(rows[0])

    def passages_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Return the passages with the given ids, keyed by id."""
        ids = list(ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.query(f"SELECT * FROM passages WHERE id IN ({marks})", ids)
        return {r["id"]: _row_passage(r) for r in rows}

    def documents_sharing(
        self, keys: Iterable[str], *, min_shared: int = 1
    ) -> list[dict[str, Any]]:
        """Return the documents that have a passage with one of these :func:`passage_key` s.

        Each row: ``id``, ``shared`` (how many of the keys it has) and ``total`` (how many
        distinct keys it has), in catalog order. Boilerplate passages make many documents
        share a key or two; ``min_shared`` keeps only those sharing at least that many
        keys, and ``total`` is counted for those alone (an index covers the count).

        Args:
            keys: Passage keys.
            min_shared: The fewest of ``keys`` a document must have to be returned.
        """
        sql = (
            "WITH hits AS (SELECT document_id AS id, count(DISTINCT key) AS shared "
            "FROM passages WHERE key IN (SELECT value FROM json_each(?)) "
            "GROUP BY document_id HAVING count(DISTINCT key) >= ?) "
            "SELECT h.id, h.shared, (SELECT count(DISTINCT q.key) FROM passages q "
            "WHERE q.document_id = h.id) AS total FROM hits h JOIN documents d ON d.id = h.id "
            "ORDER BY d.seq"
        )
        args = [json.dumps(sorted(set(keys))), min_shared]
        return [dict(r) for r in self.db.query(sql, args)]

    def numbered_passages(
        self, document_ids: Iterable[str]
    ) -> list[tuple[str, str, str, str | None]]:
        """Return ``(passage_id, document_id, kind, number)`` of the given documents' passages."""
        ids = list(document_ids)
        if not ids:
            return []
        sql = (
            "SELECT id, document_id, kind, number FROM passages "
            "WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY document_id, seq"
        )
        return [tuple(r) for r in self.db.execute(sql, [json.dumps(ids)])]

    def operative_number_before(self, document_id: str, seq: int) -> str | None:
        """Return the number of the last operative paragraph before position ``seq``."""
        row = self.db.execute(
            "SELECT number FROM passages WHERE document_id = ? AND kind = 'operative' "
            "AND seq < ? ORDER BY seq DESC LIMIT 1",
            [document_id, seq],
        ).fetchone()
        return row[0] if row else None

    # -- entities ------------------------------------------------------------

    def entities(self, tree: str | None = None) -> list[dict[str, Any]]:
        """Return gazetteer nodes (all trees, or one) in tree order, JSON fields decoded."""
        sql = "SELECT * FROM entities" + (" WHERE tree = ?" if tree else "") + " ORDER BY seq"
        out = []
        for r in self.db.query(sql, [tree] if tree else []):
            r = dict(r)
            for key in ("acronyms", "aliases", "former_names"):
                r[key] = json.loads(r[key]) if r.get(key) else []
            out.append(r)
        return out

    def list_passage_ids(
        self,
        *,
        limit: int,
        document: str | None = None,
        kind: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        entity_ids: Iterable[str] | None = None,
        passage_ids: Iterable[str] | None = None,
    ) -> list[str]:
        """Return the ids of passages that pass every given restriction, in reading order.

        Reading order is the documents' catalog order, then the passages' order in each.

        Args:
            limit: At most this many ids.
            document: Only this document's passages.
            kind: Only passages of this kind.
            date_from: Only documents dated on or after this ISO date (undated ones excluded).
            date_to: Only documents dated on or before this ISO date (undated ones excluded).
            entity_ids: Only passages linked to one of these entities: mentioning it, or
                in a document linked to it as a whole (a resolution and its issuing organ).
            passage_ids: Only these passages.
        """
        where: list[str] = []
        args: list[Any] = []
        ents = None if entity_ids is None else list(entity_ids)
        if document:
            where.append("p.document_id = ?")
            args.append(document)
        if kind:
            where.append("p.kind = ?")
            args.append(kind)
        if date_from:
            where.append("COALESCE(d.date, '') != '' AND d.date >= ?")
            args.append(date_from)
        if date_to:
            where.append("COALESCE(d.date, '') != '' AND d.date <= ?")
            args.append(date_to)
        if ents is not None:
            marks = ",".join("?" * len(ents))
            where.append(
                f"(p.id IN (SELECT passage_id FROM mentions WHERE entity_id IN ({marks}))"
                f" OR p.document_id IN (SELECT document_id FROM document_entities"
                f" WHERE entity_id IN ({marks})))"
                if ents
                else "0"
            )
            args.extend(ents + ents)
        if passage_ids is not None:
            # One JSON array, not a parameter each: there may be many thousands (and the
            # read-only connection cannot hold them in a temporary table).
            where.append("p.id IN (SELECT value FROM json_each(?))")
            args.append(json.dumps(list(passage_ids)))
        # Few passages pass: find them all by the indexes, then sort. Many pass (an entity
        # near the top of a tree): walk the passages in reading order and stop at ``limit``,
        # rather than sorting a large share of the library for its first page.
        walk = not document and passage_ids is None and self._many_linked(ents, limit)
        sql = (
            (
                "SELECT p.id FROM documents d INDEXED BY documents_seq "
                "CROSS JOIN passages p ON p.document_id = d.id"
                if walk
                else "SELECT p.id FROM passages p JOIN documents d ON d.id = p.document_id"
            )
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY d.seq, p.seq LIMIT ?"
        )
        return [r[0] for r in self.db.execute(sql, [*args, limit])]

    def _many_linked(self, entity_ids: list[str] | None, limit: int) -> bool:
        """True when so many passages are linked to these entities that a walk is cheaper.

        A walk in reading order reads about ``limit / share`` passages before it has
        ``limit`` linked ones; finding all ``share × total`` of them and sorting costs about
        that many: the walk wins once ``share² × total > limit``. The count of linked
        passages is an upper bound (a passage may be counted twice), read from indexes.
        """
        if entity_ids is None:
            return True  # nothing to find by index: the walk stops at the limit
        ents = entity_ids
        if not ents:
            return False
        marks = ",".join("?" * len(ents))
        linked = self.db.execute(
            f"SELECT (SELECT count(*) FROM mentions WHERE entity_id IN ({marks})) + "
            "(SELECT count(*) FROM passages WHERE document_id IN (SELECT document_id FROM "
            f"document_entities WHERE entity_id IN ({marks})))",
            [*ents, *ents],
        ).fetchone()[0]
        total = self.passage_total()
        return total > 0 and linked * linked > limit * total

    def passage_total(self) -> int:
        """Return how many passages the store holds (read once per opened store).

        Counted the first time only: on a store being written it may be behind, which
        only the choice of a plan in :meth:`list_passage_ids` reads.
        """
        if self._passage_total is None:
            self._passage_total = self.db.execute("SELECT count(*) FROM passages").fetchone()[0]
        return self._passage_total

    def clause_vectors(self, passage_ids: Iterable[str]) -> list[tuple[str, bytes, float]]:
        """Return the clause vectors of the given passages: ``(passage_id, vector, scale)``.

        Passages without clause vectors (see :mod:`db.sentences`) have no row.
        """
        ids = json.dumps(list(dict.fromkeys(passage_ids)))
        return [
            (pid, bytes(vector), float(scale))
            for pid, vector, scale in self.db.execute(
                "SELECT passage_id, vector, scale FROM clause_vectors "
                "WHERE passage_id IN (SELECT value FROM json_each(?)) ORDER BY passage_id, seq",
                [ids],
            )
        ]

    def distinct_clause_vectors(self) -> tuple[int, int]:
        """Return how many clause vectors the store holds, and how many of them differ."""
        row = self.db.execute("SELECT count(*), count(DISTINCT vector) FROM clause_vectors")
        rows, distinct = row.fetchone()
        return int(rows), int(distinct)

    def clause_vector_counts(self) -> tuple[int, int]:
        """Return how many passages have clause vectors, and how many passages there are."""
        done = self.db.execute("SELECT count(DISTINCT passage_id) FROM clause_vectors").fetchone()[
            0
        ]
        return int(done), self.db.execute("SELECT count(*) FROM passages").fetchone()[0]

    def entity_index_texts(self) -> dict[str, str]:
        """Return, per entity id, the text its mentions put in a passage's ``entities`` field.

        That is its name, acronyms, aliases and former names and acronyms, joined by
        ``" ; "`` (the index build and the ranking both use this).
        """
        names: dict[str, str] = {}
        for e in self.db.query("SELECT id, name, acronyms, aliases, former_names FROM entities"):
            former = json.loads(e["former_names"] or "[]")
            parts = [e["name"], *json.loads(e["acronyms"] or "[]")]
            parts += json.loads(e["aliases"] or "[]")
            parts += [f.get("name", "") for f in former] + [f.get("acronym", "") for f in former]
            names[e["id"]] = " ; ".join(x for x in parts if x)
        return names

    def passage_entity_ids(self, passage_ids: Iterable[str]) -> dict[str, list[str]]:
        """Return, per passage id, the ids of the entities it mentions (each once)."""
        ids = list(passage_ids)
        out: dict[str, list[str]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = (
                f"SELECT DISTINCT passage_id, entity_id FROM mentions WHERE passage_id IN ({marks})"
            )
            for passage_id, entity_id in self.db.execute(sql, chunk):
                out.setdefault(passage_id, []).append(entity_id)
        return out

    def mention_counts(self) -> dict[str, set[str]]:
        """Return, for each entity id, the ids of the passages that mention it."""
        out: dict[str, set[str]] = {}
        for entity_id, passage_id in self.db.execute(
            "SELECT DISTINCT entity_id, passage_id FROM mentions"
        ):
            out.setdefault(entity_id, set()).add(passage_id)
        return out

    def linked_passage_ids(self) -> dict[str, set[str]]:
        """Return, for each entity id, the passages linked to it.

        A passage is linked to an entity it mentions, and to the entity its whole document
        is linked to (a resolution to its issuing organ, ``document_entities``).
        """
        out = self.mention_counts()
        for entity_id, passage_id in self.db.execute(
            "SELECT de.entity_id, p.id FROM document_entities de "
            "JOIN passages p ON p.document_id = de.document_id"
        ):
            out.setdefault(entity_id, set()).add(passage_id)
        return out

    def entity_document_ids(self) -> dict[str, set[str]]:
        """Return, for each entity id, the documents linked to it as a whole."""
        out: dict[str, set[str]] = {}
        for document_id, entity_id in self.db.execute(
            "SELECT document_id, entity_id FROM document_entities"
        ):
            out.setdefault(entity_id, set()).add(document_id)
        return out

    def mentions(self, passage_id: str) -> list[dict[str, Any]]:
        """Return the entity mentions of one passage, in text order."""
        return [
            dict(r)
            for r in self.db.query(
                "SELECT entity_id, tree, start, end, surface FROM mentions "
                "WHERE passage_id = ? ORDER BY start, tree",
                [passage_id],
            )
        ]

    def mention_spans(
        self, passage_ids: Iterable[str], entity_ids: Iterable[str]
    ) -> dict[str, list[tuple[int, int]]]:
        """Return, per passage id, the (start, end) spans of its mentions of those entities."""
        ids, ents = list(passage_ids), json.dumps(list(entity_ids))
        out: dict[str, list[tuple[int, int]]] = {}
        for start in range(0, len(ids), 500):
            sql = (
                "SELECT passage_id, start, end FROM mentions WHERE passage_id IN "
                "(SELECT value FROM json_each(?)) AND entity_id IN (SELECT value FROM json_each(?))"
                " ORDER BY passage_id, start"
            )
            for pid, s, e in self.db.execute(sql, [json.dumps(ids[start : start + 500]), ents]):
                out.setdefault(pid, []).append((s, e))
        return out

    def document_entities(self, document_id: str) -> list[dict[str, Any]]:
        """Return the entities a whole document is linked to (e.g. its issuing organ)."""
        return [
            dict(r)
            for r in self.db.query(
                "SELECT entity_id, role FROM document_entities WHERE document_id = ?",
                [document_id],
            )
        ]

    # -- references ----------------------------------------------------------

    def references(
        self,
        *,
        document_id: str | None = None,
        target: str | None = None,
    ) -> list[dict[str, Any]]:
        """Return references in reading order, each resolved against the library.

        Each row: ``passage_id, document_id, start, end, surface, target, kind, year,
        paragraph, target_document_id`` (the in-library document with that symbol, or None)
        and ``target_passage_id`` (the cited paragraph when it exists, or None).

        Args:
            document_id: Only references made in this document.
            target: Only references to this symbol (exact, case-insensitive).
        """
        where, args = [], []
        if document_id is not None:
            where.append("r.document_id = ?")
            args.append(document_id)
        if target is not None:
            where.append("r.target = ? COLLATE NOCASE")
            args.append(target)
        sql = _RESOLVED_REFERENCES.format(where=" WHERE " + " AND ".join(where) if where else "")
        sql = f"SELECT * FROM ({sql})"
        sql += " ORDER BY document_seq, passage_seq, start"
        hidden = ("document_seq", "passage_seq")
        return [{k: v for k, v in r.items() if k not in hidden} for r in self.db.query(sql, args)]

    def reference_targets(self) -> list[dict[str, Any]]:
        """Return every instrument cited, once, with how often and where.

        Each row: ``target, kind, year`` (the latest stated), ``references`` (how many),
        ``passages`` and ``documents`` (how many cite it), ``target_document_id``.
        """
        sql = (
            'SELECT target, kind, max(year) AS year, count(*) AS "references", '
            "count(DISTINCT passage_id) AS passages, count(DISTINCT document_id) AS documents, "
            f"max(target_document_id) AS target_document_id "
            f"FROM ({_RESOLVED_REFERENCES.format(where='')}) "
            "GROUP BY target, kind ORDER BY target"
        )
        return [dict(r) for r in self.db.query(sql)]

    def footnotes(self, document_id: str) -> list[dict[str, Any]]:
        """Return a document's footnotes in number order."""
        rows = self.db.query(
            "SELECT * FROM footnotes WHERE document_id = ? ORDER BY number", [document_id]
        )
        out = []
        for r in rows:
            r = dict(r)
            r["markup"] = json.loads(r["markup"]) if r.get("markup") else []
            out.append(r)
        return out


# -- writing a store (db.build calls these; every statement of the store stays here) --------


def insert_document(
    db: sqlite_utils.Database,
    document: dict[str, Any],
    *,
    sources: list[dict[str, Any]],
    passages: list[dict[str, Any]],
    footnotes: list[dict[str, Any]],
    passage_footnotes: list[dict[str, Any]],
) -> None:
    """Insert one document with its captures, passages and footnotes (inside a transaction)."""
    db["documents"].insert(document)
    db["sources"].insert_all(sources)
    db["passages"].insert_all(passages)
    db["footnotes"].insert_all(footnotes)
    db["passage_footnotes"].insert_all(passage_footnotes)


def write_meta(db: sqlite_utils.Database, meta: dict[str, str]) -> None:
    """Record the store's versions, fingerprint and build time (``meta`` table)."""
    db.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", meta.items())


def replace_entities(db: sqlite_utils.Database, entities: Iterable[dict[str, Any]]) -> None:
    """Replace the gazetteer's rows, dropping every mention and issuer link made from the old."""
    for table in ("mentions", "document_entities", "entities"):
        db.execute(f"DELETE FROM {table}")
    db["entities"].insert_all(entities)


def passage_texts(
    db: sqlite_utils.Database, document_id: str | None = None
) -> list[tuple[str, str, str]]:
    """Return ``(passage_id, document_id, text)`` of every passage (or one document's)."""
    sql = "SELECT id, document_id, text FROM passages"
    if document_id is None:
        return [tuple(r) for r in db.execute(sql).fetchall()]
    return [tuple(r) for r in db.execute(sql + " WHERE document_id = ?", [document_id])]


def passage_signature(db: sqlite_utils.Database, document_id: str) -> list[tuple[str, str]]:
    """Return ``(kind, text)`` of a document's passages in order (what captures share)."""
    sql = "SELECT kind, text FROM passages WHERE document_id = ? ORDER BY seq"
    return [tuple(r) for r in db.execute(sql, [document_id])]


def open_writable(store_dir: Path) -> sqlite_utils.Database:
    """Open a built store's database for an in-place change (rolling back a cut-short one).

    Raises:
        StoreMissingError: There is no database file.
    """
    path = store_dir / DB_FILENAME
    if not path.is_file():
        raise StoreMissingError(f"no store at {store_dir}")
    conn = sqlite3.connect(path, timeout=WRITE_TIMEOUT)
    conn.execute("PRAGMA synchronous = FULL")
    return sqlite_utils.Database(conn)


def read_meta(db: sqlite_utils.Database) -> dict[str, str]:
    """Return the ``meta`` table as a dict."""
    return {k: v for k, v in db.execute("SELECT key, value FROM meta")}


def integrity_problems(db: sqlite_utils.Database) -> list[str]:
    """Return what ``PRAGMA quick_check`` reports (empty when the database is sound)."""
    db.execute("SELECT count(*) FROM documents").fetchone()
    rows = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
    return [] if rows == ["ok"] else rows


#: Every table holding rows of a document, children first.
_DOCUMENT_TABLES = (
    "clause_vectors",
    "references",
    "mentions",
    "document_entities",
    "passage_footnotes",
    "footnotes",
    "passages",
    "sources",
    "documents",
)


def delete_documents(db: sqlite_utils.Database, document_ids: Iterable[str]) -> None:
    """Delete documents with every row that belongs to them (inside the caller's transaction)."""
    ids = json.dumps(sorted(set(document_ids)))
    for table in _DOCUMENT_TABLES:
        column = "id" if table == "documents" else "document_id"
        sql = f'DELETE FROM "{table}" WHERE {column} IN (SELECT value FROM json_each(?))'
        db.execute(sql, [ids])


def insert_clause_vectors(db: sqlite_utils.Database, rows: Iterable[dict[str, Any]]) -> int:
    """Insert clause vector rows (inside the caller's transaction); return how many.

    Args:
        db: A writable, migrated database.
        rows: ``passage_id, document_id, seq, vector`` (bytes), ``scale``.
    """
    rows = list(rows)
    db["clause_vectors"].insert_all(rows, batch_size=2_000)
    return len(rows)


def insert_source(db: sqlite_utils.Database, row: dict[str, Any]) -> None:
    """Add one capture (``document_id, file, sha256, role, text``) to a document."""
    db["sources"].insert(row)


def next_document_seq(db: sqlite_utils.Database) -> int:
    """Return the catalog position a document added now takes (after every other)."""
    return int(db.execute("SELECT coalesce(max(seq), 0) + 1 FROM documents").fetchone()[0])


def document_ids(db: sqlite_utils.Database) -> set[str]:
    """Return the ids of every document."""
    return {r[0] for r in db.execute("SELECT id FROM documents")}


def source_rows(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Return every capture: ``sha256, document_id, role, origin`` (its document's origin)."""
    sql = (
        "SELECT s.sha256, s.document_id, s.role, d.origin "
        "FROM sources s JOIN documents d ON d.id = s.document_id ORDER BY d.seq, s.rowid"
    )
    return [dict(r) for r in db.query(sql)]


def primary_structure(db: sqlite_utils.Database, document_id: str) -> int:
    """Return how many line breaks the document's primary capture has."""
    row = db.execute(
        "SELECT length(text) - length(replace(text, char(10), '')) FROM sources "
        "WHERE document_id = ? AND role = 'primary'",
        [document_id],
    ).fetchone()
    return int(row[0]) if row else 0


def insert_references(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Insert references (inside the caller's transaction; see :func:`write_references`)."""
    db["references"].insert_all(rows)


def insert_mentions(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Insert entity mentions (``passage_id, document_id, entity_id, tree, start, end``, …)."""
    db["mentions"].insert_all(rows)


def document_issuers(
    db: sqlite_utils.Database, document_id: str | None = None
) -> list[tuple[str, str | None]]:
    """Return ``(document_id, issuing_body)`` of every document (or of one)."""
    sql = "SELECT id, issuing_body FROM documents"
    if document_id is None:
        return [tuple(r) for r in db.execute(sql).fetchall()]
    return [tuple(r) for r in db.execute(sql + " WHERE id = ?", [document_id])]


def insert_document_entities(db: sqlite_utils.Database, rows: list[dict[str, Any]]) -> None:
    """Insert document-level entity links (``document_id, entity_id, role``)."""
    db["document_entities"].insert_all(rows)


def document_symbols(db: sqlite_utils.Database) -> dict[str, str | None]:
    """Return each document's symbol (None for a document without one), by id."""
    return {r[0]: r[1] for r in db.execute("SELECT id, symbol FROM documents")}


def passage_entity_pairs(
    db: sqlite_utils.Database, document_ids: Iterable[str] | None = None
) -> list[tuple[str, str]]:
    """Return the distinct ``(passage_id, entity_id)`` pairs of the mentions (of some documents)."""
    # In the order the linker found them, whichever documents are asked for.
    sql, args = "SELECT passage_id, entity_id FROM mentions", []
    if document_ids is not None:
        sql += " WHERE document_id IN (SELECT value FROM json_each(?))"
        args = [json.dumps(sorted(set(document_ids)))]
    sql += " GROUP BY passage_id, entity_id ORDER BY min(rowid)"
    return [tuple(r) for r in db.execute(sql, args)]


def index_sources(
    db: sqlite_utils.Database, document_ids: Iterable[str] | None = None
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Return what the search index is built from: documents by id, and passages in order.

    The order is the catalog's (documents by ``seq``, then passages by ``seq``): a document
    added later comes after every other, so an index that appends it keeps this order.

    Args:
        db: The record.
        document_ids: Only these documents (for an incremental update).
    """
    where, args = "", []
    if document_ids is not None:
        where = " WHERE d.id IN (SELECT value FROM json_each(?))"
        args = [json.dumps(sorted(set(document_ids)))]
    docs = {
        r["id"]: r
        for r in db.query(f"SELECT id, title, symbol, date, origin FROM documents d{where}", args)
    }
    sql = f"SELECT p.* FROM passages p JOIN documents d ON d.id = p.document_id{where}"
    return docs, list(db.query(sql + " ORDER BY d.seq, p.seq", args))


def close_journal(db: sqlite_utils.Database) -> None:
    """Leave the database as one self-contained file (no WAL or journal beside it)."""
    db.execute("PRAGMA journal_mode = DELETE")


def read_fingerprint(db_path: Path, key: str = "fingerprint") -> str | None:
    """Return the fingerprint a store was built from, reading its database read-only.

    Args:
        db_path: The store's database.
        key: ``fingerprint`` (every input) or ``resources_fingerprint`` (all but the library).

    Raises:
        sqlite3.DatabaseError: The file is not a readable store database.
    """
    conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    finally:
        conn.close()
    return row[0] if row else None
