"""Dev figures for the reader beside baselines that need no model.

Rows are dev passages (data.py, split "dev"): per dev question, the DEV_CANDIDATES passages of its hits with the
most question key words. Predictions come from features.decode.
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from assistant.evaluation.phrases import normalize, tokens  # the project's matcher (sys.path: __init__.py)


def auc(scores, labels) -> float | None:
    """Area under the ROC curve (Mann-Whitney, ties counted half)."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    pos, neg = y.sum(), (~y).sum()
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i: j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg))


def span_f1(pred: str, gold: str) -> float:
    p, g = tokens(pred), tokens(gold)
    common = sum(min(p.count(w), g.count(w)) for w in set(p))
    if not p or not g or common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def best_threshold(scores, labels, objective: str = "accuracy") -> tuple[float, float]:
    """The cut (predict 1 at score >= cut) that maximises accuracy or F1 on these dev scores."""
    s = np.asarray(scores, dtype=np.float64)
    y = np.asarray(labels, dtype=bool)
    best = (0.5, -1.0)
    for cut in np.unique(np.round(s, 4)):
        pred = s >= cut
        if objective == "f1":
            tp = (pred & y).sum()
            value = 2 * tp / max(1, pred.sum() + y.sum())
        else:
            value = (pred == y).mean()
        if value > best[1]:
            best = (float(cut), float(value))
    return best


# ---------------------------------------------------------------- no-model baselines

MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
        r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
CANDIDATES = {
    "date": re.compile(rf"\b{MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\b{MONTH}\s+\d{{4}}|\b(?:19|20)\d\d\b"),
    "number": re.compile(r"[$£€]?\d[\d,.]*(?:\s*(?:%|percent|million|billion|trillion|thousand))?"),
    "name": re.compile(r"[A-Z][\w'’.&-]*(?:\s+(?:of|the|de|and|&)?\s*[A-Z][\w'’.&-]*)*"),
}


def baseline_span(question: str, sentences: list[str], sentence_keys: list[float], kind: str) -> str:
    """The first candidate of the answer's kind (a date, a number, a capitalised run not in the question) in the
    sentence with the most question key words, else in the next ones."""
    asked = set(tokens(question))
    pattern = CANDIDATES.get(kind, CANDIDATES["name"])
    for k in sorted(range(len(sentences)), key=lambda i: (-sentence_keys[i], i)):
        for m in pattern.finditer(sentences[k]):
            words = tokens(m.group())
            if words and not set(words) <= asked:
                return m.group()
    return ""


# ---------------------------------------------------------------- figures


