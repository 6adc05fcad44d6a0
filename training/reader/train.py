"""train / evaluate: fine-tune the reader on the built passages; seeded, logged, checkpointed, resumable."""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .batching import exactly, group_ids, question_batches
from .checkpoints import open_run, save
from .common import SEED, Timer, load_tokenizer, log_to, seed_everything, write_json
from .features import Features, decode, featurize
from .metrics import brief, figures
from .model import Config, Reader, load_base
from .rows import check_rows, dev_subset, read_rows, reads_titles, source, subsample_questions, titled

NEG = -1e4


# ---------------------------------------------------------------- data


def prepare(rows: list[dict], tok, title: bool = False) -> tuple[list[dict], list[Features]]:
    """Rows -> model inputs (with --title, each passage after its document's title: rows.titled)."""
    kept, feats = [], []
    for r in rows:
        read = titled(r) if title else r
        f = featurize(tok, read["question"], read["sentences"], read["labels"], read.get("span"))
        if f is not None:
            kept.append(read)
            feats.append(f)
    return kept, feats


def collate(feats: list[Features], questions: list[str] | None = None) -> dict[str, torch.Tensor]:
    """A padded batch; with QUESTIONS (each passage's question id), also which question each passage is of."""
    b = len(feats)
    t = max(len(f.ids) for f in feats)
    s = max(1, max(len(f.sentence_tokens) for f in feats))
    ids = torch.zeros(b, t, dtype=torch.long)
    types = torch.zeros(b, t, dtype=torch.long)
    mask = torch.zeros(b, t, dtype=torch.long)
    pmask = torch.zeros(b, t, dtype=torch.bool)
    pool = torch.zeros(b, s, t)
    slabels = torch.full((b, s), -1.0)
    start = torch.full((b,), -1, dtype=torch.long)
    end = torch.full((b,), -1, dtype=torch.long)
    na = torch.zeros(b)
    for i, f in enumerate(feats):
        n = len(f.ids)
        ids[i, :n] = torch.tensor(f.ids)
        types[i, :n] = torch.tensor(f.types)
        mask[i, :n] = 1
        pmask[i, :n] = torch.tensor(f.passage_mask)
        for k, ((a, z), label) in enumerate(zip(f.sentence_tokens, f.sentence_labels)):
            if z > a:
                pool[i, k, a:z] = 1.0 / (z - a)
                slabels[i, k] = float(label)
        start[i], end[i] = f.start, f.end
        na[i] = 0.0 if f.has_answer else 1.0
    out = {"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "passage_mask": pmask,
           "pool": pool, "sentence_labels": slabels, "start": start, "end": end, "na": na}
    if questions is not None:
        out["group"] = torch.tensor(group_ids(questions), dtype=torch.long)
    return out


def batches(feats: list[Features], batch: int, epoch: int, seed: int) -> list[list[int]]:
    """A seeded order per epoch: shuffle, sort by length within windows of 50 batches (less padding), shuffle."""
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(feats)))
    rng.shuffle(order)
    window = batch * 50
    out = []
    for i in range(0, len(order), window):
        part = sorted(order[i: i + window], key=lambda j: len(feats[j].ids))
        out.extend(part[k: k + batch] for k in range(0, len(part), batch))
    rng.shuffle(out)
    return out


# ---------------------------------------------------------------- loss


def shared_sentence_loss(logits: torch.Tensor, labels: torch.Tensor, group: torch.Tensor) -> torch.Tensor:
    """Shared normalisation: per question with an answer sentence in the batch, -log of the softmax mass on its
    answer sentences among every labelled sentence of its passages; the mean over those questions (0 without)."""
    known = labels >= 0
    parts = []
    for g in group.unique():
        mine = known & (group == g)[:, None]
        scores, truth = logits[mine], labels[mine]
        if (truth == 1).any():
            parts.append(torch.logsumexp(scores, 0) - torch.logsumexp(scores[truth == 1], 0))
    return torch.stack(parts).mean() if parts else logits.sum() * 0


