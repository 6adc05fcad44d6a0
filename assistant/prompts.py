"""Load prompt templates from the prompts/ folder as LangChain chat prompts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from langchain_core.prompts import ChatPromptTemplate

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


def read(name: str) -> str:
    path = PROMPTS_DIR / f"{name}.txt"
    if not path.is_file():
        raise FileNotFoundError(f"prompt template missing: {path}")
    return path.read_text(encoding="utf-8").strip()


@cache
def chat_prompt(name: str) -> ChatPromptTemplate:
    """`NAME_system.txt` and `NAME_user.txt` as a system + human message pair."""
    return ChatPromptTemplate.from_messages([("system", read(f"{name}_system")), ("human", read(f"{name}_user"))])
