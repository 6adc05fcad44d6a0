"""Number the evidence a text actually uses, 1..n in order of use, and build its citations from it."""

from __future__ import annotations

from assistant.types import Citation, Evidence, SentenceCheck


def cite(kept: list[SentenceCheck], checks: list[SentenceCheck], evidence: list[Evidence],
         breaks: frozenset[int] = frozenset()) -> tuple[str, list[Citation], list[SentenceCheck]]:
    """The text with renumbered markers, its citations, and every checked sentence renumbered alike.
    A new paragraph starts at each index of `kept` in `breaks`."""
    by_id = {e.id: e for e in evidence}
    renumber: dict[int, int] = {}
    for sentence in kept:
        for old in sentence.cited:
            renumber.setdefault(old, len(renumber) + 1)
    text = "".join(("\n\n" if index in breaks and index else " " if index else "")
                   + s.text + "".join(f" [{renumber[i]}]" for i in s.cited) for index, s in enumerate(kept)).strip()
    citations = [Citation(id=new, source=by_id[old].source, start_line=by_id[old].start_line,
                          end_line=by_id[old].end_line, quote=by_id[old].text, page=by_id[old].page,
                          section=by_id[old].section, title=by_id[old].title)
                 for old, new in renumber.items()]
    sentences = [s.model_copy(update={"cited": [renumber[i] for i in s.cited if i in renumber]}) for s in checks]
    return text, citations, sentences


def say_once(sentences: list[SentenceCheck]) -> list[SentenceCheck]:
    """Each wording's first occurrence: small models repeat themselves, and syndicated articles repeat sentences
    word for word."""
    kept: dict[str, SentenceCheck] = {}
    for sentence in sentences:
        kept.setdefault(" ".join(sentence.text.lower().split()), sentence)
    return list(kept.values())
