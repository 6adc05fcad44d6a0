"""train: fine-tune the embedder on question -> answering passage groups, with in-batch and hard negatives
(a softmax over every passage of the batch, the loss sentence-transformers calls MultipleNegativesRanking).
Seeded, logged, checkpointed every few minutes and resumable."""

from __future__ import annotations

import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from training.reader.checkpoints import open_run, save
from training.reader.common import Timer, load_tokenizer, seed_everything, write_json

from .model import Embedder, base_embedder, with_low_rank
from .pairs import Group, groups, passage_text

QUESTION_TOKENS = 64
PASSAGE_TOKENS = 256  # the product embeds chunks at this length (embeddings.MAX_TOKENS)


def tokenizer(max_len: int):
    tok = load_tokenizer(max_len)
    tok.enable_truncation(max_len)
    return tok


def collate(texts: list[str], tok) -> dict[str, torch.Tensor]:
    encodings = tok.encode_batch(texts)
    width = max(len(e.ids) for e in encodings)
    pad = lambda rows: torch.tensor([r + [0] * (width - len(r)) for r in rows])  # noqa: E731
    return {"input_ids": pad([e.ids for e in encodings]), "attention_mask": pad([e.attention_mask for e in encodings]),
            "token_type_ids": pad([e.type_ids for e in encodings])}


def encode(model: Embedder, texts: list[str], tok, batch: int = 64) -> np.ndarray:
    """Vectors of many texts, in order (batched by length so padding stays small)."""
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.config.hidden), dtype=np.float32)
    with torch.no_grad():
        for a in range(0, len(order), batch):
            idx = order[a:a + batch]
            out[idx] = model.embed(**collate([texts[i] for i in idx], tok)).numpy()
    return out


def batch_texts(chosen: list[Group], rng: random.Random) -> tuple[list[str], list[str]]:
    """The batch's questions, and its passages: each group's positives first (one drawn), then one hard negative
    per group that has one."""
    positives = [rng.choice(g.positives) for g in chosen]
    negatives = [rng.choice(g.negatives) for g in chosen if g.negatives]
    return [g.question for g in chosen], positives + negatives


def loss(model: Embedder, questions: dict, passages: dict, scale: float) -> torch.Tensor:
    q = model.embed(**questions)
    p = model.embed(**passages)
    logits = scale * q @ p.T
    return nn.functional.cross_entropy(logits, torch.arange(len(q)))


def dev_figures(model: Embedder, dev: list[Group], qtok, ptok) -> dict:
    """Each dev question ranks the pool of every dev passage: is its top passage one that answers it (recall@1),
    one of its answering passages in the top 5, and the mean reciprocal rank of the first."""
    pool = sorted({p for g in dev for p in g.positives + g.negatives})
    at = {p: i for i, p in enumerate(pool)}
    pv = encode(model, pool, ptok)
    qv = encode(model, [g.question for g in dev], qtok)
    firsts, fives, ranks = [], [], []
    for g, v in zip(dev, qv):
        order = np.argsort(-(pv @ v))
        good = {at[p] for p in g.positives}
        rank = next(r for r, i in enumerate(order) if i in good)
        firsts.append(rank == 0)
        fives.append(rank < 5)
        ranks.append(1.0 / (rank + 1))
    return {"questions": len(dev), "pool": len(pool), "recall_at_1": float(np.mean(firsts)),
            "recall_at_5": float(np.mean(fives)), "mrr": float(np.mean(ranks))}


