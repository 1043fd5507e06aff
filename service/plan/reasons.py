"""Why each pick was chosen, in words ("Spanish · Tue 19:00 · 1.2 km · Wheelchair accessible"),
and what a section relaxed ("Nothing in person within 10 km fits every answer: online ones
instead"), in English and Spanish.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from service.contract.documents import SearchHit
from service.contract.vocabulary import (
    ACCESSIBILITY,
    COMMUNITIES,
    COSTS,
    LANGUAGES,
    NEEDS,
    Vocabulary,
)
from service.plan.answers import PAYMENTS, TIMES, PlanAnswers
from service.plan.wanted import Wanted, is_remote
from service.plan.words import Lang, Words

SEPARATOR: Final = " · "
DAY_NAMES: Final[dict[Lang, tuple[str, ...]]] = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom"),
}
MAX_NEEDS_SHOWN: Final = 2


def label(vocabulary: Vocabulary, code: str, lang: Lang) -> str:
    """A code's label in `lang` (the code itself if the vocabulary lacks it)."""
    for term in vocabulary.terms:
        if term.code == code:
            return term.en if lang == "en" else term.es
    return code


def _labels(vocabulary: Vocabulary, codes: Sequence[str], lang: Lang) -> str:
    return ", ".join(label(vocabulary, code, lang) for code in codes)


def km_text(distance_km: float, lang: Lang) -> str:
    """A distance as people read it: one decimal under 10 km, a comma decimal in Spanish."""
    shown = f"{distance_km:.1f}" if distance_km < 10 else f"{distance_km:.0f}"
    return f"{shown.replace('.', ',') if lang == 'es' else shown} km"


def start_text(occurrence: str, lang: Lang) -> str:
    """`Tue 19:00` from an ISO 8601 instant, in the instant's own offset."""
    when = datetime.fromisoformat(occurrence)
    return f"{DAY_NAMES[lang][when.weekday()]} {when:%H:%M}"


def _cost_text(code: str, lang: Lang) -> str:
    if code in {"free", "donation", "sliding_scale", "payment_assistance"}:
        return label(COSTS, code, lang)
    return f"{'takes' if lang == 'en' else 'acepta'} {label(COSTS, code, lang)}"


def reasons(hit: SearchHit, wanted: Wanted, lang: Lang) -> list[str]:
    """The facts that made a hit fit, the answers it honours first."""
    parts: list[str] = []
    parts += [label(LANGUAGES, c, lang) for c in wanted.languages if c in hit.languages]
    occurrence = hit.next_occurrence_viewer or hit.next_occurrence
    if hit.kind == "meeting" and occurrence is not None:
        parts.append(start_text(occurrence, lang))
    elif hit.kind != "meeting" and hit.open_now:
        parts.append("open now" if lang == "en" else "abierto ahora")
    if is_remote(hit):
        modes = [m for m in ("online", "phone") if m in hit.attendance]
        parts.append(
            " / ".join(
                ("online" if m == "online" else "by phone")
                if lang == "en"
                else ("en línea" if m == "online" else "por teléfono")
                for m in modes
            )
        )
    elif "hybrid" in hit.attendance:
        parts.append("in person or online" if lang == "en" else "en persona o en línea")
    if hit.distance_km is not None:
        parts.append(km_text(hit.distance_km, lang))
    parts += [label(ACCESSIBILITY, c, lang) for c in wanted.accessibility if c in hit.accessibility]
    communities = (*wanted.group_communities, *wanted.communities)
    parts += [label(COMMUNITIES, c, lang) for c in communities if c in hit.communities]
    parts += [_cost_text(c, lang) for c in wanted.costs if c in hit.costs]
    if hit.kind != "meeting":
        needs = [c for c in wanted.needs if c in hit.needs][:MAX_NEEDS_SHOWN]
        parts += [label(NEEDS, c, lang) for c in needs]
    return parts


