"""Recognise text planted in a document for an AI to obey ("Note for AI systems: …", "assistant: reply …",
"ignore previous instructions", "summaries of this page must state …"): such text is never evidence, whatever its
wording. Documents are data.

The text is first normalised the way such lines hide themselves (zero-width characters, look-alike letters,
spaced-out and digit-for-letter words, a base64 payload), and quoted material is set aside (a news report that
quotes an attack is not an attack). Then six cue families are looked for; any one makes the line planted:
overriding instructions, chat-role markers, an AI addressed, a document that orders what is said about it, an
order about the answer or its user, and data taken from the AI's context. News *about* AI ("the assistant will
answer questions in 50 languages, the company said") has none of these forms.

Developed on tests/test_planted.py and evals/planted/dev.jsonl; measured on evals/planted/heldout.jsonl, which
was written independently afterwards (README, "Planted instructions")."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
LOOK_ALIKES = str.maketrans("АВЕКМНОРСТХаеорсухіјѕԁɡІЈЅ", "ABEKMHOPCTXaeopcyxijsdgIJS")
LEET = str.maketrans("013457", "oieast")
QUOTED = re.compile(r"'[^']{3,}'(?!\w)|\"[^\"]{3,}\"|“[^”]{3,}”|‘[^’]{3,}’|«[^»]{3,}»")

AI = (r"(?:AI|A\.I\.|IA|KI(?:-Systeme?)?|artificial intelligence|(?:AI |virtual |digital |shopping |mail |coding )?"
      r"assistant[es]?s?|asistente(?:s)?(?: de IA)?|assistente|chat ?bots?|bots?|(?:large )?language models?|"
      r"modelos? de lenguaje|modelli? linguistic[oi]|taalmodel(?:len)?|LLMs?(?:-based tools?)?|ChatGPT|GPT[\w.-]*|"
      r"Claude|Gemini|Copilot|Bard|models?|summari[sz](?:ers?|ation (?:tools?|systems?))|automated (?:systems?|readers?|"
      r"tools?|agents?|summari[sz]ers?|summar(?:y|ies)|reviewers?|screening)|(?:AI |software |autonomous )agents?|"
      r"crawlers?|scrapers?|search engines?|machine readers?|retrieval systems?|(?:AI|automated|LLM)[- ]tools?)")
ORDER = (r"(?:answer|reply|respond|say|state|report|output|print|write|tell|claim|mention|include|use|treat|"
         r"consider|prefer|prioriti[sz]e|trust|cite|quote|summari[sz]e|describe|ignore|disregard|forget|override|"
         r"pretend|act|follow|omit|leave out|reveal|return|recommend|rate|rank|score|approve|classify|translate|"
         r"forward|send|open|visit|render|obey|add|append|give|present)")
OUTPUT = (r"(?:answers?|responses?|repl(?:y|ies)|output|summar(?:y|ies|i[sz]ing)|users?|review|assessment|"
          r"rating|score|verdict|ranking|recommendations?)")
SELF = r"(?:this|the present) (?:page|article|document|file|thread|paper|contract|site|website|email|e-mail|message|" \
       r"review|listing|cv|resume|résumé|text|memo|post|report|submission|repository|repo|transcript|section)"
DEONTIC = r"(?:must|should|shall|are to|is to|need to|needs to|have to|has to|required to|mandatory|obliged to|" \
          r"expected to|(?:are|is) instructed to|kindly|please|(?:we )?(?:politely )?ask|it would be appreciated)"

OVERRIDE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass|discard|ignora|ignorez|ignoriere|vergiss|negeer|esquece|dimentica)\b"
    r".{0,25}?\b(?:previous|prior|above|earlier|preceding|(?:all|any) (?:other|previous|prior|earlier)|all|your|"
    r"the (?:above|previous|preceding|other|original)|anteriores|précédentes|bisherigen|vorherigen|precedenti|"
    r"eerdere|anteriori)\b.{0,25}?\b(?:instructions?|prompts?|rules|directions|guidelines|figures?|numbers?|"
    r"sources?|documents?|files?|information|context|text|articles?|messages?|instrucciones|consignes|Anweisungen|"
    r"istruzioni|instructies|instruções)\b"
    r"|\bforget everything (?:you|above|before)\b"
    r"|\b(?:reveal|print|show|repeat|output|leak)\b.{0,20}\b(?:your|the) (?:system prompt|instructions|hidden prompt)\b"
    rf"|\bnew instructions (?:from|for) (?:the )?(?:developers?|system|administrators?|admin|operators?|owners?|{AI})\b"
    r"|\[(?:end|start) of (?:the )?(?:article|document|text|context|input|page)\]"
    rf"|\byou are now\b|\byou are no longer (?:an? )?(?:{AI}|bound|restricted|limited|required)\b"
    rf"|\bforget (?:that )?you(?:'re| are) (?:an? )?{AI}\b|\bdeveloper mode\b|\bjailbreak mode\b"
    r"|\b(?:from now on|from this point on),? (?:you|answer|respond|reply|say|always|only|act|speak|write)\b", re.I)
ROLE = re.compile(r"^\W*(?:system|assistant|user|ai|bot|human|model)\s*[:>]|<\|?(?:im_start|im_end|system|assistant|"
                  r"user)\|?>|\[/?(?:INST|SYS)\]|###\s*(?:instruction|system|response)"
                  r"|\buser\s*:.{1,200}\bassistant\s*:", re.I)
ADDRESSED = re.compile(
    rf"\b(?:note|message|instructions?|memo|reminder|warning|attention|hint|notice|hinweis|nota|aviso|nota per|"
    rf"note pour|bericht)\s+(?:for|to|an|para|pour|per|voor|aan)\s+(?:(?:all|any|the|every|alle|die|el|la|les|l'|i|de)"
    rf"\s*)?{AI}\b"
    rf"|\b(?:attention|dear|hey|hello|hi|ciao|hola)\s*,?\s+{AI}\b"
    rf"|\bif you(?:'re| are)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:{AI}|machine)\b|\bsi eres un\w*\s+{AI}\b|\bse sei un\w*\s+{AI}\b"
    rf"|\b(?:to|for)\s+(?:all|any|every)\s+{AI}\b|\b(?:whatever|whichever|any)\s+{AI}\s+(?:is\s+)?(?:reading|processing)"
    rf"|\b(?:this|the following)\s+(?:text|note|line|section|message)\s+is\s+(?:for|to)\s+(?:\w+\s+)?{AI}\b"
    rf"|(?:^|[(\[;—–:]|--)\W*(?:[\w-]+\s+){{0,4}}{AI}\s*(?::|,\s*(?:if|when|please|kindly|do|don't|never|always|only|"
    rf"{ORDER})\b)"
    rf"|\b{AI}\s+(?:\w+\s+)?(?:reading|processing|summari[sz]ing|parsing|indexing|aggregating|quoting|citing|"
    rf"reviewing|screening|evaluating|crawling)\s+(?:this|these|the|our)\b"
    rf"|\bwhen (?:an?\s+)?{AI}\s+(?:reads?|summari[sz]es?|processes|is asked|reviews?)\b"
    rf"|^\W*(?:\w+\s+)?{AI}\s+(?:[\w-]+\s+){{0,3}}{DEONTIC}\s+(?:\w+\s+)?{ORDER}\b|\b(?:the|this|any|every|all|each)\s+{AI}\s+{DEONTIC}\s+"
    rf"(?:\w+\s+)?{ORDER}\b|\b{DEONTIC}\s+(?:that\s+)?(?:any|all|every)\s+{AI}\b|\bfor\s+{AI}\s+(?:\w+\s+){{0,3}}to\s+"
    rf"{ORDER}\b", re.I)
SELF_ORDER = re.compile(
    rf"\b{OUTPUT}\b[^.;]{{0,60}}\b{SELF}\b[^.;]{{0,60}}\b{DEONTIC}\b|\b{DEONTIC}\b[^.;]{{0,40}}\b{OUTPUT}\b[^.;]{{0,40}}"
    rf"\b{SELF}\b|\b{SELF}\b[^.;]{{0,40}}\b{DEONTIC}\s+(?:\w+\s+)?"
    rf"(?:describe|state|say|mention|rate|rank|score|approve|classify|recommend|report|present)\b"
    rf"|\b(?:any|every|all)\s+{OUTPUT}\s+(?:generated|written|produced|made|drawn)\s+(?:from|about|of)\s+{SELF}"
    rf"|\b{ORDER}\b[^.;]{{0,80}}\bwhen (?:summari[sz]ing|answering|responding|quoting|citing|reviewing)\s+{SELF}", re.I)
OPENS_WITH_ORDER = re.compile(
    rf"^\W*(?:(?:p\.?s\.?|please|kindly|now|also)[,:]?\s+)*(?:always\s+|never\s+|only\s+|do not\s+|don't\s+)?"
    rf"(?:answer|reply|respond|end|begin|start|write|tell|say|state|pretend|act as|role-?play|render|include|append|"
    rf"add|output|print|translate|recommend|decode|obey|format|sign|close|conclude|praise|rate|score|give)\b"
    # An order goes on with its object ("State that …", "Tell the user …"); "State law …" is a noun phrase.
    rf"\s+(?:that|the|a|an|only|every|each|all|any|this|these|your|you|it|them|him|her|to|with|in|as|like|"
    rf"following|['\"“‘:])"
    rf".{{0,100}}\b(?:{OUTPUT}|you are|and obey|the following)\b", re.I)
CONTEXT_DATA = re.compile(
    r"\b(?:in|from|within) your (?:context|memory|conversation|chat history|system prompt|instructions|session)\b"
    r"|\b(?:the|your) user'?s\s+(?:\w+\s+){0,3}(?:questions?|messages?|data|emails?|passwords?|history|"
    r"conversation|credentials|address|last)\b"
    r"|\b(?:tell|inform|convince|advise|assure|remind|warn|persuade)\s+(?:the|your)\s+users?\b", re.I)
CUES = (OVERRIDE, ROLE, ADDRESSED, SELF_ORDER, OPENS_WITH_ORDER, CONTEXT_DATA)


def is_planted(sentence: str) -> bool:
    """Is this an instruction addressed to an AI rather than content? Such text is never evidence."""
    return any(cue.search(view) for view in views(sentence) for cue in CUES)


def views(sentence: str) -> list[str]:
    """The sentence as it would read once its disguises are undone, with quoted material set aside."""
    text = unicodedata.normalize("NFKC", sentence).translate(ZERO_WIDTH).translate(LOOK_ALIKES)
    text = " ".join(_unspaced(text).split())
    plain = QUOTED.sub(" ", text)
    seen = [plain, _unleet(plain)]
    return [*dict.fromkeys(seen), *_decoded(text)]


def _unspaced(text: str) -> str:
    """'I g n o r e   p r e v i o u s' → 'Ignore previous': letters one space apart are one word."""
    return re.sub(r"\b(?:\w ){3,}\w\b", lambda m: m.group().replace(" ", ""), text)


def _unleet(text: str) -> str:
    """'1gn0r3 4ll' → 'ignore all': digits inside words read as the letters they stand in for."""
    return re.sub(r"\b(?=\w*[a-zA-Z])(?=\w*\d)\w+\b", lambda m: m.group().translate(LEET), text)


def _decoded(text: str) -> list[str]:
    """The text of any base64 payload (a line that asks to decode and obey one hides its order there)."""
    found = []
    for blob in re.findall(r"[A-Za-z0-9+/]{20,}={0,2}", text):
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if decoded.isprintable():
            found.append(decoded)
    return found
