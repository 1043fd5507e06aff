"""`GET /v1/plan`: a support plan from a person's answers, as JSON sections.

Every answer is an optional query parameter, checked against its question's allowed values
(a 400 names the parameter and lists them); the answers are neither stored nor logged.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import Parameter

from service.plan.answers import QUESTIONS, read_answers
from service.plan.assemble import PlanResponse, run_plan
from service.search.run import SearchDeps

_ALLOWED = {q.param: ", ".join(q.vocabulary.ordered_codes()) for q in QUESTIONS}
Codes = list[str] | None


def _about(param: str, what: str) -> str:
    return f"{what}. Allowed values: {_ALLOWED[param]}"


@get("/v1/plan", summary="A support plan", tags=["plan"])
async def get_plan(
    search_deps: NamedDependency[SearchDeps],
    who: Annotated[str | None, Parameter(description=_about("who", "Who the plan is for"))] = None,
    concern: Annotated[
        Codes, Parameter(description=_about("concern", "What is going on; repeat for several"))
    ] = None,
    support: Annotated[
        Codes, Parameter(description=_about("support", "The kinds of support that appeal"))
    ] = None,
    language: Annotated[
        str | None, Parameter(description="The language to be helped in (ISO 639-1)")
    ] = None,
    community: Annotated[
        Codes, Parameter(description="Communities to feel at ease with (/v1/vocabularies)")
    ] = None,
    accessibility: Annotated[
        Codes, Parameter(description="Accessibility needs, all of them (/v1/vocabularies)")
    ] = None,
    attend: Annotated[Codes, Parameter(description=_about("attend", "How one can attend"))] = None,
    radius_km: Annotated[
        str | None, Parameter(description="How far one can go in person, in km (default 25)")
    ] = None,
    time: Annotated[
        Codes, Parameter(description=_about("time", "When one is usually free"))
    ] = None,
    days: Annotated[Codes, Parameter(description=_about("days", "Which days are free"))] = None,
    payment: Annotated[Codes, Parameter(description=_about("payment", "How one would pay"))] = None,
    near: Annotated[
        str | None, Parameter(description='Where: a 5-digit ZIP, "City, ST" or "lat,lng"')
    ] = None,
    at: Annotated[
        str | None, Parameter(description="ISO 8601 instant with offset used as now")
    ] = None,
    tz: Annotated[str | None, Parameter(description="The viewer's IANA time zone")] = None,
) -> Response[PlanResponse]:
    """Crisis lines first, then peer support, professional care, family support and a place to
    stay when asked: each pick with its reasons, each relaxation labelled."""
    given: dict[str, object] = {
        "who": who, "concern": concern, "support": support, "language": language,
        "community": community, "accessibility": accessibility, "attend": attend,
        "radius_km": radius_km, "time": time, "days": days, "payment": payment, "near": near,
        "at": at, "tz": tz,
    }  # fmt: skip
    query = {
        name: [str(v) for v in values]
        for name, value in given.items()
        if value is not None
        for values in [value if isinstance(value, list) else [value]]
    }
    plan = await run_plan(read_answers(query), search_deps)
    # A plan names what a person is going through: never kept by a cache on the way.
    return Response(plan, headers={"Cache-Control": "no-store"})
