"""Real UN layouts written by the tests: each as printed pages, as converted text, and as a PDF.

Every document is given once as :class:`~tests.helpers.documents.PdfPage` pages
(running header, body, footnotes at the foot, footer with page and job numbers,
barcode, "Please recycle"); :func:`~tests.helpers.documents.page_text` turns them
into the text a converter gives, :func:`~tests.helpers.documents.make_pdf` into a
real PDF. Beside each document: the passages it must give, exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.helpers.documents import PdfPage


@dataclass(frozen=True)
class Expected:
    """One passage a fixture must give."""

    local_id: str
    kind: str
    number: str | None
    citation: str
    text: str


GA_RESOLUTION = [
    PdfPage(
        header=[
            "United Nations\tA/RES/99/7",
            "General Assembly\tDistr.: General",
            "12 December 2044",
        ],
        body=[
            "Ninety-ninth session",
            "Agenda item 131 (b)",
            "Cooperation between the United Nations and regional and other organizations",
            "",
            "Resolution adopted by the General Assembly on 5 December 2044",
            "",
            "[without reference to a Main Committee (A/99/L.7)]",
            "",
            "99/7. Cooperation between the United Nations and the International Criminal",
            "Police Organization (INTERPOL)",
            "",
            "The General Assembly,",
            "",
            "Recalling its resolution 77/20 of 21 November 2022 on cooperation between the",
            "United Nations and the International Criminal Police Organization,{1}",
            "",
            "Welcoming the growing cooperation of the United Nations with regional and inter-",
            "national organizations against the smuggling of migrants and trafficking in persons,",
            "",
            "Noting the work of the United Nations Office on Drugs and Crime on wildlife and",
            "forest crime,",
            "",
            "1. Calls for the strengthening of cooperation between the United Nations and",
            "INTERPOL in preventing and countering terrorism, in particular through counter-",
            "terrorism capacity-building within their respective mandates;",
            "",
            "2. Requests the Secretary-General to report on the implementation of the present",
            "resolution at its one hundred and first session;",
            "",
            "3. Encourages Member States to make use of INTERPOL databases;",
            "",
            "4. Emphasizes the importance of optimal cooperation between the United Nations",
            "and INTERPOL in the fight against transnational organized crime, corruption and",
        ],
        footnotes=["1 Resolution 77/20."],
        footer=["44-12345 (E)\t191244", "*4412345*", "Please recycle"],
    ),
    PdfPage(
        header=["A/RES/99/7\t2/2"],
        body=[
            "the illicit trafficking of cultural property;",
            "",
            "5. Encourages increased cooperation between the United Nations and INTERPOL to",
            "assist Member States in using the following resources:",
            "(a) The INTERPOL I-24/7 global police communications system;",
            "(b) INTERPOL notices and diffusions;",
            "",
            "6. Decides to include the sub-item in the provisional agenda of its one hundred",
            "and first session.",
            "",
            "32nd plenary meeting",
            "5 December 2044",
        ],
        footer=["44-12345"],
    ),
]

_GA = "A/RES/99/7"
GA_PASSAGES = [
    Expected(
        "pp1",
        "preambular",
        "1",
        f"{_GA}, preambular para. 1",
        "Recalling its resolution 77/20 of 21 November 2022 on cooperation between the "
        "United Nations and the International Criminal Police Organization,",
    ),
    Expected(
        "pp2",
        "preambular",
        "2",
        f"{_GA}, preambular para. 2",
        "Welcoming the growing cooperation of the United Nations with regional and "
        "international organizations against the smuggling of migrants and trafficking in "
        "persons,",
    ),
    Expected(
        "pp3",
        "preambular",
        "3",
        f"{_GA}, preambular para. 3",
        "Noting the work of the United Nations Office on Drugs and Crime on wildlife and "
        "forest crime,",
    ),
    Expected(
        "op1",
        "operative",
        "1",
        f"{_GA}, para. 1",
        "Calls for the strengthening of cooperation between the United Nations and INTERPOL "
        "in preventing and countering terrorism, in particular through counter-terrorism "
        "capacity-building within their respective mandates;",
    ),
    Expected(
        "op2",
        "operative",
        "2",
        f"{_GA}, para. 2",
        "Requests the Secretary-General to report on the implementation of the present "
        "resolution at its one hundred and first session;",
    ),
    Expected(
        "op3",
        "operative",
        "3",
        f"{_GA}, para. 3",
        "Encourages Member States to make use of INTERPOL databases;",
    ),
    Expected(
        "op4",
        "operative",
        "4",
        f"{_GA}, para. 4",
        "Emphasizes the importance of optimal cooperation between the United Nations and "
        "INTERPOL in the fight against transnational organized crime, corruption and the "
        "illicit trafficking of cultural property;",
    ),
    Expected(
        "op5",
        "operative",
        "5",
        f"{_GA}, para. 5",
        "Encourages increased cooperation between the United Nations and INTERPOL to assist "
        "Member States in using the following resources:",
    ),
    Expected(
        "op5a",
        "subparagraph",
        "5(a)",
        f"{_GA}, para. 5(a)",
        "The INTERPOL I-24/7 global police communications system;",
    ),
    Expected(
        "op5b",
        "subparagraph",
        "5(b)",
        f"{_GA}, para. 5(b)",
        "INTERPOL notices and diffusions;",
    ),
    Expected(
        "op6",
        "operative",
        "6",
        f"{_GA}, para. 6",
        "Decides to include the sub-item in the provisional agenda of its one hundred and "
        "first session.",
    ),
    Expected("fn1", "footnote", "1", f"{_GA}, footnote 1", "Resolution 77/20."),
]
GA_META = {
    "symbol": "A/RES/99/7",
    "issuing_body": "General Assembly",
    "session": 99,
    "agenda_item": "131 (b)",
    "agenda_title": "Cooperation between the United Nations and regional and other organizations",
    "date": "2044-12-05",
    "distribution_date": "2044-12-12",
    "draft_symbol": "A/99/L.7",
    "plenary_meeting": "32nd plenary meeting",
}
GA_TITLE = (
    "Cooperation between the United Nations and the International Criminal Police "
    "Organization (INTERPOL)"
)


SC_RESOLUTION = [
    PdfPage(
        header=["United Nations\tS/RES/2178 (2014)", "Security Council\tDistr.: General"],
        body=[
            "24 September 2014",
            "",
            "Resolution 2178 (2014)",
            "",
            "Adopted by the Security Council at its 7272nd meeting, on 24 September 2014",
            "",
            "The Security Council,",
            "",
            "Reaffirming that terrorism in all forms and manifestations constitutes one of the",
            "most serious threats to international peace and security,",
            "",
            "Expressing grave concern over the acute and growing threat posed by foreign",
            "terrorist fighters,",
            "",
            "1. Condemns the violent extremism which can be conducive to terrorism;",
            "",
            "2. Reaffirms that all States shall prevent the movement of terrorists or terrorist",
            "groups by effective border controls;",
            "",
            "3. Calls upon Member States to require that airlines operating in their territories",
            "provide advance passenger information to the appropriate national authori-",
        ],
        footer=["14-61606 (E)\t250914", "*1461606*", "Please recycle"],
    ),
    PdfPage(
        header=["S/RES/2178 (2014)"],
        body=[
            "ties in order to detect the departure of individuals designated by the Committee;",
            "",
            "4. Encourages Member States to employ evidence-based traveller risk assessment;",
            "",
            "5. Decides that Member States shall prevent and suppress:",
            "(a) the recruiting, organizing, transporting or equipping of foreign terrorist",
            "fighters;",
            "(b) the financing of their travel and of their activities;",
            "",
            "6. Encourages INTERPOL to intensify its efforts with respect to the foreign",
            "terrorist fighter phenomenon;",
            "",
            "7. Decides to remain seized of the matter.",
        ],
        footer=["2/2\t14-61606"],
    ),
]

_SC = "S/RES/2178 (2014)"
SC_PASSAGES = [
    Expected(
        "pp1",
        "preambular",
        "1",
        f"{_SC}, preambular para. 1",
        "Reaffirming that terrorism in all forms and manifestations constitutes one of the "
        "most serious threats to international peace and security,",
    ),
    Expected(
        "pp2",
        "preambular",
        "2",
        f"{_SC}, preambular para. 2",
        "Expressing grave concern over the acute and growing threat posed by foreign "
        "terrorist fighters,",
    ),
    Expected(
        "op1",
        "operative",
        "1",
        f"{_SC}, para. 1",
        "Condemns the violent extremism which can be conducive to terrorism;",
    ),
    Expected(
        "op2",
        "operative",
        "2",
        f"{_SC}, para. 2",
        "Reaffirms that all States shall prevent the movement of terrorists or terrorist "
        "groups by effective border controls;",
    ),
    Expected(
        "op3",
        "operative",
        "3",
        f"{_SC}, para. 3",
        "Calls upon Member States to require that airlines operating in their territories "
        "provide advance passenger information to the appropriate national authorities in "
        "order to detect the departure of individuals designated by the Committee;",
    ),
    Expected(
        "op4",
        "operative",
        "4",
        f"{_SC}, para. 4",
        "Encourages Member States to employ evidence-based traveller risk assessment;",
    ),
    Expected(
        "op5",
        "operative",
        "5",
        f"{_SC}, para. 5",
        "Decides that Member States shall prevent and suppress:",
    ),
    Expected(
        "op5a",
        "subparagraph",
        "5(a)",
        f"{_SC}, para. 5(a)",
        "the recruiting, organizing, transporting or equipping of foreign terrorist fighters;",
    ),
    Expected(
        "op5b",
        "subparagraph",
        "5(b)",
        f"{_SC}, para. 5(b)",
        "the financing of their travel and of their activities;",
    ),
    Expected(
        "op6",
        "operative",
        "6",
        f"{_SC}, para. 6",
        "Encourages INTERPOL to intensify its efforts with respect to the foreign terrorist "
        "fighter phenomenon;",
    ),
    Expected(
        "op7",
        "operative",
        "7",
        f"{_SC}, para. 7",
        "Decides to remain seized of the matter.",
    ),
]
SC_META = {
    "symbol": "S/RES/2178 (2014)",
    "resolution_number": "2178 (2014)",
    "issuing_body": "Security Council",
    "date": "2014-09-24",
    "distribution_date": "2014-09-24",
    "meeting": "7272nd meeting",
}
SC_TITLE = "Security Council resolution 2178 (2014)"


REPORT = [
    PdfPage(
        header=[
            "United Nations\tA/77/150",
            "General Assembly\tDistr.: General",
            "15 July 2022",
            "Original: English",
        ],
        body=[
            "Seventy-seventh session",
            "Item 71 (b) of the preliminary list*",
            "Cooperation between the United Nations and regional and other organizations",
            "",
            "Cooperation between the United Nations and the International Criminal Police",
            "Organization (INTERPOL)",
            "",
            "Report of the Secretary-General",
            "",
            "Summary",
            "The present report is submitted pursuant to General Assembly resolution 75/10. It",
            "describes the cooperation between the United Nations and INTERPOL since 2020.",
        ],
        footnotes=["* A/77/50."],
        footer=["22-11111 (E)\t010822", "*2211111*", "Please recycle"],
    ),
    PdfPage(
        header=["A/77/150"],
        body=[
            "I. Introduction",
            "",
            "1. The present report is submitted pursuant to resolution 75/10, in which the",
            "General Assembly requested the Secretary-General to report on its implementation.",
            "",
            "2. The report draws on contributions from the entities of the United Nations.",
            "",
            "II. Cooperation between the United Nations and INTERPOL",
            "",
            "A. Counter-terrorism",
            "",
            "3. The Office of Counter-Terrorism and INTERPOL continued their joint programme",
            "on the border security of Member States.{1}",
            "",
            "4. Under that programme, INTERPOL:",
            "(a) Trained border officers of 42 Member States;",
            "(b) Deployed its mobile databases at 18 border crossings.",
            "",
            "B. Peace operations",
            "",
            "5. The Police Division and INTERPOL supported the national police of host coun-",
            "tries in building capacity against serious and organized crime.",
        ],
        footnotes=["1 See S/2022/123."],
        footer=["2/3\t22-11111"],
    ),
    PdfPage(
        header=["Cooperation between the United Nations and INTERPOL\tA/77/150"],
        body=[
            "6. The Department of Peace Operations seconded two officers to INTERPOL.",
            "",
            "7. Joint training reached police officers in six peace operations.",
            "",
            "C. Drugs and crime",
            "",
            "8. The United Nations Office on Drugs and Crime and INTERPOL worked together on",
            "wildlife crime.",
            "",
            "9. They held two joint operations against the trafficking of firearms.",
            "",
            "10. Both organizations shared analysis on migrant smuggling routes.",
            "",
            "III. Conclusions and recommendations",
            "",
            "11. The cooperation has grown in scope since the previous report.",
            "",
            "12. The Secretary-General recommends that Member States make full use of INTERPOL",
            "databases at their borders.",
            "",
            "Annex",
            "",
            "Participating entities",
            "",
            "1. The following entities contributed to the present report: the Office of",
            "Counter-Terrorism, the Department of Peace Operations and UNODC.",
        ],
        footer=["22-11111\t3/3"],
    ),
]

_R = "A/77/150"
REPORT_PASSAGES = [
    Expected(
        "summary.p1",
        "paragraph",
        None,
        f"{_R}, summary",
        "The present report is submitted pursuant to General Assembly resolution 75/10. It "
        "describes the cooperation between the United Nations and INTERPOL since 2020.",
    ),
    Expected(
        "p1",
        "paragraph",
        "1",
        f"{_R}, para. 1",
        "The present report is submitted pursuant to resolution 75/10, in which the General "
        "Assembly requested the Secretary-General to report on its implementation.",
    ),
    Expected(
        "p2",
        "paragraph",
        "2",
        f"{_R}, para. 2",
        "The report draws on contributions from the entities of the United Nations.",
    ),
    Expected(
        "p3",
        "paragraph",
        "3",
        f"{_R}, para. 3",
        "The Office of Counter-Terrorism and INTERPOL continued their joint programme on the "
        "border security of Member States.",
    ),
    Expected("p4", "paragraph", "4", f"{_R}, para. 4", "Under that programme, INTERPOL:"),
    Expected(
        "p4a",
        "subparagraph",
        "4(a)",
        f"{_R}, para. 4(a)",
        "Trained border officers of 42 Member States;",
    ),
    Expected(
        "p4b",
        "subparagraph",
        "4(b)",
        f"{_R}, para. 4(b)",
        "Deployed its mobile databases at 18 border crossings.",
    ),
    Expected(
        "p5",
        "paragraph",
        "5",
        f"{_R}, para. 5",
        "The Police Division and INTERPOL supported the national police of host countries "
        "in building capacity against serious and organized crime.",
    ),
    Expected(
        "p6",
        "paragraph",
        "6",
        f"{_R}, para. 6",
        "The Department of Peace Operations seconded two officers to INTERPOL.",
    ),
    Expected(
        "p7",
        "paragraph",
        "7",
        f"{_R}, para. 7",
        "Joint training reached police officers in six peace operations.",
    ),
    Expected(
        "p8",
        "paragraph",
        "8",
        f"{_R}, para. 8",
        "The United Nations Office on Drugs and Crime and INTERPOL worked together on "
        "wildlife crime.",
    ),
    Expected(
        "p9",
        "paragraph",
        "9",
        f"{_R}, para. 9",
        "They held two joint operations against the trafficking of firearms.",
    ),
    Expected(
        "p10",
        "paragraph",
        "10",
        f"{_R}, para. 10",
        "Both organizations shared analysis on migrant smuggling routes.",
    ),
    Expected(
        "p11",
        "paragraph",
        "11",
        f"{_R}, para. 11",
        "The cooperation has grown in scope since the previous report.",
    ),
    Expected(
        "p12",
        "paragraph",
        "12",
        f"{_R}, para. 12",
        "The Secretary-General recommends that Member States make full use of INTERPOL "
        "databases at their borders.",
    ),
    Expected(
        "annex.p1",
        "paragraph",
        "1",
        f"{_R}, annex, para. 1",
        "The following entities contributed to the present report: the Office of "
        "Counter-Terrorism, the Department of Peace Operations and UNODC.",
    ),
    Expected("fn1", "footnote", "1", f"{_R}, footnote 1", "See S/2022/123."),
]
REPORT_META = {
    "symbol": "A/77/150",
    "issuing_body": "Secretary-General",
    "session": 77,
    "agenda_item": "71 (b)",
    "date": "2022-07-15",
    "distribution_date": "2022-07-15",
    "starred_notes": ["A/77/50."],
}
REPORT_TITLE = (
    "Cooperation between the United Nations and the International Criminal Police "
    "Organization (INTERPOL)"
)
#: The headings of the report, with their levels, in order.
REPORT_HEADINGS = [
    ("Summary", 1),
    ("I. Introduction", 1),
    ("II. Cooperation between the United Nations and INTERPOL", 1),
    ("A. Counter-terrorism", 2),
    ("B. Peace operations", 2),
    ("C. Drugs and crime", 2),
    ("III. Conclusions and recommendations", 1),
    ("Annex", 1),
    ("Participating entities", 2),
]


GA_DECISION = """General Assembly
Ninety-ninth session
Agenda item 131

