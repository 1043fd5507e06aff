"""The plan's questions, their allowed answers (English and Spanish labels), and reading them.

Every answer is optional: a skipped question narrows nothing. The codes that are also search
filters (language, community, accessibility) are the index's own vocabularies; the others are
the plan's, each mapped onto search parameters in `sections.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Final

import msgspec
from msgspec import Meta

from service.contract.vocabulary import ACCESSIBILITY, COMMUNITIES, LANGUAGES, Term, Vocabulary
from service.errors import BadParameterError
from service.values import shown


def _vocab(name: str, *rows: tuple[str, str, str]) -> Vocabulary:
    return Vocabulary(name=name, terms=tuple(Term(code=c, en=en, es=es) for c, en, es in rows))


WHO: Final = _vocab(
    "who",
    ("me", "Me", "Para mí"),
    ("someone", "Someone I care about", "Alguien que me importa"),
)
CONCERNS: Final = _vocab(
    "concerns",
    ("alcohol", "Alcohol", "Alcohol"),
    ("opioids", "Opioids (heroin, fentanyl, pills)", "Opioides (heroína, fentanilo, pastillas)"),
    ("stimulants", "Stimulants (meth, cocaine)", "Estimulantes (metanfetamina, cocaína)"),
    ("other_drugs", "Other drugs", "Otras drogas"),
    ("gambling", "Gambling", "Juego"),
    ("eating", "Eating", "Alimentación"),
    ("mental_health", "Mental health alongside", "Salud mental a la vez"),
    ("no_safe_place", "No safe place to stay", "Sin un lugar seguro donde quedarse"),
)
SUPPORTS: Final = _vocab(
    "supports",
    ("twelve_step", "Peer groups: 12-step", "Grupos de pares: 12 pasos"),
    ("secular", "Peer groups: secular", "Grupos de pares: laicos"),
    ("faith", "Peer groups: faith-based", "Grupos de pares: basados en la fe"),
    ("professional", "Talking with a professional", "Hablar con un profesional"),
    ("medication", "Medication", "Medicamentos"),
    ("detox", "Detox or residential", "Desintoxicación o tratamiento residencial"),
    ("housing", "Help with housing", "Ayuda con vivienda"),
    ("not_sure", "Not sure", "No estoy seguro"),
)
ATTEND: Final = _vocab(
    "attend",
    ("in_person", "In person", "En persona"),
    ("online", "Online", "En línea"),
    ("phone", "By phone", "Por teléfono"),
)
TIMES: Final = _vocab(
    "times",
    ("morning", "Mornings", "Mañanas"),
    ("afternoon", "Afternoons", "Tardes"),
    ("evening", "Evenings", "Noches"),
    ("late_night", "Late night", "Madrugada"),
)
DAYS: Final = _vocab(
    "days",
    ("weekdays", "Weekdays", "Entre semana"),
    ("weekends", "Weekends", "Fines de semana"),
)
PAYMENTS: Final = _vocab(
    "payments",
    ("medicaid", "Medicaid", "Medicaid"),
    ("medicare", "Medicare", "Medicare"),
    ("private_insurance", "Private insurance", "Seguro privado"),
    ("free", "No insurance / free", "Sin seguro / gratis"),
    ("sliding_scale", "Sliding scale", "Tarifa según ingresos"),
)

MAX_NEAR_CHARS: Final = 100
MAX_RADIUS_KM: Final = 250.0


class PlanAnswers(msgspec.Struct, frozen=True, kw_only=True):
    """What a person answered; every field may be left empty (a skipped question)."""

    who: str | None = None
    concern: tuple[str, ...] = ()
    support: tuple[str, ...] = ()
    language: str | None = None
    community: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    attend: tuple[str, ...] = ()
    radius_km: Annotated[float, Meta(gt=0, le=MAX_RADIUS_KM)] | None = None
    time: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    payment: tuple[str, ...] = ()
    near: str | None = None
    # The instant used as "now" (ISO 8601 with offset) and the viewer's zone, as in /v1/search.
    at: str | None = None
    tz: str | None = None

    @property
    def for_someone(self) -> bool:
        """Whether the plan is for someone the person cares about."""
        return self.who == "someone"


class Question(msgspec.Struct, frozen=True, kw_only=True):
    """One question: its query parameter, its allowed answers, whether several may be given."""

    param: str
    vocabulary: Vocabulary
    repeated: bool


# In the order the flow asks them; `near`, `radius_km`, `at` and `tz` are free values.
QUESTIONS: Final[tuple[Question, ...]] = (
    Question(param="who", vocabulary=WHO, repeated=False),
    Question(param="concern", vocabulary=CONCERNS, repeated=True),
    Question(param="support", vocabulary=SUPPORTS, repeated=True),
    Question(param="language", vocabulary=LANGUAGES, repeated=False),
    Question(param="community", vocabulary=COMMUNITIES, repeated=True),
    Question(param="accessibility", vocabulary=ACCESSIBILITY, repeated=True),
    Question(param="attend", vocabulary=ATTEND, repeated=True),
    Question(param="time", vocabulary=TIMES, repeated=True),
    Question(param="days", vocabulary=DAYS, repeated=True),
    Question(param="payment", vocabulary=PAYMENTS, repeated=True),
)
FREE_PARAMS: Final = ("near", "radius_km", "at", "tz")
PLAN_PARAMS: Final = (*(q.param for q in QUESTIONS), *FREE_PARAMS)


def _codes(question: Question, values: Sequence[str]) -> tuple[str, ...]:
    codes: list[str] = []
    for raw in values:
        for value in raw.split(","):
            code = value.strip()
            if not code or code in codes:
                continue
            if code not in question.vocabulary.codes:
                allowed = question.vocabulary.ordered_codes()
                raise BadParameterError(
                    question.param,
                    f"{question.param}={shown(code)} is not an allowed value. Allowed values: "
                    + ", ".join(allowed),
                    allowed=allowed,
                )
            codes.append(code)
    if not question.repeated and len(codes) > 1:
        raise BadParameterError(
            question.param, f"{question.param} takes one value, got {len(codes)}"
        )
    return tuple(codes)


def _radius(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not 0 < value <= MAX_RADIUS_KM:
        raise BadParameterError(
            "radius_km", f"radius_km={shown(raw)} must be a number of km above 0 and at most 250"
        )
    return value


def read_answers(query: Mapping[str, Sequence[str]]) -> PlanAnswers:
    """PlanAnswers from query or form values (empty ones are skipped questions); a value
    outside its question's answers is a BadParameterError naming the parameter."""
    fields: dict[str, object] = {}
    for question in QUESTIONS:
        codes = _codes(question, [v for v in query.get(question.param, ()) if v.strip()])
        if codes:
            fields[question.param] = codes if question.repeated else codes[0]
    for param in FREE_PARAMS:
        values = [v.strip() for v in query.get(param, ()) if v.strip()]
        if not values:
            continue
        value = values[-1]
        if param == "radius_km":
            fields[param] = _radius(value)
        elif len(value) > MAX_NEAR_CHARS:
            raise BadParameterError(param, f"{param} may be at most {MAX_NEAR_CHARS} characters")
        else:
            fields[param] = value
    return msgspec.convert(fields, PlanAnswers)


def answer_pairs(answers: PlanAnswers) -> list[tuple[str, str]]:
    """The query pairs that give these answers again, in question order."""
    pairs: list[tuple[str, str]] = []
    for param in PLAN_PARAMS:
        value = getattr(answers, param)
        if value is None or value == ():
            continue
        values = value if isinstance(value, tuple) else (value,)
        pairs += [(param, format(v, "g") if isinstance(v, float) else str(v)) for v in values]
    return pairs
