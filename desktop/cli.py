"""The ``liaison`` command line: a thin layer over :mod:`db` that prints tables or JSON.

Every error the store raises becomes one line on standard error, prefixed
``liaison: error:``, and a non-zero exit code; no traceback reaches the user.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from db import paths
from db.citations import CITATION_STYLES, DEFAULT_STYLE
from db.errors import LiaisonError
from db.kinds import KINDS
from db.snippets import snippet_parts

#: ``time.perf_counter()`` when the CLI was imported: the desktop app's smoke
#: timings fall back to it where the process start time is unknown.
STARTED_AT = time.perf_counter()

EXIT_ERROR = 1
EXIT_USAGE = 2


def _dump(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def _progress_printer() -> Callable[[str, int, int], None] | None:
    """Return a progress callback that redraws one line on a terminal, or None."""
    if not sys.stderr.isatty():
        return None

    def show(step: str, done: int, total: int) -> None:
        labels = {"parse": "Parsing documents", "record": "Writing record", "index": "Indexing"}
        end = "\n" if step == "index" and done == total else ""
        click.echo(f"\r\033[K{labels.get(step, step)}: {done}/{total}", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except LiaisonError as exc:
        click.echo(f"liaison: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except BrokenPipeError:
        raise  # the reader stopped reading: main() ends quietly
    except OSError as exc:
        click.echo(
            f"liaison: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True
        )
        sys.exit(EXIT_ERROR)


def _notice(message: str) -> None:
    click.echo(f"liaison: {message}", err=True)


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
    width = shutil.get_terminal_size((120, 20)).columns
    cols = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    # Let the last column take what is left of the terminal.
    fixed = sum(cols[:-1]) + 2 * (len(cols) - 1)
    cols[-1] = max(20, min(cols[-1], width - fixed))
    fmt = "  ".join(f"{{:<{c}}}" for c in cols)
    click.echo(fmt.format(*headers))
    click.echo(fmt.format(*("-" * c for c in cols)))
    for r in rows:
        r = [*r[:-1], r[-1] if len(r[-1]) <= cols[-1] else r[-1][: cols[-1] - 1] + "…"]
        click.echo(fmt.format(*r))


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
    from db.build import build_store, store_state

    with _errors():
        if if_stale:
            state = store_state()
            if state == "fresh":
                click.echo(f"Store is up to date: {paths.store_dir()}", err=True)
                return
        report = build_store(progress=_progress_printer())
    click.echo(
        f"Built {report.documents} documents, {report.passages} passages, "
        f"{report.footnotes} footnotes from {report.sources} files "
        f"in {report.seconds:.2f} s -> {report.store_dir}"
    )
    for doc_id, files in report.merged:
        click.echo(f"  {doc_id}: one document from {len(files)} captures ({', '.join(files)})")


@cli.command()
def summary() -> None:
    """Print what the store holds and where it lives."""
    with _errors(), open_library() as lib:
        s = lib.summary()
        click.echo(f"Liaison store at {s['store_dir']}, built {s['built_at']}")
        click.echo(
            f"{s['documents']} documents, {s['passages']} passages, {s['footnotes']} footnotes, "
            f"{s['sources']} source files"
        )
        for d in lib.documents():
            label = d["symbol"] or d["title"]
            click.echo(f"  {d['id']:<36} {d['kind']:<10} {d['passages']:>4} passages  {label}")


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
        click.echo(click.style(doc["title"], bold=True))
        facts = [doc["symbol"], doc["date"], doc["issuing_body"]]
        click.echo(" · ".join(f for f in facts if f))
        for note in doc["notes"]:
            click.echo(f"Note: {note}")
        heading = None
        for p in passages:
            if p["heading"] != heading:
                heading = p["heading"]
                click.echo("\n" + click.style(heading or "", underline=True))
            click.echo(f"\n[{p['citation']}]\n{p['text']}")


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
        )
    }


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
@click.option("--from", "date_from", help="Only documents dated on or after this ISO date.")
@click.option("--to", "date_to", help="Only documents dated on or before this ISO date.")
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
        queries = (line.rstrip("\n") for line in sys.stdin) if query == "-" else [query]
        for text in queries:
            result = lib.search(text, limit=limit, **filters)
            if as_json:
                _dump(_result_json(result, lib, style))
            else:
                _print_hits(result, lib, style)
            sys.stdout.flush()


@cli.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON report per file.")
def import_(files: tuple[Path, ...], as_json: bool) -> None:
    """Import text, Markdown, HTML or PDF files into your own library.

    Each file is checked before anything is written: a file that cannot be
    imported is reported (and the library left as it was) without stopping the
    others. Exits 1 if any file was rejected.
    """
    from db.imports import import_files

    with _errors():
        reports = import_files(list(files))
    failed = False
    for r in reports:
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
            click.echo(f"liaison: error: {r.message}", err=True)
        else:
            click.echo(r.message)
        failed = failed or r.status == "rejected"
    if failed:
        sys.exit(EXIT_ERROR)


@cli.command()
@click.argument("document_id")
def remove(document_id: str) -> None:
    """Remove an imported document from your library (bundled ones cannot be removed)."""
    from db.imports import remove_document

    with _errors():
        names = remove_document(document_id)
    click.echo(f"Removed {document_id} ({', '.join(names)})")


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
            click.echo(
                f"{'  ' * depth[n['id']]}{n['name']}{acr}{closed}  {n['passages']}/{n['total']}"
            )


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
        click.echo(click.style(f"{node['name']}{acr}", bold=True))
        if node["description"]:
            click.echo(node["description"])
        for f in node["former_names"]:
            click.echo(
                f"Formerly: {f.get('name')} ({f.get('acronym', '')}), until {f.get('until')}"
            )
        click.echo(f"{len(node['hits'])} passages")
        for h in node["hits"]:
            click.echo(f"  {h.citation}")
            click.echo(f"    {h.text[:160]}{'…' if len(h.text) > 160 else ''}")


def _print_hits(result: Any, lib: Any, style: str) -> None:
    if result.corrected_query:
        click.echo(f"Showing results for: {result.corrected_query}")
    if result.notice:
        click.echo(result.notice)
    if not result.hits:
        if not result.notice:
            click.echo(f"No passage matches {result.query!r}.")
        return
    bold = sys.stdout.isatty()
    for i, h in enumerate(result.hits, start=1):
        snippet = "".join(
            click.style(text, bold=True) if marked and bold else text
            for text, marked in snippet_parts(h.text, h.highlights)
        )
        citation = h.citation if style == DEFAULT_STYLE else lib.citation(h.passage_id, style=style)
        click.echo(f"{i:>2}. {citation}  ({h.score:.2f})")
        click.echo(f"    {snippet}")


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
    try:
        cli(prog_name="liaison")
    except BrokenPipeError:
        # Python would complain again when flushing stdout at exit: point it at nothing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":
    main()
