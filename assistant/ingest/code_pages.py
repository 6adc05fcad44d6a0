"""Choose between Windows-1252 and another single-byte Latin code page for bytes that are not UTF-8.

charset-normalizer scores the two the same when a text's accented letters are few (Swedish "Åsa Öberg" reads as
"Ĺsa Öberg" in Windows-1250 and is proposed first). What tells them apart is the alphabets: read in the wrong
code page, a word mixes letters no one language writes together ("Pøíliš", "Za¿ó³æ"), or the text's letters
stop belonging to any one language ("Ĺsa ... Malmö")."""

from __future__ import annotations

import unicodedata
from collections import Counter

WESTERN = "cp1252"

# The code pages that put Latin letters where Windows-1252 does, so either could be the right reading.
LATIN_CODE_PAGES = frozenset({
    "cp1250", "cp1254", "cp1257", "cp1258", "latin_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9",
    "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "mac_latin2", "mac_roman",
    "mac_iceland", "mac_turkish", "cp437", "cp775", "cp850", "cp852", "cp858", "cp860", "cp861", "cp863",
    "cp865", "hp_roman8",
})

# The letters beyond ASCII that each language written in these code pages uses (lower case).
ALPHABETS = {
    "French": "àâæçéèêëîïôœùûüÿ", "German": "äöüß", "Spanish": "áéíñóúü", "Portuguese": "áâãàçéêíóôõú",
    "Italian": "àèéìíîòóùú", "Catalan": "àçèéíïòóúü", "Dutch": "áéèëïóöü", "Swedish": "åäöé",
    "Danish/Norwegian": "æøåéóô", "Finnish": "åäöšž", "Icelandic": "áðéíóúýþæö", "Estonian": "äöõüšž",
    "Albanian": "çë", "Polish": "ąćęłńóśźż", "Czech": "áčďéěíňóřšťúůýž", "Slovak": "áäčďéíĺľňóôŕšťúýž",
    "Hungarian": "áéíóöőúüű", "Slovene": "čšž", "Croatian": "čćđšž", "Romanian": "ăâîșşțţ",
    "Turkish": "çğıöşüâîû", "Lithuanian": "ąčęėįšųūž", "Latvian": "āčēģīķļņšūž",
}


def choose(data: bytes, proposed: str) -> str:
    """`proposed`, unless the bytes are also Windows-1252 and read no worse that way (a tie goes to
    Windows-1252, the code page most such files were written in)."""
    if proposed == WESTERN or proposed not in LATIN_CODE_PAGES:
        return proposed
    try:
        western = data.decode(WESTERN)
    except UnicodeDecodeError:
        return proposed
    return proposed if misfits(data.decode(proposed)) < misfits(western) else WESTERN


def misfits(text: str) -> tuple[int, int]:
    """How badly a reading fits any language: words whose letters no one alphabet holds, then the letters
    outside the one alphabet that holds most of the text's letters."""
    bad_words, letters = 0, Counter[str]()
    for word in text.split():
        found = _foreign(word)
        if not found:
            continue
        if any(all(ch in alphabet for ch in found) for alphabet in ALPHABETS.values()):
            letters.update(found)
        else:
            bad_words += 1
    best = max((sum(n for ch, n in letters.items() if ch in alphabet) for alphabet in ALPHABETS.values()), default=0)
    return bad_words, sum(letters.values()) - best


def _foreign(word: str) -> list[str]:
    """The word's letters and number signs beyond ASCII, lower case, with punctuation around it left out."""
    start, end = 0, len(word)
    while start < end and not word[start].isalpha():
        start += 1
    while end > start and not word[end - 1].isalpha():
        end -= 1
    return [ch for ch in word[start:end].lower()
            if ord(ch) > 127 and unicodedata.category(ch)[0] in "LN"]
