"""The parsers' output version: light enough for the read side to check a store against.

A store records the code versions it was built with (:func:`db.freshness.resources_fingerprint`);
checking whether it is fresh must not import the parsers themselves, which only building needs.
"""

# Bump whenever a change to the parsers changes their output: stores built by an
# older parser are then stale and get rebuilt.
PARSER_VERSION = 5