def losses(model: Reader, b: dict[str, torch.Tensor], shared: float = 0.0) -> dict[str, torch.Tensor]:
    """The three heads' losses; with SHARED > 0 (and b["group"]) also SHARED x the shared-normalisation loss."""
    start, end, sent, na = model(b["input_ids"], b["attention_mask"], b["token_type_ids"])
    out = {}
    sentence_logits = torch.bmm(b["pool"], sent.unsqueeze(-1)).squeeze(-1)
    known = b["sentence_labels"] >= 0
    out["sentence"] = (nn.functional.binary_cross_entropy_with_logits(
        sentence_logits[known], b["sentence_labels"][known]) if known.any() else sent.sum() * 0)
    if shared > 0:
        out["sentence"] = out["sentence"] + shared * shared_sentence_loss(
            sentence_logits, b["sentence_labels"], b["group"])
    has_span = b["start"] >= 0
    if has_span.any():
        pm = b["passage_mask"][has_span]
        s = start[has_span].masked_fill(~pm, NEG)
        e = end[has_span].masked_fill(~pm, NEG)
        out["span"] = (nn.functional.cross_entropy(s, b["start"][has_span])
                       + nn.functional.cross_entropy(e, b["end"][has_span])) / 2
    else:
        out["span"] = start.sum() * 0
    out["no_answer"] = nn.functional.binary_cross_entropy_with_logits(na, b["na"])
    out["total"] = out["sentence"] + out["span"] + out["no_answer"]
    return out


# ---------------------------------------------------------------- evaluation


@torch.no_grad()
def predict(model: Reader, feats: list[Features], batch: int = 32) -> list[dict]:
    model.eval()
    preds: list[dict] = [None] * len(feats)  # type: ignore[list-item]
    order = sorted(range(len(feats)), key=lambda j: len(feats[j].ids))
    for i in range(0, len(order), batch):
        idx = order[i: i + batch]
        b = collate([feats[j] for j in idx])
        start, end, sent, na = model(b["input_ids"], b["attention_mask"], b["token_type_ids"])
        for row, j in enumerate(idx):
            preds[j] = decode(feats[j], start[row].numpy(), end[row].numpy(), sent[row].numpy(), float(na[row]))
    return preds


def evaluate(model: Reader, rows: list[dict], feats: list[Features]) -> dict:
    return figures(rows, feats, predict(model, feats))


# ---------------------------------------------------------------- training loop


