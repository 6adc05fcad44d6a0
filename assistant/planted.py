"""Recognise text planted in a document for an AI to obey ("Note for AI systems: …", "assistant: reply …",
"ignore previous instructions"): such text is never evidence, whatever its wording. Documents are data.

Four kinds of cue, each a small pattern family; a sentence is planted when it (1) overrides instructions or
sources, (2) carries a chat-role marker, (3) addresses an AI reader (a note, a greeting, "if you are an AI",
a vocative, "AI systems reading this") or (4) gives an AI an order ("the assistant must answer …", "bots should
cite this file", an AI told what "you" must do). News *about* AI ("the assistant will answer questions in 50
languages, the company said") has none of these forms.
Checked on tests/test_planted.py: 34 planted lines of varied wording and 20 genuine sentences about AI,
assistants, orders and instructions."""

from __future__ import annotations

import re

AI = (r"(?:AI|A\.I\.|artificial intelligence|(?:AI |virtual |digital )?assistants?|chat ?bots?|bots?|"
      r"(?:large )?language models?|LLMs?|ChatGPT|GPT[\w.-]*|Claude|Gemini|Copilot|Bard|models?|"
      r"summari[sz](?:ers?|ation (?:tools?|systems?)|ing (?:tools?|systems?))|automated (?:systems?|readers?|tools?|"
      r"agents?|summari[sz]ers?)|(?:AI |software )?agents?|crawlers?|scrapers?|machine readers?|retrieval systems?)")
ORDER = (r"(?:answer|reply|respond|say|state|report|output|print|write|tell|claim|mention|include|use|treat|"
         r"consider|prefer|prioriti[sz]e|trust|cite|quote|summari[sz]e|describe|ignore|disregard|forget|override|"
         r"pretend|act|follow|omit|reveal|return|stop|do not|don't|never|always|only|must|should|shall|will now)")

OVERRIDE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass|discard)\b.{0,40}?"
    r"\b(?:previous|prior|above|earlier|other|all|any|your|system|every(?:thing)?|the (?:article|text|document)s?)\b"
    r".{0,30}?\b(?:instructions?|prompts?|rules|directions|guidelines|figures?|numbers?|sources?|documents?|files?|"
    r"information|context|text|article|before)\b"
    r"|\bnew instructions\b|\bsystem prompt\b|\byou are now\b|\bdeveloper mode\b|\bjailbreak"
    r"|\bfrom now on,? (?:you|answer|respond|reply|say|always|only)\b", re.I)
ROLE = re.compile(r"^\W*(?:system|assistant|user|ai|bot|human|model)\s*[:>]|<\|?(?:im_start|im_end|system|assistant)"
                  r"\|?>|\[/?(?:INST|SYS)\]|###\s*(?:instruction|system|response)", re.I)
ADDRESSED = re.compile(
    rf"\b(?:note|message|instructions?|memo|reminder|warning|attention|hint)\s+(?:for|to)\s+(?:(?:all|any|the|every)\s+)?"
    rf"{AI}\b"
    rf"|\b(?:attention|dear|hey|hello|hi)\s*,?\s+{AI}\b"
    rf"|\bif you(?:'re| are)\s+(?:an?\s+)?{AI}\b"
    rf"|\b(?:to|for)\s+(?:all|any|every)\s+{AI}\b"
    rf"|\b(?:this|the following)\s+(?:text|note|line|section|message)\s+is\s+(?:for|to)\s+(?:\w+\s+)?{AI}\b"
    rf"|^\W*{AI}\s*(?:,|:)\s*\w|^\W*(?:for|to)\s+(?:\w+\s+)?{AI}\s*:"
    rf"|\b{AI}\s+(?:reading|processing|summari[sz]ing|parsing|indexing)\s+(?:this|these|the)\b"
    rf"|\bwhen (?:an?\s+)?{AI}\s+(?:reads?|summari[sz]es?|processes|is asked)\b", re.I)
MODAL = r"(?:must|should|shall|is to|are to|has to|have to|needs? to)"
ORDERED = re.compile(
    rf"\b(?:the|this|any|every|all|each)\s+{AI}\s+{MODAL}\s+(?:\w+\s+)?{ORDER}\b"
    rf"|\b{AI}\s+{MODAL}\b.{{0,60}}\b(?:this|the following)\s+(?:file|document|memo|text|page|note|folder|figure)\b"
    rf"|\byou(?:r)?\b.{{0,60}}\b{AI}\b.{{0,60}}\b{ORDER}\b|\b{AI}\b.{{0,60}}\byou\s+{MODAL}?\s*{ORDER}\b", re.I)
CUES = (OVERRIDE, ROLE, ADDRESSED, ORDERED)


def is_planted(sentence: str) -> bool:
    """Is this sentence an instruction addressed to an AI rather than content? Such text is never evidence."""
    text = " ".join(sentence.split())
    return any(cue.search(text) for cue in CUES)
