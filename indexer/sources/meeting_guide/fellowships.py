"""What a fellowship's meetings share, and the type codes each fellowship reads its own way.

A Meeting Guide feed belongs to one fellowship (`fellowship` in the sources file). The
spec's `types.json` is AA's list; other fellowships reuse some codes with other meanings:
in an Al-Anon feed `POA` is "Parents of Alcoholics", not "Proof of Attendance", and `Y` is
Alateen. The overrides below are the 12 Step Meeting List plugin's per-program lists
(code4recovery/12-step-meeting-list `includes/variables.php`, `$tsml_programs`, commit
58ae0c0c8b07, GPL-2.0: only the codes and their English names are used). A code a
fellowship does not override keeps the spec's meaning.
"""

from __future__ import annotations

from typing import Final

from indexer.sources.meeting_guide.types import TypeCode

# Fellowship -> (needs, organization) shared by all of a feed's meetings. Family groups
# (Al-Anon, Alateen, Nar-Anon, ACA) are for the people around someone's drinking or use.
FELLOWSHIPS: Final[dict[str, tuple[tuple[str, ...], str | None]]] = {
    "AA": (("alcohol", "peer_support"), "Alcoholics Anonymous"),
    "NA": (("drugs", "peer_support"), "Narcotics Anonymous"),
    "Al-Anon": (("family_friends", "peer_support"), "Al-Anon Family Groups"),
    "Nar-Anon": (("family_friends", "peer_support"), "Nar-Anon Family Groups"),
    "ACA": (("family_friends", "peer_support"), "Adult Children of Alcoholics"),
    "EDA": (("eating_disorder", "peer_support"), "Eating Disorders Anonymous"),
}
ANY_FELLOWSHIP: Final[tuple[tuple[str, ...], str | None]] = (("peer_support",), None)


def _fmt(name: str) -> TypeCode:
    return TypeCode(name=name, field="format", tag=True)


def _comm(name: str, *values: str) -> TypeCode:
    return TypeCode(name=name, field="communities", values=values, tag=True)


_AL_ANON: Final[dict[str, TypeCode]] = {
    "AA": _fmt("Concurrent with AA Meeting"),
    "AC": _fmt("Adult Child Focus"),
    "POA": _comm("Parents of Alcoholics", "parents"),
    "Y": _comm("Alateen", "young_people"),
    "YA": _comm("Young Adults", "young_people"),
}

_EDA: Final[dict[str, TypeCode]] = {
    "BEG": TypeCode(name="Beginners", field="communities", values=("newcomers",)),
    "CC": _fmt("Chair's Choice"),
    "RF": _fmt("Rotating Format"),
    "TO": _fmt("Topic/Discussion"),
    "WR": _fmt("Writing"),
}

_NA: Final[dict[str, TypeCode]] = {
    "BEG": TypeCode(name="Beginner/Newcomer", field="communities", values=("newcomers",)),
    "BT": _fmt("Basic Text"),
    "CPT": _fmt("12 Concepts"),
    "CW": TypeCode(name="Children Welcome", field="accessibility", values=("child_friendly",)),
    "DISC": _fmt("Discussion/Participation"),
    "GL": _comm("Gay/Lesbian", "lgbtq"),
    "IP": _fmt("IP Study"),
    "IW": _fmt("It Works Study"),
    "JFT": _fmt("Just For Today Study"),
    "LC": _fmt("Living Clean"),
    "LIT": _fmt("Literature Study"),
    "NS": _fmt("Non-Smoking"),
    "QA": _fmt("Questions & Answers"),
    "RA": _fmt("Restricted Access"),
    "SMOK": _fmt("Smoking"),
    "SPAD": _fmt("Spiritual Principle a Day"),
    "SPK": _fmt("Speaker"),
    "STEP": _fmt("Step"),
    "SWG": _fmt("Step Working Guide Study"),
    "TOP": _fmt("Topic"),
    "TRAD": _fmt("Tradition"),
    "VAR": _fmt("Format Varies"),
}

# Fellowship (as `fellowship` names it in the sources file) -> its codes that differ.
FELLOWSHIP_CODES: Final[dict[str, dict[str, TypeCode]]] = {
    "Al-Anon": _AL_ANON,
    "EDA": _EDA,
    "NA": _NA,
}


def fellowship_of(name: str | None) -> tuple[tuple[str, ...], str | None]:
    """The needs and organization every meeting of a fellowship's feed shares."""
    return FELLOWSHIPS.get(name or "", ANY_FELLOWSHIP)