def train(args) -> None:
    run: Path = args.run
    log, last, resume = open_run(run, args.threads)
    config = resume["args"] if resume else {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    if resume:
        log.info(f"resuming from {last} at step {resume['step']} (settings of the first start: {config})")
        for key in ("epochs", "eval_every", "checkpoint_minutes", "max_dev_questions"):
            config[key] = getattr(args, key)  # these may change on resume
    seed = config["seed"] if config.get("seed") is not None else SEED
    seed_everything(seed)
    data = Path(config["data"])
    tok, base_config, fill = base_parts(config)
    train_rows = read_rows(data / "train.jsonl")
    if config.get("cloze"):
        train_rows += read_rows(Path(config["cloze"]))
    train_rows = subsample_questions(train_rows, config.get("max_train"), seed)
    title = bool(config.get("title"))
    train_rows, train_feats = prepare(train_rows, tok, title)
    dev_rows, dev_feats = prepare(dev_subset(read_rows(data / "dev.jsonl"), config.get("max_dev_questions")), tok,
                                  title)
    assert not {r["week"] for r in train_rows} & {r["week"] for r in dev_rows}, "a dev week is in training"
    assert all(source(r) == "realtimeqa" for r in dev_rows), "dev is RealTimeQA only"
    assert all(r["year"] in (2022, 2023) for r in train_rows + dev_rows if source(r) == "realtimeqa")
    extra = Counter(source(r) for r in train_rows if source(r) != "realtimeqa")
    log.info(f"train passages {len(train_feats)} ({sum(f.has_answer for f in train_feats)} answerable, "
             f"{sum(f.start >= 0 for f in train_feats)} with a span; from other sources: {dict(extra)}), questions "
             f"{len({r['question_id'] for r in train_rows})}; dev passages {len(dev_feats)}, questions "
             f"{len({r['question_id'] for r in dev_rows})}")

    model = Reader(base_config)
    missing = fill(model)
    assert not missing, missing
    if config.get("init") and not resume:  # further training of a reader (from-int8 rebuilds a shipped one)
        model.load_state_dict(torch.load(config["init"], weights_only=False)["model"])
        log.info(f"weights from {config['init']}")
    if not config.get("train_embeddings"):
        model.encoder.word.weight.requires_grad_(False)  # 11.7M of 22.7M parameters: frozen is faster, steadier
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    decay = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.ndim > 1 and p.requires_grad]
    no_decay = [p for n, p in model.named_parameters() if n.startswith("encoder.") and p.ndim <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01, "lr": config["lr"]},
                                   {"params": no_decay, "weight_decay": 0.0, "lr": config["lr"]},
                                   {"params": heads, "weight_decay": 0.0, "lr": config["head_lr"]}])
    shared = config.get("shared_norm") or 0.0
    questions, lengths = [r["question_id"] for r in train_rows], [len(f.ids) for f in train_feats]
    per_epoch = (len(question_batches(questions, lengths, config["batch"], 0, seed)) if shared
                 else math.ceil(len(train_feats) / config["batch"]))
    total = max(1, math.ceil(config["epochs"] * per_epoch))
    warmup = max(1, int(0.06 * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))))
    step, best, history = 0, -1.0, []
    if resume:
        model.load_state_dict(resume["model"])
        optimizer.load_state_dict(resume["optimizer"])
        schedule.load_state_dict(resume["schedule"])
        step, best, history = resume["step"], resume["best"], resume["history"]
        random.setstate(resume["rng"]["python"])
        np.random.set_state(resume["rng"]["numpy"])
        torch.set_rng_state(resume["rng"]["torch"])
    write_json(run / "config.json", {**config, "seed": seed, "steps_total": total, "steps_per_epoch": per_epoch,
                                     "train_passages": len(train_feats), "dev_passages": len(dev_feats),
                                     "train_passages_by_source": {"realtimeqa": len(train_feats) - sum(extra.values()),
                                                                  **extra},
                                     "data_summary": json.loads((data / "summary.json").read_text())})
    log.info(f"{total} steps ({per_epoch} per epoch, batch {config['batch']}), warmup {warmup}, from step {step}")

    def state() -> dict:
        return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                "step": step, "best": best, "history": history, "args": config,
                "rng": {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()},
                "saved": time.strftime("%Y-%m-%d %H:%M:%S")}

    def dev_round(tag: str) -> None:
        nonlocal best
        if not dev_feats:  # built with --no-dev: nothing to choose by; the final step is kept (below)
            return
        t = time.time()
        fig = evaluate(model, dev_rows, dev_feats)
        fig.update(step=step, epoch=step / per_epoch, tag=tag, seconds=round(time.time() - t))
        history.append(fig)
        write_json(run / "dev_history.json", history)
        log.info(f"dev @ step {step} ({fig['seconds']}s): {brief(fig)}")
        if fig["selection_score"] > best:
            best = fig["selection_score"]
            save(run / "best.pt", {"model": model.state_dict(), "step": step, "figures": fig, "args": config})
            write_json(run / "best_figures.json", fig)
            log.info(f"new best ({best:.4f}) -> {run / 'best.pt'}")
        model.train()

    if step == 0 and not resume:
        dev_round("before training")  # the base encoder with untrained heads
    timer, last_save, seen, t0 = Timer(), time.time(), 0, time.time()
    running: dict[str, float] = {}
    model.train()
    while step < total:
        epoch, offset = divmod(step, per_epoch)
        order = (exactly(question_batches(questions, lengths, config["batch"], epoch, seed), per_epoch) if shared
                 else batches(train_feats, config["batch"], epoch, seed))
        for idx in order[offset:]:
            if step >= total:
                break
            b = collate([train_feats[j] for j in idx], [questions[j] for j in idx] if shared else None)
            out = losses(model, b, shared)
            optimizer.zero_grad(set_to_none=True)
            out["total"].backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            seen += len(idx)
            for k, v in out.items():
                running[k] = 0.98 * running.get(k, v.item()) + 0.02 * v.item()
            if step % 20 == 0 or step == 1:
                rate = seen / (time.time() - t0)
                eta = (total - step) * config["batch"] / max(rate, 1e-9)
                log.info(f"step {step}/{total} epoch {step / per_epoch:.2f} loss {running['total']:.3f} "
                         f"(sentence {running['sentence']:.3f} span {running['span']:.3f} "
                         f"no-answer {running['no_answer']:.3f}) lr {schedule.get_last_lr()[0]:.2e} "
                         f"{rate:.1f} passages/s, eta {eta / 60:.0f} min")
            if time.time() - last_save > 60 * config["checkpoint_minutes"]:
                save(last, state())
                last_save = time.time()
                log.info(f"checkpoint -> {last} (step {step})")
            if config["eval_every"] and step % config["eval_every"] == 0 and step < total:
                dev_round(f"step {step}")
                save(last, state())
                last_save = time.time()
        if (step % per_epoch == 0 or step >= total) and not (history and history[-1]["step"] == step):
            dev_round(f"epoch {step / per_epoch:.2f}")
            save(last, state())
            last_save = time.time()
    if not dev_feats:
        save(run / "best.pt", {"model": model.state_dict(), "step": step, "figures": None, "args": config})
        log.info(f"no dev rows: the final step ({step}) is kept -> {run / 'best.pt'}")
    write_json(run / "done.json", {"step": step, "best": best if dev_feats else None, "minutes": round(timer() / 60, 1)})
    chosen = f"best selection score {best:.4f}" if dev_feats else "the final step kept"
    log.info(f"done: {step} steps, {chosen}, {timer() / 60:.1f} min")


