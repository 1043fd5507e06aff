"""Stop words of the index: words that never decide a match, in English and in Spanish.

Taken from the Snowball project's stop word lists (snowballstem.org, `algorithms/english/
stop.txt` and `algorithms/spanish/stop.txt`), Copyright (c) 2001 Dr Martin Porter and (c) 2002
Richard Boulton, under the 3-clause BSD licence. Kept here as published, one language per
tuple; `KEPT_SEARCHABLE` names the words of those lists that say something in a search for
help and so stay searchable, each with the reason. `STOP_WORDS` is what the index gets.
"""

from __future__ import annotations

import unicodedata
from typing import Final

SNOWBALL_ENGLISH: Final[tuple[str, ...]] = tuple(
    """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom
    this that these those am is are was were be been being have has had having do does did
    doing would should could ought i'm you're he's she's it's we're they're i've you've we've
    they've i'd you'd he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll isn't
    aren't wasn't weren't hasn't haven't hadn't doesn't don't didn't won't wouldn't shan't
    shouldn't can't cannot couldn't mustn't let's that's who's what's here's there's when's
    where's why's how's a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very
    """.split()
)

SNOWBALL_SPANISH: Final[tuple[str, ...]] = tuple(
    """
    de la que el en y a los del se las por un para con no una su al lo como más pero sus le ya
    o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde
    todo nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos
    qué unos yo otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella
    estar estas algunas algo nosotros mi mis tú te ti tu tus ellas nosotras vosotros vosotras
    os mío mía míos mías tuyo tuya tuyos tuyas suyo suya suyos suyas nuestro nuestra nuestros
    nuestras vuestro vuestra vuestros vuestras esos esas estoy estás está estamos estáis están
    esté estés estemos estéis estén estaré estarás estará estaremos estaréis estarán estaría
    estarías estaríamos estaríais estarían estaba estabas estábamos estabais estaban estuve
    estuviste estuvo estuvimos estuvisteis estuvieron estuviera estuvieras estuviéramos
    estuvierais estuvieran estuviese estuvieses estuviésemos estuvieseis estuviesen estando
    estado estada estados estadas estad he has ha hemos habéis han haya hayas hayamos hayáis
    hayan habré habrás habrá habremos habréis habrán habría habrías habríamos habríais habrían
    había habías habíamos habíais habían hube hubiste hubo hubimos hubisteis hubieron hubiera
    hubieras hubiéramos hubierais hubieran hubiese hubieses hubiésemos hubieseis hubiesen
    habiendo habido habida habidos habidas soy eres es somos sois son sea seas seamos seáis
    sean seré serás será seremos seréis serán sería serías seríamos seríais serían era eras
    éramos erais eran fui fuiste fue fuimos fuisteis fueron fuera fueras fuéramos fuerais
    fueran fuese fueses fuésemos fueseis fuesen siendo sido tengo tienes tiene tenemos tenéis
    tienen tenga tengas tengamos tengáis tengan tendré tendrás tendrá tendremos tendréis
    tendrán tendría tendrías tendríamos tendríais tendrían tenía tenías teníamos teníais
    tenían tuve tuviste tuvo tuvimos tuvisteis tuvieron tuviera tuvieras tuviéramos
    tuvierais tuvieran tuviese tuvieses tuviésemos tuvieseis tuviesen teniendo tenido tenida
    tenidos tenidas tened
    """.split()
)

# Spanish words of the lists that people write with an accent the list leaves off (questions).
ACCENTED_SPANISH: Final[tuple[str, ...]] = ("dónde", "cómo", "cuándo", "quién", "quiénes", "cuál")

# One index holds both languages, so a word is dropped for both: these say something here.
KEPT_SEARCHABLE: Final[dict[str, str]] = {
    "no": "negation: 'no insurance', 'no ID'; and 'no cost'",
    "not": "negation: 'not breathing'",
    "nor": "negation",
    "sin": "Spanish 'without': 'sin seguro', 'sin costo'",
    "out": "'kicked out', 'out of jail', 'outpatient' read apart",
    "off": "'off the streets', 'off pills'",
    "own": "'on my own'",
    "only": "'women only', 'men only'",
    "under": "'under 18': an age",
    "over": "'over 60': an age",
    "after": "'after 6': a time the reading takes from the text",
    "before": "'before work': a time",
    "son": "English 'son' ('my son is using'), though Spanish 'son' is 'are'",
    "ha": "HA, Heroin Anonymous",
    "al": "Al-Anon, which a tokenizer reads as 'al' and 'anon'",
}


def _folded(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _written(word: str) -> set[str]:
    """The spellings of a listed word people type: with and without accents and apostrophe,
    the pieces a tokenizer cuts a contraction into ("i'm": "i", "m"), each in three cases."""
    spellings = {word, _folded(word), word.replace("'", ""), *word.split("'")}
    return {
        cased
        for spelling in spellings
        if spelling
        for cased in (spelling, spelling.capitalize(), spelling.upper())
    }


def stop_words() -> tuple[str, ...]:
    """The index's stop words: both lists less the kept ones, as people write them, sorted.

    Meilisearch compares a query's words with its stop words as typed, before folding case
    and accents, while it folds the documents' words: "Dónde" or "My" left off the list would
    stay in the query, match nothing the index holds, and empty the answer.
    """
    words = {
        form
        for word in SNOWBALL_ENGLISH + SNOWBALL_SPANISH + ACCENTED_SPANISH
        if _folded(word) not in KEPT_SEARCHABLE
        for form in _written(word)
    }
    return tuple(sorted(words))


STOP_WORDS: Final = stop_words()
