"""Parsing source texts into citable passages.

:func:`parse_text` recognises the kind of a document from its content (a UN
resolution of the General Assembly or the Security Council, a decision, a report
or another document of numbered paragraphs, a captured web page, a Markdown
note, or a plain document) and returns a
:class:`~db.parse.model.ParsedDocument`. Nothing here knows the bundled files:
every rule works on the shapes of text, never on a particular seed's wording.
"""

from db.parse.detect import detect_kind, parse_text
from db.parse.model import Footnote, Markup, ParsedDocument, Passage
from db.versions import PARSER_VERSION  # defined apart: checking a store never parses

__all__ = [
    "PARSER_VERSION",
    "Footnote",
    "Markup",
    "ParsedDocument",
    "Passage",
    "detect_kind",
    "parse_text",
]