def base_parts(config: dict, dropout: float = 0.1):
    """The base a run was trained from (`--base`): its tokenizer, its encoder's shape, and what fills the encoder
    with its weights (a function of the reader, returning the parameters it left unfilled)."""
    if config.get("base", "minilm") == "minilm":
        return load_tokenizer(), Config(dropout=dropout), load_base
    from . import e5
    keep = e5.vocabulary(Path(config["data"]))
    # the embedding rows are the kept pieces': a data folder built again may keep others
    kept = e5.digest(keep)
    if config.setdefault("e5_vocabulary_sha256", kept) != kept:
        raise SystemExit(f"{config['data']} keeps another e5 vocabulary than this run was trained with")
    shape = e5.config_of(len(keep), dropout)
    return e5.pruned_tokenizer(keep), shape, lambda reader: e5.load_base(reader, keep)


def load_reader(path: Path) -> tuple[Reader, dict]:
    state = torch.load(path, weights_only=False)
    _, shape, _ = base_parts(state.get("args") or {}, dropout=0.0)
    model = Reader(shape)
    model.load_state_dict(state["model"])
    model.eval()
    return model, state


def evaluate_checkpoint(args) -> None:
    torch.set_num_threads(2)
    log = log_to(args.run / "train.log")
    model, state = load_reader(args.run / args.checkpoint)
    tok, _, _ = base_parts(state.get("args") or {})
    rows, checked_on = check_rows(args.data, args.max_dev_questions)
    rows, feats = prepare(rows, tok, reads_titles(state))
    fig = evaluate(model, rows, feats)
    fig["rows"] = checked_on
    fig["checkpoint"] = str(args.run / args.checkpoint)
    fig["step"] = state.get("step")
    write_json(args.run / f"eval_{Path(args.checkpoint).stem}.json", fig)
    log.info(f"{args.checkpoint} @ step {state.get('step')}: {brief(fig)}")
    print(json.dumps(fig, indent=1))

