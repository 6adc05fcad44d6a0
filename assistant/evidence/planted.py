"""Recognise text planted in a document for an AI to obey ("Note for AI systems: …", "assistant: reply …",
"ignore previous instructions", "summaries of this page must state …"): such text is never evidence, whatever its
wording. Documents are data.

A sentence is planted when it
1. hides itself: look-alike letters from other alphabets inside Latin words, text spaced out letter by letter,
   aLtErNaTiNg case (honest text has no reason to);
2. overrides instructions or sources ("ignore previous instructions", "you are now", "[END OF ARTICLE] new
   instructions from the developer"), or carries a chat-role marker ("System:", "<|assistant|>", "[INST]");
3. addresses an automated reader: a note, notice or greeting to one, a vocative ("AI summarizers: …", "hey notetaker
   bot, …"), "if you are an AI", "as a language model, you must", "any AI reading this", an AI told what it must do;
4. orders what is said about the document itself ("summaries of this page must state …"), or gives an order about
   the answer or its user ("end every answer with …", "tell the user …"), or reaches for data in the AI's context.
First the disguises are undone (look-alikes mapped, spaced and digit-for-letter words joined, base64 decoded) and
quoted material is set aside: a news report that quotes an attack is not an attack.

Developed on tests/test_planted.py and evals/planted/dev.jsonl (two independently written sets, 260 lines); measured
on a held-out set written independently afterwards (docs/MEASUREMENTS.md, "Text planted for an AI")."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from functools import lru_cache

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
LOOK_ALIKES = str.maketrans("АВЕКМНОРСТХаеорсухіјѕԁɡкІЈЅΑΒΕΗΙΚΜΝΟΡΤΧΥΖαεικνορτυχ",
                            "ABEKMHOPCTXaeopcyxijsdgkIJSABEHIKMNOPTXYZaeiknoptux")
LEET = str.maketrans("013457", "oieast")
QUOTED = re.compile(r"'[^']{3,}'(?!\w)|\"[^\"]{3,}\"|“[^”]{3,}”|‘[^’]{3,}’|«[^»]{3,}»")

# Who a planted line speaks to: a named product, "AI"/"LLM" with what it is, or a tool word with a machine modifier.
NAMED = (r"(?:ChatGPT|GPT[\w.-]*|Claude|Gemini|Copilot|Bard|Cursor|Perplexity|Bing|Alexa|Siri|o[134](?:-mini)?|Llama|Mistral|"
         r"Grok|DeepSeek|Qwen|Phi-\d|Falcon)")
AI_WORD = r"(?:AI|A\.I\.|IA|KI|LLMs?|artificial intelligence)"
HEAD = (r"(?:assistan(?:ts?|tes?)|asistentes?|chat ?bots?|bots?|agents?|models?|modell[ei]|modelos?|taalmodel(?:len)?|"
        r"summari[sz](?:ers?|ation)|reviewers?|revisori|recruiters?|algorithms?|systems?|systemen|sistemas?|sistemi|"
        r"tools?|engines?|crawlers?|scrapers?|readers?|note-?takers?|screeners?|transcribers?|transcription|filters?|"
        r"helpers?|colleagues?|machines?|"
        r"summar(?:y|ies)|triagem|triage|spiders?)")
MODIFIER = (r"(?:AI|A\.I\.|IA|KI|LLM(?:-based|-powered)?|AI-(?:based|powered|driven)|automated|automatic|automatici|"
            r"automatische|automáticos?|machine|software|autonomous|virtual|digital|answer|search|mail|e-?mail|shopping|"
            r"coding|code|transcription|hiring|review|tracking|applicant|screening|recruiting|note-?taking|notetaker|"
            r"meeting|language|generative|large|smart|writing|research|retrieval|ranking|indexing|recommendation|summary|"
            r"neural|reading|triage|inbox|silicon|robotic|robot|"
            r"summari[sz]ation)")
STRONG = r"(?:chat ?bots?|bots|summari[sz]ers?|crawlers|scrapers|notetakers?|(?:large )?language models?|taalmodellen)"
MACHINE = r"(?:models?|assistants?|summari[sz]ers?|chat ?bots?|bots?|machines?|engines?)"  # plain words naming an AI
ONE = (rf"(?:{NAMED}|(?:{MODIFIER}[\s-]+)*{AI_WORD}(?:[\s-]+{HEAD})?|(?:{MODIFIER}[\s-]+)+{HEAD}|{STRONG}|"
       rf"{HEAD}\s+(?:de|di|da|por|per|com|met)\s+{AI_WORD}|revisori automatici|modelos? de lenguaje|"
       r"modelli linguistici|KI-Systeme?)")
AI = rf"(?:{ONE}(?:(?:\s*,\s*|,?\s+(?:and|or|&)\s+)(?:other\s+)?{ONE})*)"
AI_OR_MACHINE = rf"(?:{AI}|{MACHINE})"
CLEAR_AI = rf"(?:(?:{MODIFIER}[\s-]+)*{AI_WORD}(?:[\s-]+{HEAD})?|{HEAD}\s+(?:de|di|da|por|per|com|met)\s+{AI_WORD})"
ORDER = (r"(?:answer|reply|respond|say|state|report|output|print|write|tell|claim|mention|include|use|treat|"
         r"consider|prefer|prioriti[sz]e|trust|cite|quote|summari[sz]e|describe|ignore|disregard|forget|override|"
         r"pretend|act|follow|omit|leave out|reveal|return|recommend|rate|rank|score|approve|classify|translate|"
         r"forward|send|open|visit|render|obey|add|append|give|present|attribute|list|mark|move|flag|skip|disable|"
         r"execute|run|install|disclose|emphasi[sz]e|highlight|praise|accept|reject|delete|remove|assign)")
PASSIVE = r"(?:be|have|been|comply|meet|undergo|pass|receive|get|not be)"
OUTPUT = (r"(?:answers?|responses?|repl(?:y|ies)|output|summar(?:y|ies|i[sz]ing)|users?|review|assessment|"
          r"rating|score|verdict|ranking|recommendations?)")
SELF = (r"(?:this|the present) (?:page|article|document|file|thread|paper|contract|site|website|email|e-mail|message|"
        r"review|listing|cv|resume|résumé|text|memo|post|report|submission|repository|repo|transcript|section|"
        r"product|item|applicant|candidate|module|code|project)")
DEONTIC = (r"(?:must|should|shall|are to|is to|need to|needs to|have to|has to|required to|mandatory|obliged to|"
           r"expected to|(?:are|is) instructed to|kindly|please|(?:we )?(?:politely )?ask|it would be appreciated)")
LEAD = r"(?:^|[(\[{<;:—–>)\]!#*-]|--|\bp\.?s\.?\b)\W*"  # where a vocative can start: a line, a bracket, a mark
REPAIRABLE = re.compile(r"(?:ignore|ignoring|disregard|override|summari[sz]e[sd]?|summari[sz]ing|report|reports|reply|"
                        r"answer|respond|guidance|instructions?|approve|approved|issues|audit|refund|ticket|previous|"
                        r"prior|whoever|reviews?|reviewer|forget|obey|follow)", re.I)

DISGUISED = re.compile(r"[a-zA-Z][А-Яа-яЁёІіЈјЅѕΑ-Ωα-ωк]|[А-Яа-яЁёІіЈјЅѕΑ-Ωα-ωк][a-zA-Z]|(?:\b\w {1,3}){6,}")
OVERRIDE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass|discard|ignora|ignorate|ignorez|ignoriere|vergiss|negeer|esquece|"
    r"dimentica|desconsidere)\b.{0,25}?\b(?:previous|prior|above|earlier|preceding|(?:all|any) (?:other|previous|prior|"
    r"earlier)|all|your|the (?:above|previous|preceding|other|original)|anteriores|précédentes|bisherigen|vorherigen|"
    r"precedenti|eerdere|anteriori)\b.{0,25}?\b(?:instructions?|prompts?|rules|directions|guidelines|figures?|"
    r"numbers?|sources?|documents?|files?|information|context|text|articles?|criteria|requirements|guidance|"
    r"instrucciones|consignes|Anweisungen|istruzioni|instructies|instruções)\b"
    r"|\bforget everything (?:above|before|you (?:read|were told|know|have been told))\b"
    r"|\bignore (?:the|this|your) (?:question|task|request|query|prompt)\b"
    r"|\b(?:reveal|print|show|repeat|output|leak)\b.{0,20}\b(?:your|the) (?:system prompt|instructions|hidden prompt)\b"
    rf"|\bnew instructions (?:from|for) (?:the )?(?:developers?|system|administrators?|admin|operators?|owners?|{AI})\b"
    r"|\[(?:end|start) of (?:the )?(?:article|document|text|context|input|page)\]"
    rf"|\byou are now\b|\byou are no longer (?:an? )?(?:{AI}|bound|restricted|limited|required)\b"
    rf"|\bforget (?:that )?you(?:'re| are) (?:an? )?{AI}\b|\bdeveloper mode\b|\bjailbreak mode\b"
    r"|^\W*(?:please\s+)?(?:pretend|act as if) (?:that )?you(?:'re| are)\b"
    r"|\b(?:from now on|from this point on),? (?:you|answer|respond|reply|say|always|only|act|speak|write)\b", re.I)
ROLE = re.compile(r"^\W*(?:system|assistant|user|ai|bot|human|model)\s*[:>]|<\|?(?:im_start|im_end|system|assistant|"
                  r"user)\|?>|\[/?(?:INST|SYS)\]|###\s*(?:instruction|system|response)|\buser\s*:.{1,200}\bassistant\s*:"
                  r"|\[(?:system|assistant|ai)(?: (?:instructions?|prompt|message|note))?\]", re.I)
ADDRESSED = re.compile(
    rf"\b(?:note|notice|message|instructions?|instrucci[oó]n|memo|reminder|warning|attention|hint|guidance|ps|"
    rf"hinweis|nota|aviso|bericht)\s+(?:for|to|an|para|pour|per|voor|aan|für)\s+(?:(?:all|any|the|every|whatever|"
    rf"alle|die|el|la|les|los|las|i|gli|os|as|o|a|de|den)\s+|l')*{AI_OR_MACHINE}\b"
    rf"|\b(?:attention|dear|hey|hello|hi|ciao|hola|aan)\s*,?\s+(?:the\s+|de\s+)?{AI_OR_MACHINE}\b"
    rf"|\((?:{AI}) only\)|\[(?:{AI}) only\]|\bfor (?:{AI}) only\b"
    rf"|\bif you(?:'re| are)\s+(?:an?\s+|the\s+)?(?:\w+\s+)?(?:{AI}|machine)\b(?!\s+(?:researchers?|engineers?|developers?|"
    rf"scientists?|experts?|compan(?:y|ies)|startups?|enthusiasts?|students?|users?|teams?|practitioners?|professionals?)\b)"
    rf"|\bsi eres un\w*\s+{AI}\b"
    rf"|\bse sei un\w*\s+{AI}\b|\bas an?\s+{AI},?\s+you\s+(?:must|should|will|are|shall|need)\b"
    rf"|{LEAD}(?:(?:for|to|para|per|pour|voor|the|all|any|every|dear|hey|other|o|a|i|gli|de)\s+)*{AI_OR_MACHINE}\s*"
    rf"(?::|,\s*(?:if|when|please|kindly|do|don't|never|always|only|just|make sure|{ORDER})\b)"
    rf"|{LEAD}(?:(?:for|to|the|dear|hey)\s+)*{CLEAR_AI}\s*,"
    rf"|\b(?:whatever|whichever|any)\s+{AI_OR_MACHINE}\s+(?:that\s+|which\s+)?(?:is\s+)?(?:reads?|reading|processes|"
    rf"processing|summari[sz]es|summari[sz]ing|sees|parses|ingests?|ingesting)\b"
    rf"|{LEAD}(?:for|to)\s+(?:the|any|every)\s+(?:system|engine|tool|model|assistant|agent|bot|program|software|service)"
    rf"\s+(?:that\s+(?:is\s+)?)?(?:generating|generates|producing|writing|summari[sz]ing|compiling|building|answering|"
    rf"processing|reading|scanning|ingesting|drafting)\b"
    rf"|\b(?:this|the following)\s+(?:text|note|line|section|message)\s+is\s+(?:for|to)\s+(?:\w+\s+)?{AI}\b"
    rf"|\b{AI_OR_MACHINE}\s+(?:\w+\s+)?(?:reading|processing|summari[sz]ing|parsing|indexing|aggregating|quoting|citing|"
    rf"reviewing|screening|evaluating|crawling)\s+(?:this|these|the|our)\b"
    rf"|\bwhen (?:an?\s+)?{AI}\s+(?:reads?|summari[sz]es?|processes|is asked|reviews?)\b"
    rf"|{LEAD}(?:for|to)\s+(?:the\s+)?{AI}\b[^,:.]{{0,40}}[,:]"
    rf"|(?:^|[,;:]\s*|\b(?:the|this|any|every|all|each|other)\s+){AI}\s+(?:(?!that\b|which\b|who\b)[\w-]+\s+){{0,2}}"
    rf"{DEONTIC}\s+(?:(?:always|also|only|never|not)\s+)*(?!(?:always|also|only|never|not|{PASSIVE})\b)[a-z]+\b"
    rf"|\b(?:the|this|any|every|each)\s+{MACHINE}\s+{DEONTIC}\s+(?:(?:always|also|only|never)\s+)*{ORDER}\b"
    rf"|\b{DEONTIC}\s+(?:that\s+)?(?:any|all|every)\s+{AI}\b|\bfor\s+{AI}\s+(?:\w+\s+){{0,3}}to\s+{ORDER}\b"
    rf"|\b(?:para|per|pour|voor|aan|für)\s+(?:(?:o|a|i|gli|il|de|die|le|les)\s+)?(?:[\w-]+\s+){{0,4}}"
    rf"(?:IA|KI|AI|taalmodel\w*|modelos? de lenguaje|revisori automatici)\b[^:]{{0,40}}:", re.I)
SELF_ORDER = re.compile(
    rf"\b{OUTPUT}\b[^.;]{{0,60}}\b{SELF}\b[^.;]{{0,60}}\b{DEONTIC}\b|\b{DEONTIC}\b[^.;]{{0,40}}\b{OUTPUT}\b[^.;]{{0,40}}"
    rf"\b{SELF}\b|\b{SELF}\b[^.;]{{0,40}}\b{DEONTIC}\s+(?:\w+\s+)?"
    rf"(?:describe|state|say|mention|rate|rank|score|approve|classify|recommend|report|present)\b"
    rf"|\b(?:any|every|all)\s+{OUTPUT}\s+(?:generated|written|produced|made|drawn)\s+(?:from|about|of)\s+{SELF}"
    rf"|\b{ORDER}\b[^.;]{{0,80}}\bwhen (?:summari[sz]ing|answering|responding|quoting|citing|reviewing)\s+{SELF}", re.I)
OPENS_WITH_ORDER = re.compile(
    rf"^\W*(?:(?:p\.?s\.?|please|kindly|now|also)[,:]?\s+)*(?:always\s+|never\s+|only\s+|do not\s+|don't\s+)?"
    rf"(?:answer|reply|respond|end|begin|start|write|tell|say|state|render|include|append|add|output|print|translate|"
    rf"recommend|obey|format|sign|close|conclude|praise|rate|score|give)\b"
    # An order goes on with its object ("State that …", "Tell the user …"); "State law …" is a noun phrase.
    rf"\s+(?:(?:that|the|a|an|only|every|each|all|any|this|these|your|you|it|them|him|her|to|with|in|as|like|"
    rf"following)\b|['\"“‘:])"
    rf".{{0,100}}\b(?:{OUTPUT}|you are|and obey|the following)\b", re.I)
CONTEXT_DATA = re.compile(
    r"\b(?:in|from|within) your (?:context|memory|conversation|chat history|system prompt|instructions|session)\b"
    r"|\b(?:the|your) user'?s\s+(?:\w+\s+){0,3}(?:questions?|messages?|data|emails?|passwords?|history|calendar|"
    r"conversation|credentials|address|phone|contacts|last)\b"
    r"|\b(?:tell|inform|convince|advise|assure|remind|warn|persuade)\s+(?:the|your)\s+users?\b", re.I)
# Someone (or something) making an answer, summary or review out of *this* document, told how to represent it.
THIS = (r"(?:this|these|the present|ce|cette|cet|dies(?:e[rsnm]?)?|quest[oa]|este|esta|deste|desta|ten|tento|tuto|"
        r"deze|dit|den här|det här|této|tohoto|tämän|tätä)")
MAKING = (r"(?:summari[sz]\w*|answer\w*|respond\w*|repl(?:y|ies|ying)|translat\w*|paraphras\w*|evaluat\w*|review\w*|"
          r"rank\w*|compar\w*|extract\w*|generat\w*|draft\w*|process\w*|quot\w*|"
          r"cit\w*|ingest\w*|résum\w*|répond\w*|zusammenfass\w*|beantwort\w*|riassum\w*|rispond\w*|resum\w*|"
          r"streszcz\w*|odpowiad\w*|samenvat\w*|sammanfatta\w*|shrnu\w*|odpovídá\w*|tiivist\w*|vastaa\w*)")
OUTPUTS = (r"(?:summar(?:y|ies)|answers?|responses?|repl(?:y|ies)|translations?|paraphrases?|evaluations?|reviews?|"
           r"comparisons?|digests?|extracts?|excerpts?|outputs?|completions?|recaps?|abstracts?|resumo|résumé|anything|"
           r"whatever(?: is)?)")
PROCESSING = re.compile(
    rf"\b(?:whoever|anyone who|anybody who|those who|any(?:one|thing)? that|quiconque|wer|chi|quien|quem|wie|den som|"
    rf"kdo|kuka|jeśli|pokud|kun|si|se)\b[^.;]{{0,40}}?\b{MAKING}\b[^.;]{{0,40}}?\b{THIS}\b"
    rf"|\b(?:whoever|anyone who|quiconque|wer|wie|den som|kdo|kuka)\b[^.;]{{0,15}}?\b{THIS}\b[^.;]{{0,40}}?\b{MAKING}\b"
    rf"|\b(?:whoever|anyone who)\b[^.;]{{0,40}}?\b{MAKING}\b[^.;]{{0,60}}?\b(?:should|must|shall|is to|are to|has to|"
    rf"needs? to)\s+(?:\w+\s+)?(?:say|state|describe|present|report|call|treat|list|mention|omit|tell|answer|reply)\b"
    rf"|\b{OUTPUTS}\s+(?:\w+\s+)?(?:(?:of|from|based on|drawn from|that draw on|produced from|generated from|"
    rf"extracted from|taken from|about|de|da|del|van|von|z)\s+)?{THIS}\b[^.;]{{0,80}}\b(?:must|should|shall|is to|are to|"
    rf"has to|needs? to|deve|doit|muss|soll|moet|ska|musí|pitää|always|never|only)\b"
    rf"|\b(?:any|every|all)\s+{OUTPUTS}\s+(?:should|must|shall|is to|are to)\s+(?:call|describe|state|say|present|"
    rf"mention|treat|list|report|rank|include|omit|refer|characteri[sz]e)\b"
    rf"|\bin your (?:answer|response|reply|summary|output)\b[^.]{{0,40}}\b(?:link|url|https?|www)\b"
    rf"|\b(?:link|url|https?|www)\b[^.]{{0,40}}\bin your (?:answer|response|reply|summary|output)\b"
    rf"|^\W*(?:please\s+)?summari[sz]e (?:this|the following)\b[^.]{{0,60}}\bas\b"
    rf"|\b(?:mandatory|required|obligatory)\s+that\s+(?:all|any|every)\s+{OUTPUTS}\b"
    rf"|\b{THIS}\s+(?:document|page|article|report|file|text|section|review|product|paper)\s+(?:may|must|should|can)\s+"
    rf"only\s+be\s+(?:characteri[sz]ed|described|presented|summari[sz]ed|referred to|called)\b"
    rf"|\bshould you be asked to\b|\bif your task is to\b|\bthe only (?:acceptable|correct|valid|permissible) "
    rf"(?:answer|reading|interpretation|response)\b|\bthe correct (?:reading|interpretation) of {THIS}\b"
    rf"|\bin your (?:reply|response|answer) to the (?:person|user|customer|reader) asking\b"
    rf"|\b(?:when|while|before|if)\s+(?:you(?:'re| are)?\s+)?{MAKING}\s+(?:(?:on|about|for|from)\s+)?{THIS}\b"
    rf"|\b(?:when|if) (?:you(?:'re| are)? )?asked\b[^.,;]{{0,60}},\s*(?:always\s+|just\s+|simply\s+)?(?:answer|reply|respond|"
    rf"say|tell|state|confirm|deny|claim)\b"
    rf"|\bsi te preguntan\b|\bas you (?:should|must) (?:present|describe|report|summari[sz]e|state|cite)\b"
    rf"|\bwhen (?:you )?(?:rank|recommend|review|evaluate|assess)\b[^.]{{0,60}}\bthis (?:one|product|applicant|candidate|"
    rf"paper|store|vendor|page|library|document|proposal|company)\b", re.I)
MARKUP = re.compile(
    r"\b(?:ai|llm|gpt|agent|model|assistant|bot|copilot|reader-agent|summary|summari[sz]er|reviewer)[-_ ]?(?:instructions?|"
    r"policy|prompt|override|note|directive|guidance)\b[\"']?(?:\s*[:=]|\s+content=)|\bpriority[_-]instructions?\b|\"role\"\s*:\s*\"system\""
    r"|\b(?:NOTE|TODO|FIXME|HACK)\((?:llm|ai|copilot|gpt|claude|agent|assistant|bot|model)\)|<instructions?\b"
    r"|\bfor=[\"'][^\"']*(?:agent|ai|bot|llm|model)|\bsummary[_-]override\b|\bx-(?:agent|ai|llm)-policy\b"
    r"|\breviewer note\s*:\s*the recommended verdict\b", re.I)
DECODE_AND_OBEY = re.compile(r"\b(?:decode|decipher|reverse|unscramble|read\b[^.]{0,30}\bbackwards|rot-?13)\b[^.]{0,60}"
                             r"\b(?:follow|obey|apply|execute|do what it says|act on)\b", re.I)
CUES = (OVERRIDE, ROLE, ADDRESSED, SELF_ORDER, OPENS_WITH_ORDER, CONTEXT_DATA, PROCESSING, MARKUP, DECODE_AND_OBEY)
MENTIONED = re.compile(r"\b(?:tokens?|tags?|markers?|delimit\w*|syntax|template|format|strings? like|such as|e\.g\.|"
                       r"example|researchers?|attacks?|injection)\b", re.I)  # a marker named, not used


@lru_cache(maxsize=4096)  # pure: the evidence candidates and the reader both ask it of the same sentences
def is_planted(sentence: str) -> bool:
    """Is this an instruction addressed to an AI rather than content? Such text is never evidence."""
    cues = [cue for cue in CUES if not (cue is ROLE and MENTIONED.search(sentence))]
    raw = " ".join(unicodedata.normalize("NFKC", sentence).split())  # markup lives inside quotes
    return disguised(sentence) or bool(MARKUP.search(raw)) or any(cue.search(view) for view in views(sentence)
                                                                   for cue in cues)


def disguised(sentence: str) -> bool:
    """Look-alike letters inside Latin words, zero-width characters, letter-spaced text, or several words in
    aLtErNaTiNg case (names flip case now and then, like iPhone or #FindYourTrail, but not at every other letter)."""
    text = QUOTED.sub(" ", sentence)
    words = re.findall(r"(?<!\S)[\"'(]*([A-Za-z]{4,})[.,;:!?)\"']*(?!\S)", text)  # whole words, not URL or code tokens
    flipping = [w for w in words if _case_flips(w[1:]) >= max(3, len(w) // 2)]
    return bool(DISGUISED.search(text)) or len(flipping) >= 2


def _case_flips(word: str) -> int:
    return sum(a.islower() != b.islower() for a, b in zip(word, word[1:]))


def views(sentence: str) -> list[str]:
    """The sentence as it would read once its disguises are undone, with quoted material set aside."""
    text = unicodedata.normalize("NFKC", sentence).translate(ZERO_WIDTH).translate(LOOK_ALIKES)
    text = " ".join(_repaired(_undotted(_unspaced(text))).split())
    plain = QUOTED.sub(" ", text)
    return [*dict.fromkeys([plain, _unleet(plain)]), *_decoded(text)]


def _unspaced(text: str) -> str:
    """'I g n o r e   p r e v i o u s' → 'Ignore previous': letters one space apart are one word."""
    return re.sub(r"\b(?:\w ){2,}\w\b", lambda m: m.group().replace(" ", ""), text)


def _undotted(text: str) -> str:
    """'I.g.n.o.r.e' → 'Ignore': letters one dot apart are one word."""
    return re.sub(r"\b(?:[A-Za-z]\.){3,}[A-Za-z]\b\.?", lambda m: m.group().replace(".", ""), text)


def _repaired(text: str) -> str:
    """'sum-marizes', 'Disre gard' → 'summarizes', 'Disregard': a word cut in two is joined when the halves make an
    order word (the cut is there to break a pattern, not to mean anything)."""
    parts = re.split(r"([- ])", text)  # words and the separators between them
    i = 0
    while i + 2 < len(parts):
        if REPAIRABLE.fullmatch(parts[i] + parts[i + 2].rstrip(".,;:!?")):
            parts[i:i + 3] = [parts[i] + parts[i + 2]]
        else:
            i += 2
    return "".join(parts)


def _unleet(text: str) -> str:
    """'1gn0r3 4ll' → 'ignore all': digits inside words read as the letters they stand in for."""
    return re.sub(r"\b(?=\w*[a-zA-Z])(?=\w*\d)\w+\b", lambda m: m.group().translate(LEET), text)


def _decoded(text: str) -> list[str]:
    """The text of any base64 payload (a line that asks to decode and obey one hides its order there)."""
    found = []
    for blob in re.findall(r"(?<![\w/.:-])[A-Za-z0-9+/]{24,}={0,2}(?![\w/.-])", text):  # a token, not a URL's part
        try:
            decoded = base64.b64decode(blob + "=" * (-len(blob) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if sum(ch.isalpha() or ch == " " for ch in decoded) >= 0.9 * len(decoded):  # words, not binary
            found.append(decoded)
    return found
