"""Parsing source texts into citable passages.

:func:`parse_text` recognises the kind of a document from its content (a UN
resolution, a web page, or a plain document) and returns a
:class:`~db.parse.model.ParsedDocument`. Nothing here knows the bundled files:
every rule works on the shapes of text, never on a particular seed's wording.
"""

from db.parse.detect import detect_kind, parse_text
from db.parse.model import Footnote, Markup, ParsedDocument, Passage

__all__ = ["Footnote", "Markup", "ParsedDocument", "Passage", "detect_kind", "parse_text"]

# Bump whenever a change to the parsers changes their output: stores built by an
# older parser are then stale and get rebuilt.
PARSER_VERSION = 3
