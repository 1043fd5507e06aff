"""The report form's words in English and Spanish, kept with the form they belong to."""

from __future__ import annotations

from typing import Final

from service.store.records import PROBLEMS

PROBLEM_LABELS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "closed": "It has closed",
        "moved": "It has moved",
        "wrong_time": "The time is wrong",
        "wrong_contact": "The phone number or link is wrong",
        "not_as_described": "It is not as described",
        "other": "Something else",
    },
    "es": {
        "closed": "Ha cerrado",
        "moved": "Se ha mudado",
        "wrong_time": "El horario está mal",
        "wrong_contact": "El teléfono o el enlace está mal",
        "not_as_described": "No es como se describe",
        "other": "Otra cosa",
    },
}

WORDS: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "Report a problem",
        "intro": "Tell us what is wrong with this listing. A person checks every report.",
        "what": "What is wrong?",
        "details": "Anything else we should know (optional, up to 500 characters)",
        "contact": "A phone or email to ask you about it (optional)",
        "contact_note": (
            "Only if you want us to reach you. We delete it when the report is resolved. "
            "Leave it empty to stay anonymous."
        ),
        "honeypot": "Leave this empty",
        "send": "Send the report",
        "checked": "Checked by {by} on {on}.",
        "pending": "A problem was reported and is being checked.",
    },
    "es": {
        "title": "Informar de un problema",
        "intro": "Díganos qué está mal en este recurso. Una persona revisa cada informe.",
        "what": "¿Qué está mal?",
        "details": "Algo más que debamos saber (opcional, hasta 500 caracteres)",
        "contact": "Un teléfono o correo para preguntarle (opcional)",
        "contact_note": (
            "Solo si quiere que le contactemos. Lo borramos cuando se resuelve el informe. "
            "Déjelo vacío para quedar en el anonimato."
        ),
        "honeypot": "Deje esto vacío",
        "send": "Enviar el informe",
        "checked": "Revisado por {by} el {on}.",
        "pending": "Se informó de un problema y se está revisando.",
    },
}


def problem_choices(lang: str) -> list[tuple[str, str]]:
    """(code, label) of every problem, in the form's order."""
    labels = PROBLEM_LABELS.get(lang, PROBLEM_LABELS["en"])
    return [(code, labels[code]) for code in PROBLEMS]
