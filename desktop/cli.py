"""The ``liaison`` command line: a thin layer over :mod:`db` that prints tables or JSON.

Every error the store raises becomes one line on standard error, prefixed
``liaison: error:``, and a non-zero exit code; no traceback reaches the user.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from db import paths
from db.brief_export import EXPORT_FORMATS
from db.citations import CITATION_STYLES, DEFAULT_STYLE
from db.compare import summary as change_counts
from db.errors import LiaisonError, NotFoundError, QueryError
from db.kinds import KINDS
from db.labels import (
    BUILD_STEPS,
    LAST_BUILD_STEP,
    MATCH_MEANING,
    MEANING_LABEL,
    PINNED_SCORE,
    REFERENCE_LABEL,
)
from desktop.launch import one_blas_thread

#: ``time.perf_counter()`` when the CLI was imported: the desktop app's smoke
#: timings fall back to it where the process start time is unknown.
STARTED_AT = time.perf_counter()

EXIT_ERROR = 1
EXIT_USAGE = 2
#: ``liaison import`` added nothing: every file was already in the library (or none was found).
EXIT_NOTHING_ADDED = 3
#: Interrupted (Ctrl+C): what was done before is kept whole.
EXIT_INTERRUPTED = 130


#: Characters JSON may leave raw but ``str.splitlines`` (and many readers) take as line ends;
#: escaped so that one JSON document is always one line.
_LINE_ENDS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


#: Bidirectional controls (they reorder what a terminal shows: U+202E makes
#: "fdp.exe" of "exe.pdf") and C1 controls. Printed as ``\\uXXXX`` escapes: visible in
#: a table, and still the same string in JSON.
_UNSAFE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\x7f-\x9f]")


def neutralise(text: str) -> str:
    """Return ``text`` with every bidi and C1 control written as a backslash-u escape."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _say(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print a line of the CLI's output, bidi and control characters neutralised."""
    click.echo(neutralise(text), err=err, nl=nl)


def _dump(obj: Any) -> None:
    _say(json.dumps(obj, ensure_ascii=False).translate(_LINE_ENDS))


