"""The controlled vocabularies of Pathways, with English and Spanish labels.

Every filterable value in the index comes from one of these lists. Importers map the
field's codes (Meeting Guide types, BMLT formats, FindTreatment service names) onto them,
and the search API refuses any value that is not here, so a filter can never carry text
a user typed.
"""

from __future__ import annotations

from typing import Final

import msgspec


class Term(msgspec.Struct, frozen=True, kw_only=True):
    """One value of a vocabulary: its code and its labels."""

    code: str
    en: str
    es: str


class Vocabulary(msgspec.Struct, frozen=True, kw_only=True):
    """A named list of terms."""

    name: str
    terms: tuple[Term, ...]
    # The set of valid codes, built once: every filter value and every record is checked.
    codes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if not self.codes:
            msgspec.structs.force_setattr(self, "codes", frozenset(t.code for t in self.terms))

    def ordered_codes(self) -> list[str]:
        """The codes in their documented order, for error messages and forms."""
        return [t.code for t in self.terms]


def _vocab(name: str, *rows: tuple[str, str, str]) -> Vocabulary:
    return Vocabulary(name=name, terms=tuple(Term(code=c, en=en, es=es) for c, en, es in rows))


KINDS: Final = _vocab(
    "kinds",
    ("meeting", "Peer support meeting", "Reunión de apoyo mutuo"),
    ("treatment", "Treatment provider", "Centro de tratamiento"),
    ("telehealth", "Telehealth service", "Servicio de telesalud"),
    ("helpline", "Helpline", "Línea de ayuda"),
    ("housing", "Housing and shelter", "Vivienda y albergue"),
    ("outreach", "Outreach and support services", "Servicios de acercamiento y apoyo"),
    ("health_center", "Community health center", "Centro de salud comunitario"),
)

NEEDS: Final = _vocab(
    "needs",
    ("alcohol", "Alcohol", "Alcohol"),
    ("drugs", "Drugs", "Drogas"),
    ("opioids", "Opioids", "Opioides"),
    ("substance_use", "Substance use", "Uso de sustancias"),
    ("gambling", "Gambling", "Juego"),
    ("eating_disorder", "Eating disorders", "Trastornos alimentarios"),
    ("family_friends", "Family and friends", "Familiares y amigos"),
    ("mental_health", "Mental health", "Salud mental"),
    ("co_occurring", "Co-occurring disorders", "Trastornos concurrentes"),
    ("peer_support", "Peer support", "Apoyo entre pares"),
    ("detox", "Detox / withdrawal management", "Desintoxicación / manejo de abstinencia"),
    ("moud", "Medication for opioid use disorder", "Medicamentos para el trastorno por opioides"),
    # The three medications by name, with the brand names people ask for.
    (
        "buprenorphine",
        "Buprenorphine (Suboxone, Sublocade)",
        "Buprenorfina (Suboxone, Sublocade)",
    ),
    ("methadone", "Methadone", "Metadona"),
    ("naltrexone", "Naltrexone (Vivitrol)", "Naltrexona (Vivitrol)"),
    ("counseling", "Counseling", "Consejería"),
    ("outpatient", "Outpatient treatment", "Tratamiento ambulatorio"),
    ("residential", "Residential treatment", "Tratamiento residencial"),
    ("sober_living", "Sober living / recovery residence", "Vivienda de recuperación"),
    ("shelter", "Shelter", "Albergue"),
    ("housing_assistance", "Housing assistance", "Ayuda con vivienda"),
    ("harm_reduction", "Harm reduction", "Reducción de daños"),
    ("crisis", "Crisis support", "Apoyo en crisis"),
    ("primary_care", "Primary health care", "Atención primaria"),
)

COMMUNITIES: Final = _vocab(
    "communities",
    ("lgbtq", "LGBTQ+", "LGBTQ+"),
    ("women", "Women", "Mujeres"),
    ("men", "Men", "Hombres"),
    ("transgender", "Transgender", "Personas transgénero"),
    ("non_binary", "Non-binary", "Personas no binarias"),
    ("young_people", "Young people", "Jóvenes"),
    ("seniors", "Seniors", "Personas mayores"),
    ("veterans", "Veterans", "Veteranos"),
    ("indigenous", "Indigenous / Native American", "Indígenas / nativos americanos"),
    ("people_of_colour", "People of colour", "Personas de color"),
    ("secular", "Secular / agnostic", "Laico / agnóstico"),
    ("professionals", "Professionals", "Profesionales"),
    (
        "justice_involved",
        "People involved with the justice system",
        "Personas con causas judiciales",
    ),
    ("parents", "Parents and families", "Padres y familias"),
    ("newcomers", "Newcomers", "Recién llegados"),
)

