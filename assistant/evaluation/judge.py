"""LLM-as-judge metrics (faithfulness, answer relevancy): worth running only with a capable model."""

from __future__ import annotations

import re

from langchain_core.output_parsers import StrOutputParser

from assistant.evaluation.suite import Case
from assistant.templates import chat_prompt
from assistant.types import Answer

SCORE = re.compile(r"\b([1-5])\b")


def parse_score(reply: str) -> float | None:
    """A 1-5 grade as 0..1; None when the judge gave no grade."""
    found = SCORE.search(reply.split("Score:", 1)[-1])
    return (int(found.group(1)) - 1) / 4 if found else None


class Judge:
    def __init__(self, chat):
        self.faithfulness = chat_prompt("judge_faithfulness") | chat | StrOutputParser()
        self.relevancy = chat_prompt("judge_relevancy") | chat | StrOutputParser()

    def __call__(self, case: Case, answer: Answer) -> dict[str, float]:
        sources = "\n".join(f"[{c.id}] {c.quote}" for c in answer.citations) or "(none)"
        grades = {
            "faithfulness": parse_score(self.faithfulness.invoke({"sources": sources, "answer": answer.answer})),
            "answer_relevancy": parse_score(self.relevancy.invoke({"question": case.question, "answer": answer.answer})),
        }
        return {name: grade for name, grade in grades.items() if grade is not None}
