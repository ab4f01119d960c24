"""Passage and document kinds: the one list of each, with their names in prose and in menus.

Light on purpose (no parser, no Whoosh): the window imports it before the library opens.
"""

from __future__ import annotations

#: Passage kinds (the vocabulary of the CLI and the store) and their names in prose:
#: (singular, plural), for counts such as "3 operative paragraphs".
KIND_NAMES: dict[str, tuple[str, str]] = {
    "preambular": ("preambular paragraph", "preambular paragraphs"),
    "operative": ("operative paragraph", "operative paragraphs"),
    "subparagraph": ("sub-paragraph", "sub-paragraphs"),
    "paragraph": ("paragraph", "paragraphs"),
    "list_item": ("list item", "list items"),
    "footnote": ("footnote", "footnotes"),
}
KINDS = tuple(KIND_NAMES)
#: What a kind filter takes in: a sub-paragraph is part of its operative paragraph.
KIND_FILTER: dict[str, tuple[str, ...]] = {
    **{kind: (kind,) for kind in KIND_NAMES},
    "operative": ("operative", "subparagraph"),
}
#: How a menu or filter chip names each kind (a paragraph is a web page's or a plain document's).
KIND_LABELS: dict[str, str] = {
    **{kind: plural.capitalize() for kind, (_one, plural) in KIND_NAMES.items()},
    "paragraph": "Paragraphs of web pages and documents",
}

#: Document kinds, recognised from the text: a resolution (General Assembly, Security
#: Council, …), a decision, a report (or another document of numbered paragraphs), a
#: captured web page, a Markdown note, a plain document.
DOCUMENT_KINDS = ("resolution", "decision", "report", "webpage", "note", "document")
#: Document kinds whose paragraphs carry printed numbers a reference can name.
NUMBERED_KINDS = ("resolution", "decision", "report")

#: What each document kind is called in the viewer's header.
DOCUMENT_KIND_LABELS = {
    "resolution": "resolution",
    "decision": "decision",
    "report": "report",
    "webpage": "web page",
    "note": "note",
    "document": "document",
}

#: File types the importer reads, by format (a folder import picks these and skips the rest).
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt", ".text"}) | MARKDOWN_SUFFIXES
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
PDF_SUFFIXES = frozenset({".pdf"})
IMPORT_SUFFIXES: tuple[str, ...] = tuple(sorted(TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES))