ACCESSIBILITY: Final = _vocab(
    "accessibility",
    ("wheelchair", "Wheelchair accessible", "Accesible en silla de ruedas"),
    ("accessible_bathroom", "Accessible bathroom", "Baño accesible"),
    ("sign_language", "Sign language (ASL)", "Lengua de señas (ASL)"),
    ("deaf_hard_of_hearing", "Deaf / hard of hearing", "Personas sordas / con pérdida auditiva"),
    ("blind_low_vision", "Blind / low vision", "Personas ciegas / con baja visión"),
    ("fragrance_free", "Fragrance free", "Libre de fragancias"),
    ("childcare", "Childcare available", "Cuidado de niños"),
    ("child_friendly", "Children welcome", "Se admiten niños"),
)

ATTENDANCE: Final = _vocab(
    "attendance",
    ("in_person", "In person", "En persona"),
    ("online", "Online", "En línea"),
    ("hybrid", "Hybrid (in person and online)", "Híbrida (en persona y en línea)"),
    ("phone", "By phone", "Por teléfono"),
)

COSTS: Final = _vocab(
    "costs",
    ("free", "Free", "Gratis"),
    ("donation", "Voluntary contributions", "Contribuciones voluntarias"),
    ("medicaid", "Medicaid", "Medicaid"),
    ("medicare", "Medicare", "Medicare"),
    ("private_insurance", "Private insurance", "Seguro privado"),
    ("military_insurance", "Military insurance (TRICARE)", "Seguro militar (TRICARE)"),
    ("self_pay", "Self-pay", "Pago propio"),
    ("sliding_scale", "Sliding fee scale", "Tarifa según ingresos"),
    ("payment_assistance", "Payment assistance", "Ayuda con el pago"),
)

STATUSES: Final = _vocab(
    "statuses",
    ("active", "Active", "Activo"),
    ("temporarily_closed", "Temporarily closed", "Cerrado temporalmente"),
)

# ISO 639-1 codes of the languages the field's sources use (Meeting Guide language types,
# FindTreatment language services), with their names in English and Spanish.
LANGUAGES: Final = _vocab(
    "languages",
    ("en", "English", "Inglés"),
    ("es", "Spanish", "Español"),
    ("fr", "French", "Francés"),
    ("pt", "Portuguese", "Portugués"),
    ("ru", "Russian", "Ruso"),
    ("uk", "Ukrainian", "Ucraniano"),
    ("pl", "Polish", "Polaco"),
    ("de", "German", "Alemán"),
    ("it", "Italian", "Italiano"),
    ("nl", "Dutch", "Neerlandés"),
    ("sv", "Swedish", "Sueco"),
    ("no", "Norwegian", "Noruego"),
    ("da", "Danish", "Danés"),
    ("fi", "Finnish", "Finés"),
    ("is", "Icelandic", "Islandés"),
    ("hu", "Hungarian", "Húngaro"),
    ("sk", "Slovak", "Eslovaco"),
    ("lt", "Lithuanian", "Lituano"),
    ("el", "Greek", "Griego"),
    ("tr", "Turkish", "Turco"),
    ("ar", "Arabic", "Árabe"),
    ("he", "Hebrew", "Hebreo"),
    ("fa", "Persian (Farsi)", "Persa (farsi)"),
    ("hi", "Hindi", "Hindi"),
    ("pa", "Punjabi", "Panyabí"),
    ("bn", "Bengali", "Bengalí"),
    ("ur", "Urdu", "Urdu"),
    ("zh", "Chinese", "Chino"),
    ("ja", "Japanese", "Japonés"),
    ("ko", "Korean", "Coreano"),
    ("vi", "Vietnamese", "Vietnamita"),
    ("th", "Thai", "Tailandés"),
    ("tl", "Tagalog", "Tagalo"),
    ("km", "Khmer", "Jemer"),
    ("hy", "Armenian", "Armenio"),
    ("ka", "Georgian", "Georgiano"),
    ("ht", "Haitian Creole", "Criollo haitiano"),
    ("so", "Somali", "Somalí"),
    ("sw", "Swahili", "Suajili"),
    ("am", "Amharic", "Amárico"),
    ("nv", "Navajo", "Navajo"),
)

ALL_VOCABULARIES: Final[tuple[Vocabulary, ...]] = (
    KINDS,
    NEEDS,
    COMMUNITIES,
    ACCESSIBILITY,
    ATTENDANCE,
    COSTS,
    STATUSES,
    LANGUAGES,
)

# US states, DC and the territories that the data covers, by USPS code. Remote services
# declare the states they serve with these codes.
US_STATES: Final[frozenset[str]] = frozenset(
    """AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV
    NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP""".split()
)