def figures(rows: list[dict], feats: list, preds: list[dict], na_cut: float | None = None,
            sentence_cut: float | None = None) -> dict:
    """Model and baseline figures on the dev passages (thresholds chosen on these same dev passages unless given)."""
    out: dict = {"passages": len(rows), "questions": len({r["question_id"] for r in rows})}
    # sentence level, pooled
    m_s, b_overlap, b_first, y_s = [], [], [], []
    within = {"model": [], "first_sentence": [], "most_question_words": []}
    for r, f, p in zip(rows, feats, preds):
        visible = [k for k, v in enumerate(f.sentence_labels) if v >= 0]
        for k in visible:
            m_s.append(p["sentence_scores"][k])
            b_overlap.append(r["sentence_keys"][k] - 1e-3 * k)
            b_first.append(-k)
            y_s.append(f.sentence_labels[k] == 1)
        if f.has_answer and visible:
            pick = max(visible, key=lambda k: p["sentence_scores"][k])
            within["model"].append(f.sentence_labels[pick] == 1)
            within["first_sentence"].append(f.sentence_labels[visible[0]] == 1)
            pick = max(visible, key=lambda k: (r["sentence_keys"][k], -k))
            within["most_question_words"].append(f.sentence_labels[pick] == 1)
    cut = best_threshold(m_s, y_s, "f1")[0] if sentence_cut is None else sentence_cut
    pred = np.asarray(m_s) >= cut
    y = np.asarray(y_s)
    out["sentence"] = {
        "sentences": len(y_s), "positive": int(y.sum()),
        "auc": {"model": auc(m_s, y_s), "most_question_words": auc(b_overlap, y_s), "first_sentence": auc(b_first, y_s)},
        "accuracy_at_0.5": float(((np.asarray(m_s) >= 0.5) == y).mean()) if y_s else None,
        "threshold_max_f1": cut, "f1_at_threshold": float(2 * (pred & y).sum() / max(1, pred.sum() + y.sum())),
        "precision_at_threshold": float((pred & y).sum() / max(1, pred.sum())),
        "recall_at_threshold": float((pred & y).sum() / max(1, y.sum())),
        "top1_within_answerable_passage": {k: _mean(v) for k, v in within.items()},
        "answerable_passages": len(within["model"]),
    }
    # span on answerable passages with a span target (name / number / date answers)
    em = {"model": [], "baseline": []}
    f1s = {"model": [], "baseline": []}
    probs, correct = [], []
    for r, f, p in zip(rows, feats, preds):
        if not f.has_answer or f.start < 0 or p["span"] is None:
            continue
        text = " ".join(r["sentences"])
        guess = text[p["span"]["char_start"]: p["span"]["char_end"]]
        base = baseline_span(r["question"], r["sentences"], r["sentence_keys"], r["answer_kind"])
        for name, g in (("model", guess), ("baseline", base)):
            em[name].append(normalize(g) == normalize(r["answer"]))
            f1s[name].append(span_f1(g, r["answer"]))
        probs.append(p["span"]["p"])
        correct.append(em["model"][-1])
    out["span"] = {"passages": len(em["model"]), "exact_match": {k: _mean(v) for k, v in em.items()},
                   "f1": {k: _mean(v) for k, v in f1s.items()}, "p_auc_for_exact_match": auc(probs, correct)}
    # no answer, per passage; and per question (does any candidate passage answer?)
    na = [p["na"] for p in preds]
    no = [not f.has_answer for f in feats]
    # threshold on P(answer) = 1 - P(no answer), chosen for F1 of "this passage answers" (most passages do not,
    # so maximal accuracy would be "never answers")
    answer_p = [1 - x for x in na]
    answers = [not x for x in no]
    cut_na = best_threshold(answer_p, answers, "f1")[0] if na_cut is None else na_cut
    said = np.asarray(answer_p) >= cut_na
    truth = np.asarray(answers)
    out["no_answer"] = {
        "passages_without_answer": int(sum(no)),
        "auc": {"model": auc(na, no), "fewer_question_words": auc([-r["passage_keys"] for r in rows], no),
                "model_1_minus_best_sentence": auc([1 - max([x for x in p["sentence_scores"] if x is not None] or [0])
                                                    for p in preds], no)},
        "answerable_if_1_minus_na_at_least": cut_na,
        "answerable_f1": float(2 * (said & truth).sum() / max(1, said.sum() + truth.sum())),
        "answerable_precision": float((said & truth).sum() / max(1, said.sum())),
        "answerable_recall": float((said & truth).sum() / max(1, truth.sum())),
        "accuracy_at_threshold": float((said == truth).mean()) if na else None,
        "accuracy_always_no_answer": _mean(no),
    }
    # question level
    by_q: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_q[r["question_id"]].append(i)
    top1 = {"model": [], "model_x_answerable": [], "first_sentence_of_top_passage": [], "most_question_words": []}
    q_scores, q_sent, q_base, q_y = [], [], [], []
    for ids in by_q.values():
        answered = any(feats[i].has_answer for i in ids)
        q_scores.append(max(1 - preds[i]["na"] for i in ids))
        q_sent.append(max(max([x for x in preds[i]["sentence_scores"] if x is not None] or [0]) for i in ids))
        q_base.append(max(rows[i]["passage_keys"] for i in ids))
        q_y.append(answered)
        if not answered:
            continue
        cands = [(i, k) for i in ids for k, v in enumerate(feats[i].sentence_labels) if v >= 0]
        hit = lambda c: feats[c[0]].sentence_labels[c[1]] == 1  # noqa: E731
        top1["model"].append(hit(max(cands, key=lambda c: preds[c[0]]["sentence_scores"][c[1]])))
        top1["model_x_answerable"].append(hit(max(cands, key=lambda c: preds[c[0]]["sentence_scores"][c[1]]
                                                  * (1 - preds[c[0]]["na"]))))
        first = min(ids)  # rows of a question are stored best-ranked first
        top1["first_sentence_of_top_passage"].append(hit(next(c for c in cands if c[0] == first))
                                                     if any(c[0] == first for c in cands) else False)
        top1["most_question_words"].append(hit(max(cands, key=lambda c: (rows[c[0]]["sentence_keys"][c[1]],
                                                                         -c[0], -c[1]))))
    out["question"] = {"questions_with_answer_in_candidates": len(top1["model"]),
                       "top1_sentence_states_answer": {k: _mean(v) for k, v in top1.items()},
                       "answer_in_candidates_auc": {"model": auc(q_scores, q_y), "model_best_sentence": auc(q_sent, q_y),
                                                    "most_question_words": auc(q_base, q_y)}}
    out["selection_score"] = float(np.mean([x or 0 for x in (
        out["question"]["top1_sentence_states_answer"]["model"], out["sentence"]["auc"]["model"],
        out["no_answer"]["auc"]["model"], out["span"]["f1"]["model"])]))
    return out


def _mean(values) -> float | None:
    values = list(values)
    return float(np.mean(values)) if values else None


def brief(fig: dict) -> str:
    s, sp, na, q = fig["sentence"], fig["span"], fig["no_answer"], fig["question"]
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    return (f"sentence AUC {fmt(s['auc']['model'])} (overlap {fmt(s['auc']['most_question_words'])}, "
            f"first {fmt(s['auc']['first_sentence'])}); top1/question {fmt(q['top1_sentence_states_answer']['model'])} "
            f"(overlap {fmt(q['top1_sentence_states_answer']['most_question_words'])}, first "
            f"{fmt(q['top1_sentence_states_answer']['first_sentence_of_top_passage'])}); span EM "
            f"{fmt(sp['exact_match']['model'])} F1 {fmt(sp['f1']['model'])} (baseline EM "
            f"{fmt(sp['exact_match']['baseline'])} F1 {fmt(sp['f1']['baseline'])}, n={sp['passages']}); "
            f"no-answer AUC {fmt(na['auc']['model'])} (1-best sentence {fmt(na['auc']['model_1_minus_best_sentence'])}, "
            f"overlap {fmt(na['auc']['fewer_question_words'])}); "
            f"selection {fig['selection_score']:.3f}")
