"""General Assembly resolutions written by the tests: realistic, varied, each findable.

:func:`ga_resolution` writes the text of a resolution as a converter gives it: the
header (distribution, session, agenda item, adoption line, draft symbol), the title
line (``80/17. …``), preambular paragraphs opening with their participle, numbered
operative paragraphs with their italic verb, lettered sub-paragraphs on lines of
their own, and the closing lines (plenary meeting and date). Lengths vary with the
seed. Each resolution carries one word of its own (:func:`marker`) in its first
operative paragraph, so a search can tell whether it is in a library.
"""

from __future__ import annotations

import random
from pathlib import Path

_SESSIONS = {
    79: "Seventy-ninth",
    80: "Eightieth",
    81: "Eighty-first",
    82: "Eighty-second",
    83: "Eighty-third",
}
_MONTHS = ("September", "October", "November", "December")
_SUBJECTS = (
    "the International Criminal Police Organization (INTERPOL)",
    "the United Nations Office on Drugs and Crime",
    "regional and subregional organizations",
    "the Counter-Terrorism Committee Executive Directorate",
    "the World Customs Organization",
    "the International Maritime Organization",
    "the United Nations Interregional Crime and Justice Research Institute",
)
_THEMES = (
    "maritime piracy and armed robbery at sea",
    "trafficking in persons and the smuggling of migrants",
    "illicit trafficking in small arms and light weapons",
    "cybercrime and the criminal misuse of information technologies",
    "money-laundering and the financing of terrorism",
    "wildlife and forest crime",
    "trafficking in cultural property",
    "corruption and the recovery of stolen assets",
    "the protection of critical infrastructure",
    "environmental crime and illegal fishing",
    "the identification of foreign terrorist fighters",
    "the exchange of biometric data at borders",
)
_PREAMBLE_OPENINGS = (
    "Recalling",
    "Recalling also",
    "Reaffirming",
    "Welcoming",
    "Noting with appreciation",
    "Acknowledging",
    "Stressing",
    "Recognizing",
    "Emphasizing",
    "Concerned about",
    "Bearing in mind",
    "Taking note of",
)
_OPERATIVE_VERBS = (
    "Encourages",
    "Requests",
    "Calls upon",
    "Invites",
    "Urges",
    "Welcomes",
    "Decides",
    "Stresses",
    "Recommends",
    "Underlines",
)
_CLAUSES = (
    "the importance of cooperation between the United Nations and {subject} in addressing {theme}",
    "the work of the United Nations Office on Drugs and Crime and INTERPOL on {theme}",
    "the need for Member States to share accurate and timely information on {theme}",
    "the role of national central bureaux in assisting law enforcement agencies against {theme}",
    "capacity-building and technical assistance to developing countries on {theme}",
    "the use of INTERPOL databases and notices by border authorities to counter {theme}",
    "the contribution of the Security Council and its sanctions committees to efforts on {theme}",
    "the resources available through the I-24/7 global police communications system for {theme}",
    "the protection of human rights and the rule of law in all measures taken against {theme}",
    "joint training of police, customs and judicial officials on {theme}",
)
_SUBPARAGRAPHS = (
    "Strengthening the exchange of police information between Member States",
    "Supporting the work of regional police organizations in {region}",
    "Developing joint operations against {theme}",
    "Making use of forensic databases, including fingerprints and DNA profiles",
    "Training national law enforcement officials in {region}",
    "Improving the collection of data on {theme}",
    "Sharing good practices among Member States and relevant organizations",
)
_REGIONS = ("Africa", "Central Asia", "the Caribbean", "the Pacific", "South-East Asia", "Europe")


def marker(n: int) -> str:
    """Return the word resolution ``n`` has alone (letters only, so one token everywhere)."""
    letters = "bcdfghjklmnprstvz"
    word, n = "", n + 1
    while n:
        n, r = divmod(n, len(letters))
        word += letters[r]
    return f"qu{word}ix"


def symbol(n: int) -> str:
    """Return the symbol of resolution ``n`` (``A/RES/80/17``)."""
    session = 79 + n % len(_SESSIONS)
    return f"A/RES/{session}/{100 + n}"


def ga_resolution(n: int, *, seed: int = 0) -> str:
    """Return the text of generated resolution ``n`` (its length varies with ``n`` and seed).

    Args:
        n: The resolution's number; it sets the symbol and the marker word.
        seed: Varies the wording and lengths for the same ``n``.
    """
    rng = random.Random(n * 7919 + seed)
    session = 79 + n % len(_SESSIONS)
    number = 100 + n
    year = 1945 + session
    month = rng.choice(_MONTHS)
    day = rng.randint(1, 28)
    subject = rng.choice(_SUBJECTS)
    theme = rng.choice(_THEMES)
    title = f"Cooperation between the United Nations and {subject} on {theme}"
    fill = {"subject": subject, "theme": theme}

    def clause() -> str:
        return rng.choice(_CLAUSES).format(**{**fill, "theme": rng.choice(_THEMES)})

    lines = [
        "General Assembly",
        "",
        "Distr.: General",
        f"{day + 2 if day < 27 else day} {month} {year}",
        "",
        f"{_SESSIONS[session]} session",
        "",
        f"Agenda item {rng.randint(20, 140)} ({rng.choice('abcdefghy')})",
        "",
        f"Resolution adopted by the General Assembly on {day} {month} {year}",
        "",
        f"[without reference to a Main Committee (A/{session}/L.{rng.randint(2, 90)})]",
        "",
        f"{session}/{number}. {title}",
        "",
        "The General Assembly,",
        "",
    ]
    for opening in rng.sample(_PREAMBLE_OPENINGS, rng.randint(3, 9)):
        extra = f", and {clause()}" if rng.random() < 0.5 else ""
        lines += [f"{opening} {clause()}{extra},", ""]
    n_operative = rng.randint(4, 16)
    verbs = [rng.choice(_OPERATIVE_VERBS) for _ in range(n_operative)]
    for i, verb in enumerate(verbs, start=1):
        body = clause()
        if i == 1:
            body += f", including the {marker(n)} programme"
        if rng.random() < 0.25 and i < n_operative:
            lead = f" in the {marker(n)} programme" if i == 1 else ""
            lines += [
                f"{i}. *{verb}* Member States and {subject} to pursue{lead}, inter alia:",
                "",
            ]
            subs = rng.sample(_SUBPARAGRAPHS, rng.randint(2, 4))
            for j, sub in enumerate(subs):
                text = sub.format(region=rng.choice(_REGIONS), theme=rng.choice(_THEMES))
                end = "." if i == n_operative else ";"
                end = ";" if j < len(subs) - 1 else end
                lines += [f"({'abcd'[j]}) {text}{end}", ""]
        else:
            end = "." if i == n_operative else ";"
            lines += [f"{i}. *{verb}* {body}{end}", ""]
    lines += [f"{rng.randint(20, 70)}th plenary meeting", f"{day} {month} {year}", ""]
    return "\n".join(lines)


def write_resolutions(folder: Path, numbers: range | list[int], *, seed: int = 0) -> list[Path]:
    """Write resolutions as ``res-00017.txt`` files in ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n in numbers:
        path = folder / f"res-{n:05d}.txt"
        path.write_text(ga_resolution(n, seed=seed), encoding="utf-8")
        out.append(path)
    return out