def train(args) -> None:
    run: Path = args.run
    log, last, resume = open_run(run, args.threads)
    config = resume["args"] if resume else {**vars(args), "data": str(args.data), "run": str(args.run),
                                            "extra": [str(p) for p in args.extra]}
    seed = config["seed"]
    seed_everything(seed)
    qtok, ptok = tokenizer(QUESTION_TOKENS), tokenizer(PASSAGE_TOKENS)
    data = Path(config["data"])
    train_groups = groups([data / "train.jsonl"] + [Path(p) for p in config["extra"]])
    train_groups = [g for g in train_groups if g.source in config["sources"]]
    dev = dev_groups(data / "dev.jsonl")
    counts = {s: sum(g.source == s for g in train_groups) for s in config["sources"]}
    log.info(f"training questions {len(train_groups)} {counts}; dev questions {len(dev)}")

    model = base_embedder()
    model.encoder.word.weight.requires_grad_(False)  # as the reader: faster, steadier
    if config.get("low_rank"):
        with_low_rank(model, config["low_rank"])
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=config["lr"],
                                  weight_decay=0.01)
    per_epoch = math.ceil(len(train_groups) / config["batch"])
    total = max(1, math.ceil(config["epochs"] * per_epoch))
    warmup = max(1, int(0.1 * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup))))
    step, history = 0, []
    if resume:
        model.load_state_dict(resume["model"])
        optimizer.load_state_dict(resume["optimizer"])
        schedule.load_state_dict(resume["schedule"])
        step, history = resume["step"], resume["history"]
        log.info(f"resuming from {last} at step {step}")
    write_json(run / "config.json", {**config, "steps_total": total, "steps_per_epoch": per_epoch,
                                     "training_questions": counts, "dev_questions": len(dev)})

    def state() -> dict:
        return {"model": model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                "step": step, "history": history, "args": config, "saved": time.strftime("%Y-%m-%d %H:%M:%S")}

    def dev_round(tag: str) -> None:
        t = time.time()
        fig = {**dev_figures(model, dev, qtok, ptok), "step": step, "tag": tag, "seconds": round(time.time() - t)}
        history.append(fig)
        write_json(run / "dev_history.json", history)
        log.info(f"dev @ {tag}: recall@1 {fig['recall_at_1']:.3f} recall@5 {fig['recall_at_5']:.3f} "
                 f"MRR {fig['mrr']:.3f} ({fig['questions']} questions, pool {fig['pool']}, {fig['seconds']} s)")
        model.train()

    if not resume:
        dev_round("base")
    timer, last_save, running = Timer(), time.time(), None
    model.train()
    while step < total:
        epoch, offset = divmod(step, per_epoch)
        order = list(range(len(train_groups)))
        random.Random(seed * 1000 + epoch).shuffle(order)
        for b in range(offset, per_epoch):
            if step >= total:
                break
            chosen = [train_groups[i] for i in order[b * config["batch"]:(b + 1) * config["batch"]]]
            questions, passages = batch_texts(chosen, random.Random(f"{seed}-{epoch}-{b}"))
            value = loss(model, collate(questions, qtok), collate(passages, ptok), config["scale"])
            optimizer.zero_grad(set_to_none=True)
            value.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            running = value.item() if running is None else 0.95 * running + 0.05 * value.item()
            if step % 20 == 0 or step == 1:
                eta = (total - step) * timer() / max(1, step - (resume["step"] if resume else 0))
                log.info(f"step {step}/{total} loss {running:.3f} lr {schedule.get_last_lr()[0]:.2e} "
                         f"eta {eta / 60:.0f} min")
            if time.time() - last_save > 60 * config["checkpoint_minutes"]:
                save(last, state())
                last_save = time.time()
        dev_round(f"epoch {step / per_epoch:.2f}")
        save(last, state())
        last_save = time.time()
    write_json(run / "done.json", {"step": step, "minutes": round(timer() / 60, 1), "last": history[-1]})
    log.info(f"done: {step} steps, {timer() / 60:.1f} min")


def dev_groups(path: Path) -> list[Group]:
    """The reader's dev questions (RealTimeQA dev weeks) with an answering passage, for the figures only."""
    found: dict[str, Group] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["split"] == "dev":
                g = found.setdefault(row["question_id"], Group(row["question"], "realtimeqa"))
                (g.positives if row["has_answer"] else g.negatives).append(passage_text(row))
    return [g for g in found.values() if g.positives]