def reason_words(hit: SearchHit, wanted: Wanted) -> Words:
    """`reasons` joined, in both languages."""
    return Words(
        en=SEPARATOR.join(reasons(hit, wanted, "en")), es=SEPARATOR.join(reasons(hit, wanted, "es"))
    )


def _times(answers: PlanAnswers, lang: Lang) -> str:
    return _labels(TIMES, answers.time, lang).lower() if answers.time else ""


def relaxed_note(step: str, wanted: Wanted, answers: PlanAnswers) -> Words:
    """What one relaxation gave up, and what the section offers instead."""
    radius = wanted.radius_km
    r_en = f" within {km_text(radius, 'en')}" if radius else ""
    r_es = f" a menos de {km_text(radius, 'es')}" if radius else ""
    if step == "online":
        return Words(
            en=f"Nothing in person{r_en} fits every answer: online ones instead",
            es=f"Nada en persona{r_es} cumple todas sus respuestas: en su lugar, en línea",
        )
    if step == "farther":
        return Words(
            en=f"Nothing{r_en} fits every answer: these are farther away",
            es=f"Nada{r_es} cumple todas sus respuestas: estas opciones están más lejos",
        )
    if step == "anywhere":
        return Words(
            en="No telehealth service lists your state: these serve other states, "
            "so ask whether they can see you",
            es="Ningún servicio de telesalud indica su estado: estos atienden otros estados; "
            "pregunte si pueden atenderle",
        )
    if step == "support":
        return Words(
            en=f"No {_labels(COMMUNITIES, wanted.group_communities, 'en').lower()} group fits: "
            "other peer groups instead",
            es=f"Ningún grupo {_labels(COMMUNITIES, wanted.group_communities, 'es').lower()} "
            "encaja: en su lugar, otros grupos de pares",
        )
    if step == "any_time":
        return Words(
            en=f"Nothing at the times you gave ({_times(answers, 'en') or 'those days'}): "
            "these are at other times",
            es=f"Nada en los horarios que indicó ({_times(answers, 'es') or 'esos días'}): "
            "estas son en otros horarios",
        )
    if step == "community":
        return Words(
            en=f"No group for {_labels(COMMUNITIES, wanted.communities, 'en')} fits: "
            "these are open to everyone",
            es=f"Ningún grupo para {_labels(COMMUNITIES, wanted.communities, 'es')} encaja: "
            "estos están abiertos a todos",
        )
    if step == "accessibility":
        return Words(
            en=f"None lists {_labels(ACCESSIBILITY, wanted.accessibility, 'en')}: "
            "call ahead to ask",
            es=f"Ninguno indica {_labels(ACCESSIBILITY, wanted.accessibility, 'es')}: "
            "llame antes para preguntar",
        )
    if step == "language":
        return Words(
            en=f"None in {_labels(LANGUAGES, wanted.languages, 'en')}: "
            "these are in other languages",
            es=f"Ninguno en {_labels(LANGUAGES, wanted.languages, 'es')}: "
            "estos son en otros idiomas",
        )
    if step == "cost":
        paid = _labels(PAYMENTS, answers.payment, "en")
        pagado = _labels(PAYMENTS, answers.payment, "es")
        return Words(
            en=f"None lists {paid}: call to ask what they take",
            es=f"Ninguno indica {pagado}: llame para preguntar qué aceptan",
        )
    if wanted.kinds == ("meeting",):
        return Words(
            en=f"No group for {_labels(NEEDS, wanted.needs, 'en').lower()} fits: "
            "other peer groups instead (open meetings welcome anyone)",
            es=f"Ningún grupo para {_labels(NEEDS, wanted.needs, 'es').lower()} encaja: "
            "en su lugar, otros grupos de pares (las reuniones abiertas reciben a todos)",
        )
    return Words(
        en=f"None lists {_labels(NEEDS, wanted.needs, 'en').lower()}: other care instead",
        es=f"Ninguno indica {_labels(NEEDS, wanted.needs, 'es').lower()}: "
        "otra atención en su lugar",
    )
