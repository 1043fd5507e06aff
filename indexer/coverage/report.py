"""docs/coverage.md and its map: what a person in each state can and cannot find (pure)."""

from __future__ import annotations

from html import escape
from typing import Final

from indexer.coverage.atlas import HEIGHT, WIDTH, state_paths
from indexer.coverage.counts import Coverage
from service.contract.vocabulary import COMMUNITIES, KINDS, LANGUAGES, NEEDS, US_STATES

# Shades for 0, 1, 2, 3, 4 and 5+ kinds of help in or serving a state (light to dark).
SHADES: Final = ("#f2f2f2", "#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
# Kinds a state "holds" on the map; helplines are national and would shade every state.
MAPPED_KINDS: Final = tuple(k for k in KINDS.ordered_codes() if k != "helpline")
_LABELS: Final = {t.code: t.en for v in (KINDS, NEEDS, COMMUNITIES, LANGUAGES) for t in v.terms}
# What was looked for and not found as redistributable data; kept here so the report says it.
NOT_FOUND: Final = (
    "Harm reduction (naloxone by mail, syringe service programmes) outside California: none "
    "yet. No national or state list with coordinates and a licence that allows redistribution "
    "was found in the public repositories searched (one personal copy of New York's ESAP "
    "pharmacy list, converted from the state's PDF, states no licence).",
    "Telehealth outside California: none yet. The only telehealth records are the California "
    "FindTreatment.gov extract's; no national telehealth list with an open licence was found.",
    "Naltrexone providers taken from Vivitrol.com (4,217 rows of the OEPS MOUD file) are left "
    "out: a manufacturer's site, published with no licence to republish.",
)


def _kinds_held(by_kind: dict[str, int]) -> int:
    return sum(1 for k in MAPPED_KINDS if by_kind.get(k))


def map_svg(coverage: Coverage) -> str:
    """The states shaded by how many kinds of help they hold, with a legend; no tiles."""
    rows = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT + 40}" '
        f'width="{WIDTH}" height="{HEIGHT + 40}" role="img" aria-labelledby="t">',
        '<title id="t">Kinds of help Pathways holds in or for each state</title>',
        '<g stroke="#ffffff" stroke-width="0.8">',
    ]
    for state, d in sorted(state_paths().items()):
        held = coverage.by_state.get(state, {})
        shade = SHADES[min(_kinds_held(held), len(SHADES) - 1)]
        kinds = ", ".join(f"{_LABELS[k].lower()} {n:,}" for k, n in held.items()) or "nothing"
        rows.append(f'<path d="{d}" fill="{shade}"><title>{state}: {escape(kinds)}</title></path>')
    rows.append("</g>")
    for i, shade in enumerate(SHADES):
        x = 20 + i * 120
        label = f"{i}+ kinds" if i == len(SHADES) - 1 else f"{i} kind{'s' if i != 1 else ''}"
        rows.append(
            f'<rect x="{x}" y="{HEIGHT + 10}" width="18" height="18" fill="{shade}" '
            f'stroke="#999999"/><text x="{x + 24}" y="{HEIGHT + 24}" font-size="14" '
            f'font-family="sans-serif">{label}</text>'
        )
    rows.append("</svg>")
    return "\n".join(rows) + "\n"


def _state_table(coverage: Coverage) -> list[str]:
    kinds = [k for k in KINDS.ordered_codes() if k != "helpline"]
    head = "| state | " + " | ".join(_LABELS[k].lower() for k in kinds) + " |"
    lines = [head, "|" + "---|" * (len(kinds) + 1)]
    for state in sorted(US_STATES):
        held = coverage.by_state.get(state, {})
        cells = [f"{held[k]:,}" if held.get(k) else "-" for k in kinds]
        lines.append(f"| {state} | " + " | ".join(cells) + " |")
    return lines


def _spread(
    title: str,
    vocabulary_codes: list[str],
    states: dict[str, list[str]],
    nationwide: frozenset[str] = frozenset(),
) -> list[str]:
    lines = [f"| {title} | states with any | states |", "|---|---|---|"]
    for code in vocabulary_codes:
        held = states.get(code, [])
        shown = ", ".join(held) if 0 < len(held) <= 12 else ("none" if not held else "")
        if code in nationwide:
            shown = f"{shown}; and nationwide" if shown != "none" else "nationwide only"
        lines.append(f"| {_LABELS[code]} (`{code}`) | {len(held)} | {shown} |")
    return lines


def _gaps(coverage: Coverage) -> list[str]:
    def without(kind: str) -> list[str]:
        return [s for s in sorted(US_STATES) if not coverage.by_state.get(s, {}).get(kind)]

    lines = []
    for kind in ("meeting", "telehealth", "housing", "outreach"):
        missing = without(kind)
        lines.append(f"- No {_LABELS[kind].lower()} in {len(missing)} of {len(US_STATES)}: "
                     f"{', '.join(missing)}.")  # fmt: skip
    for need in ("family_friends", "harm_reduction", "crisis"):
        held = coverage.need_states.get(need, [])
        which = f" ({', '.join(held)})" if 0 < len(held) <= 12 else ""
        plural = "" if len(held) == 1 else "s"
        national = " and national helplines" if need in coverage.nationwide_needs else ""
        lines.append(f"- {_LABELS[need]}: listings in {len(held)} state{plural}{which}{national}.")
    lines.extend(f"- {text}" for text in NOT_FOUND)
    return lines


def markdown(coverage: Coverage, *, map_name: str) -> str:
    """The whole report, Markdown, in a stable order (written by `pathways-indexer coverage`)."""
    national = ", ".join(
        f"{_LABELS[k].lower()} {n}" for k, n in sorted(coverage.nationwide.items())
    )
    out = [
        "# Coverage: what a person in each state can find",
        "",
        "Written by `pathways-indexer coverage` from `seed_data/` (the documents `index` would",
        f"publish: {coverage.listings:,} listings after duplicates are merged). A listing counts",
        "for a state when its address is there or when it serves the state remotely; the",
        f"national ones serve every state and are counted apart ({national or 'none'}).",
        "",
        f"![States shaded by how many kinds of help they hold]({map_name})",
        "",
        "Outlines: U.S. Census Bureau cartographic boundaries, 2017 (public domain), via",
        "us-atlas (`indexer/coverage/data/SOURCES.md`). Hover a state in the SVG for its counts.",
        "",
        "## Gaps",
        "",
        *_gaps(coverage),
        "",
        "## Listings by state and kind",
        "",
        *_state_table(coverage),
        "",
        "## Needs: in how many states",
        "",
        *_spread(
            "need",
            NEEDS.ordered_codes(),
            coverage.need_states,
            frozenset(coverage.nationwide_needs),
        ),
        "",
        "## Communities: in how many states",
        "",
        *_spread("community", COMMUNITIES.ordered_codes(), coverage.community_states),
        "",
        "## Languages",
        "",
        "| language | listings | states |",
        "|---|---|---|",
        *(f"| {_LABELS[c]} (`{c}`) | {n:,} | {s} |" for c, (n, s) in coverage.languages.items()),
        "",
        "## Sources and their age",
        "",
        "The oldest and newest date the records of each source carry (their own `updated`",
        "dates, else the date the list was taken).",
        "",
        "| source | listings | oldest | newest |",
        "|---|---|---|---|",
        *(
            f"| {escape(a.name)} (`{a.source}`) | {a.listings:,} | {a.oldest or '-'} | "
            f"{a.newest or '-'} |"
            for a in coverage.sources
        ),
        "",
    ]
    return "\n".join(out)
