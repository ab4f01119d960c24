"""How a search hit was found and what a build is doing, said once for the CLI and the window.

A tiny module with no imports, so the window can label results without loading the search
engine (or numpy) before it shows.
"""

#: The hit's words matched the query (or the query cited it).
MATCH_WORDS = "words"
#: No word matched: the hit was found by meaning alone (:mod:`db.semantic`).
MATCH_MEANING = "meaning"
MATCH_KINDS = (MATCH_WORDS, MATCH_MEANING)
#: What the results say about a hit found by meaning alone.
MEANING_LABEL = "related by meaning"
#: The score of a passage the query cites ("OP 19"): it always comes first. Readable output
#: says "reference" instead of the number.
PINNED_SCORE = 1000.0
#: What readable results show instead of the score of a cited passage.
REFERENCE_LABEL = "reference"

#: What each step of a store build (:func:`db.build.build_store`'s ``progress``) is called.
BUILD_STEPS = {
    "parse": "Parsing documents",
    "record": "Writing the record",
    "index": "Indexing passages",
    "vectors": "Computing meaning vectors",
    "sentences": "Reading passages with the sentence model",
}
#: The build's last step (its end closes a progress line).
LAST_BUILD_STEP = "sentences"