Decision adopted by the General Assembly on 20 December 2044

[on the report of the Sixth Committee (A/99/601)]

99/512. Cooperation between the United Nations and the International Criminal
Police Organization

At its 50th plenary meeting, on 20 December 2044, the General Assembly, on the
recommendation of the Sixth Committee, decided:
(a) To take note of the report of the Secretary-General;
(b) To include the item in the provisional agenda of its one hundred and first session.
"""
_D = "A/DEC/99/512"
DECISION_PASSAGES = [
    Expected(
        "x1",
        "paragraph",
        None,
        _D,
        "At its 50th plenary meeting, on 20 December 2044, the General Assembly, on the "
        "recommendation of the Sixth Committee, decided:",
    ),
    Expected(
        "suba",
        "subparagraph",
        "(a)",
        f"{_D}, subpara. (a)",
        "To take note of the report of the Secretary-General;",
    ),
    Expected(
        "subb",
        "subparagraph",
        "(b)",
        f"{_D}, subpara. (b)",
        "To include the item in the provisional agenda of its one hundred and first session.",
    ),
]
DECISION_TITLE = (
    "Cooperation between the United Nations and the International Criminal Police Organization"
)
DECISION_META = {
    "symbol": "A/DEC/99/512",
    "decision_number": "99/512",
    "issuing_body": "General Assembly",
    "session": 99,
    "agenda_item": "131",
    "date": "2044-12-20",
    "plenary_meeting": "50th plenary meeting",
}


NOTE = """# Briefing note: INTERPOL at the Sixth Committee

Prepared for the liaison office on 3 March 2045.

## Background

The Sixth Committee considers the item every two years.

## Points to make

- INTERPOL supports the draft resolution;
- Its databases serve 196 member countries.
"""
NOTE_TITLE = "Briefing note: INTERPOL at the Sixth Committee"
NOTE_PASSAGES = [
    ("s0.p1", "paragraph", "Prepared for the liaison office on 3 March 2045."),
    ("s1.p1", "paragraph", "The Sixth Committee considers the item every two years."),
    ("s2.i1", "list_item", "INTERPOL supports the draft resolution;"),
    ("s2.i2", "list_item", "Its databases serve 196 member countries."),
]

PLAIN_DOCUMENT = """Meeting with UNODC on wildlife crime
The delegation discussed joint operations against the trafficking of protected species.
Both sides agreed to meet again before the Commission's next session.
"""
