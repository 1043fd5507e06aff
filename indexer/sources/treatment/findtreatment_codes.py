"""FindTreatment.gov service names and locator codes -> the Pathways vocabularies.

`SERVICE_CROSSWALK` maps the locator's full service names (as FindTreatment.gov exports and
its API's `services[].f3` list them); `LOCATOR_CODES` maps the short codes the locator uses
in search parameters and some exports (`MD` Medicaid, `VET` veterans, `TELE` telehealth...).
Names and codes not listed are kept as tags by `findtreatment.classify`.
"""

from __future__ import annotations

from typing import Final, Literal, TypeAlias

Field = Literal["needs", "costs", "languages", "communities", "accessibility", "attendance"]
Pairs: TypeAlias = tuple[tuple[Field, str], ...]


def _as(field: Field, *codes: str) -> Pairs:
    return tuple((field, code) for code in codes)


TELEHEALTH: Final = "Telemedicine/telehealth therapy"
_MOUD: Final = _as("needs", "moud", "opioids")
_COUNSELING: Final = _as("needs", "counseling")
_PEERS: Final = _as("needs", "peer_support")

# FindTreatment service name -> the (field, code) pairs it means. Names not listed here are
# kept as tags. Deliberately unmapped: the naltrexone forms and the alcohol "accepts MAT"
# names (they treat alcohol use too, so they do not prove opioid treatment); "Young Adults",
# "Adults", "Female", "Male" (ages and sexes accepted, listed by nearly every facility; the
# special programmes "Young adults", "Adult women", "Adult men" are mapped instead).
SERVICE_CROSSWALK: Final[dict[str, Pairs]] = {
    "Substance use treatment": _as("needs", "substance_use"),
    "Detoxification": _as("needs", "detox"),
    "Medication routinely used during detoxification": _as("needs", "detox"),
    "Hospital inpatient detoxification": _as("needs", "detox"),
    "Residential detoxification": _as("needs", "detox", "residential"),
    "Outpatient detoxification": _as("needs", "detox", "outpatient"),
    "Alcohol Detoxification": _as("needs", "detox", "alcohol"),
    "Benzodiazepines Detoxification": _as("needs", "detox", "drugs"),
    "Cocaine Detoxification": _as("needs", "detox", "drugs"),
    "Methamphetamines detoxification": _as("needs", "detox", "drugs"),
    "Opioids detoxification": _as("needs", "detox", "opioids"),
    "Lofexidine or Clonidine detoxification": _as("needs", "detox", "opioids"),
    "Buprenorphine detoxification": _as("needs", "detox") + _MOUD,
    "Methadone detoxification": _as("needs", "detox") + _MOUD,
    "Maintenance service with medically supervised withdrawal after stabilization": _as(
        "needs", "detox"
    ),
    "Buprenorphine used in Treatment": _MOUD,
    "Methadone used in Treatment": _MOUD,
    "Naltrexone used in Treatment": _MOUD,
    "Methadone": _MOUD,
    "Methadone maintenance": _MOUD,
    "Buprenorphine maintenance": _MOUD,
    "Buprenorphine with naloxone": _MOUD,
    "Buprenorphine without naloxone": _MOUD,
    "Buprenorphine (extended-release, injectable)": _MOUD,
    "Buprenorphine sub-dermal implant": _MOUD,
    "Prescribes buprenorphine": _MOUD,
    "Federally-certified Opioid Treatment Program": _MOUD,
    "SAMHSA certification for opioid treatment program (OTP)": _MOUD,
    "Outpatient methadone/buprenorphine or naltrexone treatment": _MOUD
    + _as("needs", "outpatient"),
    "Acamprosate (Campral®)": _as("needs", "alcohol"),
    "Disulfiram": _as("needs", "alcohol"),
    "This facility administers/prescribes medication for alcohol use disorder": _as(
        "needs", "alcohol"
    ),
    "Residential/24-hour residential": _as("needs", "residential"),
    "Long-term residential": _as("needs", "residential"),
    "Short-term residential": _as("needs", "residential"),
    "Outpatient": _as("needs", "outpatient"),
    "Regular outpatient treatment": _as("needs", "outpatient"),
    "Intensive outpatient treatment": _as("needs", "outpatient"),
    "Outpatient day treatment or partial hospitalization": _as("needs", "outpatient"),
    "Transitional housing, halfway house, or sober home": _as("needs", "sober_living"),
    "Housing services": _as("needs", "housing_assistance"),
    "Clients with co-occurring mental and substance use disorders": _as("needs", "co_occurring"),
    "Treatment for co-occurring substance use plus either serious mental health illness in "
    "adults/serious emotional disturbance in children": _as("needs", "co_occurring"),
    "Mental health services": _as("needs", "mental_health"),
    "Medication for mental disorders": _as("needs", "mental_health"),
    "Treatment for gambling disorder": _as("needs", "gambling"),
    "Individual counseling": _COUNSELING,
    "Group counseling": _COUNSELING,
    "Family counseling": _COUNSELING + _as("needs", "family_friends"),
    "Marital/couples counseling": _COUNSELING,
    "Substance use disorder counseling": _COUNSELING,
    "Trauma-related counseling": _COUNSELING,
    "Cognitive behavioral therapy": _COUNSELING,
    "Mentoring/peer support": _PEERS,
    "Recovery coach": _PEERS,
    "Self-help groups": _PEERS,
    "Naloxone and overdose education": _as("needs", "harm_reduction"),
    "Integrated primary care services": _as("needs", "primary_care"),
    "Medicaid": _as("costs", "medicaid"),
    "Medicare": _as("costs", "medicare"),
    "Private health insurance": _as("costs", "private_insurance"),
    "Federal military insurance (e.g., TRICARE)": _as("costs", "military_insurance"),
    "Cash or self-payment": _as("costs", "self_pay"),
    "Sliding fee scale (fee is based on income and other factors)": _as("costs", "sliding_scale"),
    "Payment assistance (check with facility for details)": _as("costs", "payment_assistance"),
    # FindTreatment's name for treatment at no cost to the client.
    "No payment accepted": _as("costs", "free"),
    "Spanish": _as("languages", "es"),
    "Any Chinese Language": _as("languages", "zh"),
    "Arabic": _as("languages", "ar"),
    "Farsi": _as("languages", "fa"),
    "French": _as("languages", "fr"),
    "Hebrew": _as("languages", "he"),
    "Hindi": _as("languages", "hi"),
    "Italian": _as("languages", "it"),
    "Japanese": _as("languages", "ja"),
    "Korean": _as("languages", "ko"),
    "Russian": _as("languages", "ru"),
    "Tagalog": _as("languages", "tl"),
    "Vietnamese": _as("languages", "vi"),
    "Sign language services for the deaf and hard of hearing": _as(
        "accessibility", "sign_language", "deaf_hard_of_hearing"
    ),
    "Child care for clients' children": _as("accessibility", "childcare")
    + _as("communities", "parents"),
    "Residential beds for clients' children": _as("accessibility", "child_friendly")
    + _as("communities", "parents"),
    "Adult women": _as("communities", "women"),
    "Pregnant/postpartum women": _as("communities", "women"),
    "Adult men": _as("communities", "men"),
    "Young adults": _as("communities", "young_people"),
    "Adolescents": _as("communities", "young_people"),
    "Children/Adolescents": _as("communities", "young_people"),
    "Seniors": _as("communities", "seniors"),
    "Seniors or older adults": _as("communities", "seniors"),
    "Veterans": _as("communities", "veterans"),
    "Criminal justice (other than DUI/DWI)/Forensic clients": _as(
        "communities", "justice_involved"
    ),
    "Specially designed program for DUI/DWI clients": _as("communities", "justice_involved"),
    TELEHEALTH: _as("attendance", "online"),
    # Added after reading all 206 names of the California file.
    "Lofexidine": _as("needs", "detox", "opioids"),
    "Suicide prevention services": _as("needs", "crisis"),
    "Smoking/vaping/tobacco cessation counseling": _COUNSELING,
    "Psychiatric hospital": _as("needs", "mental_health"),
    "Federally Qualified Health Center": _as("needs", "primary_care"),
    "American Indian or Alaska Native languages": _as("communities", "indigenous"),
}
# Statements that withdraw codes other names would imply.
NEGATIONS: Final[dict[str, Pairs]] = {
    "Does not treat opioid use disorders": _as("needs", "opioids", "moud"),
    "Does not use MAT for opioid use disorders": _as("needs", "moud"),
    "Does not treat alcohol use disorder": _as("needs", "alcohol"),
}

TELEHEALTH_CODE: Final = "TELE"
# The FindTreatment.gov locator's service codes: payment, groups served, language, telehealth.
LOCATOR_CODES: Final[dict[str, Pairs]] = {
    "MD": _as("costs", "medicaid"),
    "MC": _as("costs", "medicare"),
    "PI": _as("costs", "private_insurance"),
    "SF": _as("costs", "self_pay"),
    "SS": _as("costs", "sliding_scale"),
    "PA": _as("costs", "payment_assistance"),
    "VET": _as("communities", "veterans"),
    "GL": _as("communities", "lgbtq"),
    "SE": _as("communities", "seniors"),
    "TAY": _as("communities", "young_people"),
    "CJ": _as("communities", "justice_involved"),
    "CO": _as("needs", "co_occurring"),
    "SP": _as("languages", "es"),
    "AH": _as("accessibility", "sign_language", "deaf_hard_of_hearing"),
    TELEHEALTH_CODE: _as("attendance", "online"),
}


def lookup(name: str) -> Pairs | None:
    """The vocabulary pairs of a service name or a locator code; None when neither."""
    return SERVICE_CROSSWALK.get(name) or LOCATOR_CODES.get(name.strip().upper())
