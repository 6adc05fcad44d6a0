"""Load the prompt templates (prompts/*.txt, installed inside the package) as LangChain chat prompts."""

from __future__ import annotations

from functools import cache
from importlib import resources

from langchain_core.prompts import ChatPromptTemplate

PACKAGE = "assistant.prompts"  # pyproject maps the top-level prompts/ folder to this package


def read(name: str) -> str:
    resource = resources.files(PACKAGE) / f"{name}.txt"
    if not resource.is_file():
        raise FileNotFoundError(f"prompt template missing: {name}.txt in {PACKAGE}")
    return resource.read_text(encoding="utf-8").strip()


@cache
def chat_prompt(name: str) -> ChatPromptTemplate:
    """`NAME_system.txt` and `NAME_user.txt` as a system + human message pair."""
    return ChatPromptTemplate.from_messages([("system", read(f"{name}_system")), ("human", read(f"{name}_user"))])