def _progress_printer() -> Callable[[str, int, int], None] | None:
    """Return a progress callback that redraws one line on a terminal, or None."""
    if not sys.stderr.isatty():
        return None

    def show(step: str, done: int, total: int) -> None:
        end = "\n" if step == LAST_BUILD_STEP and done == total else ""
        click.echo(f"\r\033[K{BUILD_STEPS.get(step, step)}: {done}/{total}", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except LiaisonError as exc:
        _say(f"liaison: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        raise  # the reader stopped reading: main() ends quietly
    except OSError as exc:
        _say(f"liaison: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(EXIT_ERROR)


def _notice(message: str) -> None:
    _say(f"liaison: {message}", err=True)


def open_library():
    """Open the library for a command, building the store if it is missing or stale."""
    from db.library import open_library as _open

    return _open(progress=_progress_printer(), notice=_notice)


_STYLE_OPTION = click.option(
    "--style",
    type=click.Choice(CITATION_STYLES),
    default=DEFAULT_STYLE,
    show_default=True,
    help="Citation style: short (A/RES/77/20, para. 17(a)) or full (General Assembly "
    "resolution 77/20 of 21 November 2022, para. 17(a)).",
)


def _table(rows: list[list[str]], headers: list[str]) -> None:
    rows = [[neutralise(cell) for cell in r] for r in rows]  # widths as printed
    width = shutil.get_terminal_size((120, 20)).columns
    cols = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    # Let the last column take what is left of the terminal.
    fixed = sum(cols[:-1]) + 2 * (len(cols) - 1)
    cols[-1] = max(20, min(cols[-1], width - fixed))
    fmt = "  ".join(f"{{:<{c}}}" for c in cols)
    _say(fmt.format(*headers))
    _say(fmt.format(*("-" * c for c in cols)))
    for r in rows:
        r = [*r[:-1], r[-1] if len(r[-1]) <= cols[-1] else r[-1][: cols[-1] - 1] + "…"]
        _say(fmt.format(*r))


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar=paths.ENV_DATA_DIR,
    help="Put every file Liaison writes under this folder (also LIAISON_DATA_DIR).",
)
@click.version_option(package_name="liaison", prog_name="liaison")
@click.pass_context
def cli(ctx: click.Context, data_dir: str | None) -> None:
    """Liaison: the INTERPOL-UN texts, their passages and exact citations, offline.

    With no command, opens the desktop window (or, without a display, prints a
    summary of the store).
    """
    if data_dir:
        paths.set_data_dir(data_dir)
    if ctx.invoked_subcommand is None:
        if _has_display():
            ctx.invoke(gui, smoke=False)
        else:
            ctx.invoke(summary)


def _has_display() -> bool:
    """Return False on a Linux/BSD console with no X11, Wayland or Qt platform to draw on."""
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    return True


@cli.command()
@click.option(
    "--if-stale", is_flag=True, help="Only build when the store is missing, stale or damaged."
)
def build(if_stale: bool) -> None:
    """(Re)build the store from the bundled corpus in resources/."""
    from db.build import build_store
    from db.freshness import store_state

    with _errors():
        if if_stale:
            state = store_state()
            if state == "fresh":
                _say(f"Store is up to date: {paths.store_dir()}", err=True)
                return
        report = build_store(progress=_progress_printer())
    _say(
        f"Built {report.documents} documents, {report.passages} passages, "
        f"{report.footnotes} footnotes from {report.sources} files "
        f"in {report.seconds:.2f} s -> {report.store_dir}"
    )
    for doc_id, files in report.merged:
        _say(f"  {doc_id}: one document from {len(files)} captures ({', '.join(files)})")


@cli.command()
def summary() -> None:
    """Print what the store holds and where it lives."""
    with _errors(), open_library() as lib:
        s = lib.summary()
        _say(f"Liaison store at {s['store_dir']}, built {s['built_at']}")
        _say(
            f"{s['documents']} documents, {s['passages']} passages, {s['footnotes']} footnotes, "
            f"{s['sources']} source files"
        )
        _say(
            f"{s['sentence_passages']} of {s['passages']} passages read by the sentence model "
            "(the others are matched word by word)"
        )
        for d in lib.documents():
            label = d["symbol"] or d["title"]
            _say(f"  {d['id']:<36} {d['kind']:<10} {d['passages']:>4} passages  {label}")


def _doc_json(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": d["id"],
        "title": d["title"],
        "kind": d["kind"],
        "symbol": d["symbol"],
        "date": d["date"],
        "issuing_body": d["issuing_body"],
        "language": d["language"],
        "origin": d["origin"],
        "sources": [{"file": s["file"], "sha256": s["sha256"]} for s in d["sources"]],
        "passages": d["passages"],
    }


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def documents(as_json: bool) -> None:
    """List the documents of the store."""
    with _errors(), open_library() as lib:
        docs = lib.documents()
        if as_json:
            _dump([_doc_json(d) for d in docs])
            return
        _table(
            [
                [
                    d["id"],
                    d["kind"],
                    d["symbol"] or "",
                    d["date"] or "",
                    str(d["passages"]),
                    d["title"],
                ]
                for d in docs
            ],
            ["ID", "KIND", "SYMBOL", "DATE", "PASSAGES", "TITLE"],
        )


@cli.command()
@click.argument("document_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_STYLE_OPTION
def show(document_id: str, as_json: bool, style: str) -> None:
    """Show a document's passages, in order, with their citations."""
    with _errors(), open_library() as lib:
        doc = lib.document(document_id)
        passages = [
            {
                "passage_id": p["id"],
                "heading": p["heading"],
                "number": p["number"],
                "kind": p["kind"],
                "text": p["text"],
                "citation": p["citation"]
                if style == "short"
                else lib.citation(p["id"], style=style),
                "footnotes": p["footnotes"],
                "opening": p["opening"],
                "span": [p["span_start"], p["span_end"]],
            }
            for p in doc["passages_list"]
        ]
        footnotes = [
            {"number": f["number"], "marker": f["marker"], "text": f["text"]}
            for f in doc["footnotes"]
        ]
        if as_json:
            out = _doc_json(doc)
            out["meta"] = doc["meta"]
            out["notes"] = doc["notes"]
            out["passages"] = passages
            out["footnotes"] = footnotes
            _dump(out)
            return
        _say(click.style(doc["title"], bold=True))
        facts = [doc["symbol"], doc["date"], doc["issuing_body"]]
        _say(" · ".join(f for f in facts if f))
        for note in doc["notes"]:
            _say(f"Note: {note}")
        heading = None
        for p in passages:
            if p["heading"] != heading:
                heading = p["heading"]
                _say("\n" + click.style(heading or "", underline=True))
            _say(f"\n[{p['citation']}]\n{p['text']}")


def _result_json(result: Any, lib: Any, style: str) -> dict[str, Any]:
    """Return one search's JSON object: the query, its corrected form, the notice and the hits."""
    hits = [_hit_json(h) for h in result.hits]
    if style != DEFAULT_STYLE:
        for h in hits:
            h["citation"] = lib.citation(h["passage_id"], style=style)
    return {
        "query": result.query,
        "corrected_query": result.corrected_query,
        "notice": result.notice,
        "hits": hits,
    }


def _hit_json(h: Any) -> dict[str, Any]:
    d = h.to_dict()
    return {
        k: d[k]
        for k in (
            "passage_id",
            "document_id",
            "document_title",
            "citation",
            "heading",
            "number",
            "kind",
            "text",
            "snippet",
            "score",
            "match",
        )
    }


_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check a ``--from``/``--to`` value: a usage error naming it unless it is an ISO date."""
    if value is None:
        return None
    ok = bool(_ISO_DATE.fullmatch(value))
    if ok:
        try:
            date.fromisoformat((value + "-01-01")[:10] if len(value) < 10 else value)
        except ValueError:
            ok = False
    if not ok:
        raise click.BadParameter(
            f"{neutralise(value)!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)"
        )
    return value


def _batch_lines() -> Iterator[tuple[int, str | None, str]]:
    """Yield ``(line number, query or None, problem)`` for each line of standard input.

    Lines are decoded one by one: a line that is not valid UTF-8 gives None and a
    one-line reason, and the lines after it are still read.
    """
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream without bytes underneath (tests)
        for n, line in enumerate(sys.stdin, start=1):
            yield n, line.rstrip("\r\n"), ""
        return
    for n, raw in enumerate(stream, start=1):
        try:
            yield n, raw.decode("utf-8").rstrip("\r\n"), ""
        except UnicodeDecodeError as exc:
            yield n, None, f"line {n} is not valid UTF-8 (byte {exc.start + 1}); it was skipped"


@cli.command()
@click.argument("query")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON object {query, corrected_query, notice, hits}; with QUERY '-', "
    "one such object per input line.",
)
@click.option(
    "--limit",
    default=10,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="At most this many hits.",
)
@click.option(
    "--document",
    "document_id",
    help="Only passages of this document id; a paragraph reference without a symbol "
    "(OP 19) points into it.",
)
@click.option("--kind", type=click.Choice(KINDS), help="Only passages of this kind.")
@click.option(
    "--entity", help="Only passages linked to this entity (id, name, acronym) or below it."
)
@click.option(
    "--from",
    "date_from",
    callback=_iso_date,
    help="Only documents dated on or after this ISO date (YYYY-MM-DD, YYYY-MM or YYYY).",
)
@click.option(
    "--to",
    "date_to",
    callback=_iso_date,
    help="Only documents dated on or before this ISO date (YYYY-MM-DD, YYYY-MM or YYYY).",
)
@_STYLE_OPTION
def search(
    query: str,
    as_json: bool,
    limit: int,
    document_id: str | None,
    kind: str | None,
    entity: str | None,
    date_from: str | None,
    date_to: str | None,
    style: str,
) -> None:
    """Search passages. QUERY '-' reads one query per line from standard input.

    Shorthand references (OP 19, 77/20 para 17(a), PP 9, fn 2) put the paragraph first, or
    print a notice saying it does not exist. With --entity and an empty QUERY (''), lists
    that entity's passages in document order.
    """
    filters = {
        "document": document_id,
        "kind": kind,
        "entity": entity,
        "date_from": date_from,
        "date_to": date_to,
        "context_document": document_id,
    }
    with _errors(), open_library() as lib:
        if document_id:
            lib.document(document_id)
        if query == "-":
            for _n, line, problem in _batch_lines():
                if line is None:
                    # One JSON value per input line, always: an error object for this one.
                    if as_json:
                        _dump({"error": problem})
                    else:
                        _say(f"liaison: error: {problem}", err=True)
                else:
                    result = lib.search(line, limit=limit, **filters)
                    if as_json:
                        _dump(_result_json(result, lib, style))
                    else:
                        _print_hits(result, lib, style)
                sys.stdout.flush()
            return
        result = lib.search(query, limit=limit, **filters)
        if as_json:
            _dump(_result_json(result, lib, style))
        else:
            _print_hits(result, lib, style)


def _path_text(path: Path) -> str:
    """Return a path fit to print: bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(str(path)).decode("utf-8", "replace")


def _time_left(seconds: float) -> str:
    """Return ``seconds`` as a rough human duration: ``about 40 s``, ``about 3 min``."""
    if seconds < 60:
        return f"about {max(1, round(seconds))} s"
    if seconds < 3600:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"


class _ImportProgress:
    """One line on a terminal's standard error: files done, of how many, and time left."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.started = time.monotonic()
        self.done = 0
        self.active = sys.stderr.isatty() and total > 1

    def line(self) -> str:
        """Return the progress line for the files done so far."""
        text = f"Importing {self.done}/{self.total}"
        if 0 < self.done < self.total:
            per_file = (time.monotonic() - self.started) / self.done
            text += f", {_time_left(per_file * (self.total - self.done))} left"
        return text

    def clear(self) -> None:
        """Take the progress line off the terminal (before printing anything else)."""
        if self.active:
            click.echo("\r\033[K", err=True, nl=False)

    def draw(self) -> None:
        """Draw (or redraw) the progress line."""
        if self.active:
            click.echo(f"\r\033[K{self.line()}", err=True, nl=False)


def _import_summary(counts: Counter[str]) -> str:
    """Return the one-line summary of an import from its counts by status."""
    parts = [
        f"{counts['imported']} imported",
        f"{counts['duplicate']} already there",
        f"{counts['rejected']} refused",
    ]
    if counts["skipped"]:
        parts.append(f"{counts['skipped']} skipped (not documents)")
    return "Done: " + ", ".join(parts) + "."


@cli.command(name="import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report per file.")
def import_(sources: tuple[Path, ...], as_json: bool) -> None:
    """Import text, Markdown, HTML or PDF files, or folders of them, into your own library.

    A folder is imported with everything under it: hidden files and folders are
    passed over, other files that are not documents are skipped with a reason.
    Each file is checked before anything is written: a file that cannot be
    imported is reported (and the library left as it was) without stopping the
    others. Ctrl+C keeps the files already imported. Exits 1 if any file was
    refused, 3 if nothing was added (everything already there), 130 if interrupted.
    """
    from db.imports import find_documents, iter_imports

    try:
        scan = find_documents(list(sources))
    except KeyboardInterrupt:
        _say("liaison: interrupted while looking for files: nothing was imported", err=True)
        sys.exit(EXIT_INTERRUPTED)
    counts: Counter[str] = Counter()
    for skipped in scan.skipped:
        status = "rejected" if skipped.unreadable else "skipped"
        counts[status] += 1
        message = f"{_path_text(skipped.path)} {skipped.reason}"
        if as_json:
            _dump({"file": _path_text(skipped.path), "status": status, "message": message})
        else:
            _say(f"liaison: {'error' if skipped.unreadable else 'skipped'}: {message}", err=True)
    bar = _ImportProgress(len(scan.files))
    bar.draw()
    reports = iter_imports(scan.files)
    try:
        with _errors():
            for r in reports:
                bar.done += 1
                bar.clear()
                counts["imported" if r.ok else r.status] += 1
                if as_json:
                    _dump(
                        {
                            "file": r.file,
                            "status": r.status,
                            "message": r.message,
                            "document_id": r.document_id,
                            "counts": r.counts,
                        }
                    )
                elif r.status == "rejected":
                    _say(f"liaison: error: {r.message}", err=True)
                else:
                    _say(r.message)
                sys.stdout.flush()
                bar.draw()
    except KeyboardInterrupt:
        reports.close()
        bar.clear()
        kept = counts["imported"]
        _say(
            f"liaison: interrupted: {kept} {'file' if kept == 1 else 'files'} imported and kept; "
            "any file under way was not added",
            err=True,
        )
        sys.exit(EXIT_INTERRUPTED)
    bar.clear()
    several = len(scan.files) + len(scan.skipped) > 1 or any(p.is_dir() for p in sources)
    if not as_json and several:
        _say(_import_summary(counts))
    if counts["rejected"]:
        sys.exit(EXIT_ERROR)
    if not counts["imported"]:
        if counts["duplicate"]:
            what = f"{'the file is' if counts['duplicate'] == 1 else 'every file is'} already there"
        else:
            what = "no document to import was found"
        _say(f"liaison: nothing added: {what}", err=as_json)
        sys.exit(EXIT_NOTHING_ADDED)


@cli.command()
@click.argument("document_id")
def remove(document_id: str) -> None:
    """Remove an imported document from your library (bundled ones cannot be removed)."""
    from db.imports import remove_document

    with _errors():
        names = remove_document(document_id)
    _say(f"Removed {document_id} ({', '.join(names)})")


@cli.command()
@click.argument("document_id")
def reparse(document_id: str) -> None:
    """Parse an imported document again from its stored original, in place."""
    from db.imports import reparse_document

    with _errors():
        new_id = reparse_document(document_id)
    _say(f"Parsed {document_id} again" + (f" (now {new_id})" if new_id != document_id else ""))


_TREE_CHOICE = click.Choice(["un", "capabilities", "themes"])


@cli.command()
@click.option(
    "--tree", type=_TREE_CHOICE, default="un", show_default=True, help="Which tree to list."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of an indented tree.")
def entities(tree: str, as_json: bool) -> None:
    """List the UN entities (or INTERPOL capabilities, or themes) with passage counts."""
    with _errors(), open_library() as lib:
        nodes = lib.entity_tree(tree)
        if as_json:
            keys = (
                "id",
                "name",
                "acronyms",
                "aliases",
                "category",
                "parent",
                "status",
                "passages",
                "total",
            )
            _dump([{k: n[k] for k in keys} for n in nodes])
            return
        depth: dict[str | None, int] = {None: -1}
        for n in nodes:
            depth[n["id"]] = depth.get(n["parent"], -1) + 1
            acr = f" ({', '.join(n['acronyms'])})" if n["acronyms"] else ""
            closed = f" [closed {n['closed']}]" if n["status"] == "closed" else ""
            _say(f"{'  ' * depth[n['id']]}{n['name']}{acr}{closed}  {n['passages']}/{n['total']}")


@cli.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def entity(name: str, as_json: bool) -> None:
    """Show an entity (by id, name, acronym, alias or former name) and its passages."""
    with _errors(), open_library() as lib:
        node = lib.entity(name)
        if as_json:
            keys = ("id", "name", "acronyms", "aliases", "category", "parent", "status")
            out = {k: node[k] for k in keys}
            out.update(tree=node["tree"], former_names=node["former_names"], closed=node["closed"])
            out.update(
                description=node["description"], passages=[_hit_json(h) for h in node["hits"]]
            )
            _dump(out)
            return
        acr = f" ({', '.join(node['acronyms'])})" if node["acronyms"] else ""
        _say(click.style(f"{node['name']}{acr}", bold=True))
        if node["description"]:
            _say(node["description"])
        for f in node["former_names"]:
            _say(f"Formerly: {f.get('name')} ({f.get('acronym', '')}), until {f.get('until')}")
        _say(f"{len(node['hits'])} passages")
        for h in node["hits"]:
            _say(f"  {h.citation}")
            _say(f"    {h.text[:160]}{'…' if len(h.text) > 160 else ''}")


def _reference_json(r: dict[str, Any]) -> dict[str, Any]:
    return {
        "passage_id": r["passage_id"],
        "text": r["surface"],
        "target": r["target"],
        "in_library": r["in_library"],
        "target_document_id": r["target_document_id"],
        "target_passage_id": r["target_passage_id"],
        "kind": r["kind"],
        "year": r["year"],
        "paragraph": r["paragraph"],
        "citation": r["citation"],
        "span": [r["start"], r["end"]],
    }


def _print_references(rows: list[dict[str, Any]]) -> None:
    _table(
        [
            [
                r["target"] + (f", para. {r['paragraph']}" if r["paragraph"] else ""),
                r["target_passage_id"] or r["target_document_id"] or "not in library",
                r["surface"],
                r["citation"],
            ]
            for r in rows
        ],
        ["TARGET", "IN LIBRARY", "TEXT", "CITED IN"],
    )


@cli.command()
@click.argument("document_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def refs(document_id: str | None, as_json: bool) -> None:
    """List the references to UN instruments made in a document (or in every document).

    Each reference is resolved to the document, or the paragraph, it cites when that is in
    the library.
    """
    with _errors(), open_library() as lib:
        rows = lib.references(document_id)
        if as_json:
            _dump([_reference_json(r) for r in rows])
        elif not rows:
            click.echo("No references.")
        else:
            _print_references(rows)


@cli.command(name="cited-by")
@click.argument("symbol")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def cited_by(symbol: str, as_json: bool) -> None:
    """List the passages that cite SYMBOL (A/RES/75/10, 75/10, S/RES/1950 (2010)).

    SYMBOL may also be a document id or a passage id of the library.
    """
    with _errors(), open_library() as lib:
        rows = lib.cited_by(symbol)
        if as_json:
            _dump([_reference_json(r) for r in rows])
        elif not rows:
            click.echo(f"Nothing in the library cites {symbol}.")
        else:
            _print_references(rows)


def _diff_text(diff: list[dict[str, str]] | None) -> str:
    if not diff:
        return ""
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s["op"]].format(s["text"]) for s in diff)


@cli.command()
@click.argument("ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--markdown", is_flag=True, help="Print the comparison as Markdown.")
@click.option("--all", "show_all", is_flag=True, help="Also list unchanged paragraphs.")
def compare(ids: tuple[str, ...], as_json: bool, markdown: bool, show_all: bool) -> None:
    """Compare two documents paragraph by paragraph: OLD_ID NEW_ID.

    With one id, compares that document with its predecessor on the same agenda item.
    Each paragraph is same, renumbered, changed, moved, added or dropped.
    """
    with _errors(), open_library() as lib:
        if len(ids) > 2:
            raise QueryError(
                "give OLD_ID NEW_ID, or one document id to compare with its predecessor"
            )
        if len(ids) == 1:
            new_id = ids[0]
            old_id = lib.predecessor(new_id)
            if old_id is None:
                raise NotFoundError(f"no earlier document on the same agenda item as {new_id}")
        else:
            old_id, new_id = ids
        if markdown:
            click.echo(lib.compare_markdown(old_id, new_id, include_same=show_all), nl=False)
            return
        pairs = lib.compare(old_id, new_id)
        if as_json:
            _dump([p.to_dict() for p in pairs])
            return
        counts = change_counts(pairs)
        click.echo(
            f"{new_id} compared with {old_id}: " + ", ".join(f"{n} {c}" for c, n in counts.items())
        )
        for p in pairs:
            if p.change in ("same", "renumbered") and not show_all:
                continue
            where = f"{p.old or '—'} → {p.new or '—'}"
            click.echo(f"\n{p.change.upper():<10} {where}")
            if p.change == "added":
                click.echo(f"  {{+{p.new_text}+}}")
            elif p.change == "dropped":
                click.echo(f"  [-{p.old_text}-]")
            elif p.diff:
                click.echo(f"  {_diff_text(p.diff)}")


def _print_hits(result: Any, lib: Any, style: str) -> None:
    if result.corrected_query:
        _say(f"Showing results for: {result.corrected_query}")
    if result.notice:
        _say(result.notice)
    if not result.hits:
        if not result.notice:
            _say(f"No passage matches {result.query!r}.")
        return
    bold = sys.stdout.isatty()
    for i, h in enumerate(result.hits, start=1):
        snippet = "".join(
            click.style(text, bold=True) if marked and bold else text for text, marked in h.parts()
        )
        citation = h.citation if style == DEFAULT_STYLE else lib.citation(h.passage_id, style=style)
        label = f"  [{MEANING_LABEL}]" if h.match == MATCH_MEANING else ""
        score = REFERENCE_LABEL if h.score >= PINNED_SCORE else f"{h.score:.2f}"
        _say(f"{i:>2}. {citation}  ({score}){label}")
        _say(f"    {snippet}")


# -- briefs ---------------------------------------------------------------------------------


@contextmanager
def _briefs() -> Iterator[Any]:
    """Open the briefs database for one command (errors become one line)."""
    from db.briefs import Briefs

    with _errors(), Briefs.open() as briefs:
        yield briefs


def _check_json(check: Any, citation: str) -> dict[str, Any]:
    item = check.item
    return {
        "passage_id": item.passage_id,
        "text": item.text,
        "citation": citation,
        "note": item.note,
        "status": check.status,
        "quote": item.quote,
        "current_text": check.current_text if check.status == "changed" else None,
        "document": {
            "id": item.document.id,
            "title": item.document.title,
            "symbol": item.document.symbol,
            "date": item.document.date,
            "sources": [{"file": f, "sha256": sha} for f, sha in item.document.sources],
        },
        "footnotes": [{"marker": f.marker, "text": f.text} for f in item.footnotes],
        "pinned_at": item.pinned_at,
    }


@cli.group()
def brief() -> None:
    """Meeting briefs: pinned passages with notes (kept in briefs.sqlite in the data folder)."""


@brief.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def brief_list(as_json: bool) -> None:
    """List the briefs, the most recently changed first."""
    with _briefs() as briefs:
        rows = briefs.list()
    if as_json:
        _dump(
            [
                {
                    "name": b.title,
                    "date": b.date,
                    "notes": b.notes,
                    "items": b.items,
                    "updated_at": b.updated_at,
                }
                for b in rows
            ]
        )
        return
    if not rows:
        click.echo("No briefs yet: `liaison brief new NAME` starts one.")
        return
    _table(
        [[b.date or "", str(b.items), b.updated_at[:16].replace("T", " "), b.title] for b in rows],
        ["DATE", "ITEMS", "CHANGED (UTC)", "NAME"],
    )


@brief.command(name="new")
@click.argument("name")
@click.option("--date", help="The meeting's date, YYYY-MM-DD (default: today).")
@click.option("--notes", default="", help="Free-text notes.")
def brief_new(name: str, date: str | None, notes: str) -> None:
    """Start an empty brief called NAME."""
    with _briefs() as briefs:
        made = briefs.create(title=name, date=date or dt.date.today().isoformat(), notes=notes)
    click.echo(f"Created brief {made.title!r} ({made.date})")


@brief.command(name="add")
@click.argument("name")
@click.argument("passage_id")
@click.option("--note", default="", help="The officer's note on this passage.")
@click.option("--quote", help="Quote only this part of the passage (its exact words).")
def brief_add(name: str, passage_id: str, note: str, quote: str | None) -> None:
    """Pin passage PASSAGE_ID (as it reads now) to the brief NAME."""
    with _briefs() as briefs:
        title = briefs.get(name).title
        with open_library() as lib:
            item = briefs.pin(name, library=lib, passage_id=passage_id, note=note, quote=quote)
    click.echo(f"Pinned {item.citation} as item {item.position} of {title!r}")


@brief.command(name="note")
@click.argument("name")
@click.argument("item", type=int)
@click.argument("text")
def brief_note(name: str, item: int, text: str) -> None:
    """Set the note of item ITEM (1-based) of the brief NAME to TEXT."""
    with _briefs() as briefs:
        changed = briefs.set_note(name, position=item, note=text)
    click.echo(f"Note of item {changed.position} ({changed.citation}) saved")


@brief.command(name="remove")
@click.argument("name")
@click.argument("item", type=int)
def brief_remove(name: str, item: int) -> None:
    """Remove item ITEM (1-based) from the brief NAME."""
    with _briefs() as briefs:
        gone = briefs.remove_item(name, position=item)
    click.echo(f"Removed item {item} ({gone.citation}) from {name!r}")


@brief.command(name="move")
@click.argument("name")
@click.argument("item", type=int)
@click.argument("to", type=int)
def brief_move(name: str, item: int, to: int) -> None:
    """Move item ITEM of the brief NAME to position TO (both 1-based)."""
    with _briefs() as briefs:
        briefs.move_item(name, position=item, to=to)
    click.echo(f"Moved item {item} to {to}")


@brief.command(name="rename")
@click.argument("name")
@click.argument("new_name")
def brief_rename(name: str, new_name: str) -> None:
    """Rename the brief NAME to NEW_NAME."""
    with _briefs() as briefs:
        made = briefs.rename(name, title=new_name)
    click.echo(f"Renamed to {made.title!r}")


@brief.command(name="delete")
@click.argument("name")
def brief_delete(name: str) -> None:
    """Delete the brief NAME and its items."""
    with _briefs() as briefs:
        gone = briefs.delete(name)
    click.echo(f"Deleted brief {gone.title!r} ({gone.items} items)")


@brief.command(name="show")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@_STYLE_OPTION
def brief_show(name: str, as_json: bool, style: str) -> None:
    """Show a brief: each item's pinned text, citation, note and status against the library."""
    from db.brief_export import brief_document

    with _briefs() as briefs:
        head = briefs.get(name)
        with open_library() as lib:
            checks = briefs.check(name, library=lib)
            cited = brief_document(head, checks, style=style, library=lib).items
    if as_json:
        _dump(
            {
                "name": head.title,
                "date": head.date,
                "notes": head.notes,
                "items": [_check_json(c, i.citation) for c, i in zip(checks, cited, strict=True)],
            }
        )
        return
    click.echo(click.style(head.title, bold=True) + (f"  ({head.date})" if head.date else ""))
    if head.notes:
        click.echo(head.notes)
    for n, (c, i) in enumerate(zip(checks, cited, strict=True), start=1):
        flag = "" if c.status == "ok" else f"  [{c.label}]"
        click.echo(f"\n{n}. {i.citation}{flag}")
        click.echo(f"   “{c.item.quoted}”")
        if c.item.note:
            click.echo(f"   Note: {c.item.note}")
        if c.status == "changed":
            click.echo(f"   Now reads: {c.current_text}")


@brief.command(name="export")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(EXPORT_FORMATS),
    help="Markdown, Word or PDF.",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (replaced if it exists).",
)
@_STYLE_OPTION
def brief_export(name: str, fmt: str, output: Path, style: str) -> None:
    """Export the brief NAME with exact citations, footnotes, notes and a Sources list."""
    from db.brief_export import brief_document, write_docx, write_markdown

    with _briefs() as briefs:
        head = briefs.get(name)
        with open_library() as lib:
            doc = brief_document(head, briefs.check(name, library=lib), style=style, library=lib)
        if fmt == "md":
            write_markdown(doc, output)
        elif fmt == "docx":
            write_docx(doc, output)
        else:
            from desktop.brief_pdf import write_pdf

            write_pdf(doc, output)
    count = len(doc.items)
    click.echo(f"Wrote {output} ({count} item{'' if count == 1 else 's'})")


@cli.command()
@click.option(
    "--smoke",
    is_flag=True,
    help="Start, type a query, open the first result, print timings as JSON, exit.",
)
def gui(smoke: bool) -> None:
    """Open the desktop window."""
    from desktop.app.main import run_gui

    with _errors():
        sys.exit(run_gui(smoke=smoke))


def main() -> None:
    """Console-script entry point.

    A reader that stops early (``liaison show … | head``) ends the output quietly:
    the broken pipe is not an error of ours.
    """
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    one_blas_thread()  # `python -m desktop.cli` does not pass through desktop.launch
    try:
        cli(prog_name="liaison")
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit: point it at nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":
    main()
