"""A chat session's memory: follow-up questions made standalone, the last answer, filters and mode."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from langchain_core.output_parsers import StrOutputParser

from assistant.config import default
from assistant.filters import Filters
from assistant.query.question import question_names
from assistant.templates import chat_prompt
from assistant.text.words import content_words
from assistant.types import Answer

# Words that lean on an earlier turn ("they", "that deal", "what about …").
LEANS_ON_CONTEXT = re.compile(r"\b(it|its|they|them|their|theirs|he|him|his|she|her|that|this|these|those|there|"
                              r"then|the two|both|also|else|same|what about|how about)\b", re.I)
# A question that starts by continuing the last one ("And Egypt?", "But why?").
CONTINUES = re.compile(r"^\W*(and|but|so|or)\b", re.I)
# A follow-up that puts something in place of what the last question asked about ("And what about Iran?", "And
# Egypt?"): when it names that something, the last question's names are left out of its standalone form.
SWITCHES = re.compile(r"^\W*(?:(?:and|but|or)\s+)?(?:what|how)\s+about\b|^\W*(?:and|or)\s+\S+(?:\s+\S+){0,3}\W*$",
                      re.I)
# A follow-up with this many content words of its own has its own topic: it borrows only the earlier names.
OWN_TOPIC_WORDS = 2


@dataclass
class Conversation:
    mode: str = "grounded"
    filters: Filters = field(default_factory=Filters)
    questions: list[str] = field(default_factory=list)  # standalone forms, oldest first
    last: Answer | None = None

    def reset(self) -> None:
        self.questions.clear()
        self.last = None

    def remember(self, standalone: str, answer: Answer) -> None:
        self.questions.append(standalone)
        self.last = answer


def needs_context(question: str, history: list[str]) -> bool:
    """Only when the question shows it leans on the conversation: a pronoun or "what about", a continuing "and",
    or a subject left out altogether ("Why?", "How many?"). A question without a proper name is not a follow-up
    for that alone: "What is the main risk for the drones?" stands on its own."""
    if not history:
        return False
    return bool(LEANS_ON_CONTEXT.search(question) or CONTINUES.search(question)) or not content_words(question)


def standalone(question: str, history: list[str], chat=None, turns: int = default("history_turns")) -> str:
    """The question rewritten to stand alone. The model's rewrite is used only when it keeps every content word
    of the question and adds only words from the conversation; otherwise the conversation's names and topic are
    attached to the question, which is what retrieval needs."""
    if not needs_context(question, history):
        return question
    recent = history[-turns:]
    if chat is not None:
        chain = chat_prompt("rewrite") | chat | StrOutputParser()
        draft = chain.invoke({"history": "\n".join(f"Q: {q}" for q in recent), "question": question})
        draft = " ".join(draft.strip().splitlines()[0].split()) if draft.strip() else ""
        if _faithful(draft, question, recent):
            return draft
    return _attach_context(question, recent[-1])


def _faithful(draft: str, question: str, history: list[str]) -> bool:
    if not draft or draft == question or len(draft) > 3 * len(question) + 80:
        return False
    asked, written, known = (set(content_words(t)) for t in (question, draft, " ".join(history)))
    return asked <= written and written <= asked | known


def _attach_context(question: str, previous: str) -> str:
    """The question with the previous question's names and topic words it does not repeat, in brackets. A question
    that swaps in a name of its own ("And what about Iran?" after "What did Russia and Kuwait agree on Gaza?")
    takes only the topic words: with the old names beside it the search finds the old answer again, and which of
    them the new name stands in for cannot be told. A question with a topic of its own ("Who is responsible for the
    IT equipment there?") takes only the names: the earlier topic words would find the earlier answer again."""
    words = " ".join(question.split())
    topic = _topic(previous)
    if question_names(words) and SWITCHES.search(words):
        earlier = question_names(previous)
        topic = [w for w in topic if not question_names(w) & earlier]
    elif len(content_words(words)) >= OWN_TOPIC_WORDS:
        topic = [w for w in topic if question_names(w)]
    missing = [w for w in topic if w.lower() not in words.lower()]
    return f"{words} ({', '.join(missing)})" if missing else words


def _topic(question: str) -> list[str]:
    """The previous question's names, in order, then its other content words."""
    names = [w for w in re.findall(r"[A-Z][A-Za-z'’-]+", question) if w.lower() in question_names(question)]
    seen: list[str] = []
    for word in names + re.findall(r"[A-Za-z][A-Za-z'’-]+", question):
        if (word in names or content_words(word)) and word not in seen:
            seen.append(word)
    return seen
