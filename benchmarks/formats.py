"""Document formats: extraction speed (PDF, HTML, DOCX) and web-page extraction quality.

    python benchmarks/formats.py --trafilatura-repo PATH [--pages 300] [--html-pages N] [--details]

PATH is a git directory of github.com/adbar/trafilatura (a bare clone is enough). Its evaluation set
(tests/evaldata.json: per page, "with" snippets of article text and "without" snippets of boilerplate;
the HTML files under tests/cache and tests/eval) is read from that git directory at run time; nothing
of it is copied here. Scoring follows its tests/eval_common.py (a snippet counts when it occurs in the
output), with whitespace normalised and, as asked of this benchmark, case ignored; the case-sensitive
figure, trafilatura's own, is printed beside it.

Reports, side by side with their targets:
  PDF pages/s on a generated PDF (ours, and the raw speed of pypdfium2, pypdf and pdfminer.six when
  installed, with whether each reads a two-column page in order), HTML and DOCX documents/s,
  HTML article sentences kept and boilerplate kept in.
The load average is printed before and after: other work on the machine slows every figure.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import time
from collections import defaultdict
from pathlib import Path

from assistant.errors import UnreadableFile
from assistant.ingest.cleaning import content_mask
from assistant.ingest.extract import extract

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
EVAL_DIRS = ("tests/cache/", "tests/eval/")  # where trafilatura's evaluation looks for a page's file, in order
DOCX_DOCUMENTS = 40


# --- generated PDFs ------------------------------------------------------------------------------


def sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
    return [s.strip() + "." for s in text.replace("\n", " ").split(". ") if 40 < len(s) < 300]


def wrapped(words: list[str], width: int = 90) -> list[str]:
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def report_pdf(pages: int) -> bytes:
    """A report of `pages` A4 pages: running header with page number, page-number footer, 45 body lines."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(5)
    pool = sentences()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    width, height = A4
    for number in range(1, pages + 1):
        pdf.setFont("Helvetica", 9)
        pdf.drawString(72, height - 40, f"Annual report 2023 — page {number}")
        pdf.drawCentredString(width / 2, 30, str(number))
        pdf.setFont("Helvetica", 10)
        body = wrapped(" ".join(rng.choice(pool) for _ in range(30)).split())[:45]
        for i, line in enumerate(body):
            pdf.drawString(72, height - 80 - 15 * i, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def two_column_pdf() -> tuple[bytes, list[str]]:
    """One page drawn row by row across both columns; returns the bytes and the lines in reading order."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    left = [f"Left column sentence {i} is about rivers." for i in range(1, 21)]
    right = [f"Right column sentence {i} is about peaks." for i in range(1, 21)]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setFont("Helvetica", 10)
    for i, (a, b) in enumerate(zip(left, right)):
        pdf.drawString(60, A4[1] - 80 - 14 * i, a)
        pdf.drawString(320, A4[1] - 80 - 14 * i, b)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue(), left + right


def ours(data: bytes) -> list[str]:
    return ["\n".join(page.lines) for page in extract(Path("x.pdf"), data).pages]


def raw_pypdfium2(data: bytes) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    texts = []
    for page in document:
        textpage = page.get_textpage()
        texts.append(textpage.get_text_range())
        textpage.close()
        page.close()
    document.close()
    return texts


def raw_pypdf(data: bytes) -> list[str]:
    import pypdf

    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def raw_pdfminer(data: bytes) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return ["".join(e.get_text() for e in page if isinstance(e, LTTextContainer)) for page in extract_pages(io.BytesIO(data))]


PDF_READERS = [
    ("ours: assistant.ingest.extract (pypdfium2 + layout)", ours),
    ("pypdfium2 get_text_range (raw text)", raw_pypdfium2),
    ("pypdf extract_text (raw text)", raw_pypdf),
    ("pdfminer.six extract_pages (layout)", raw_pdfminer),
]


def in_order(text: str, expected: list[str]) -> bool:
    """Every expected line is there, and they come in the expected order."""
    flat = " ".join(text.split())
    positions = [flat.find(line) for line in expected]
    return -1 not in positions and positions == sorted(positions)


def pdf_rows(pages: int) -> list[tuple[str, str, str, str]]:
    report = report_pdf(pages)
    columns, expected = two_column_pdf()
    rows = []
    for name, reader in PDF_READERS:
        try:
            ordered = in_order("\n".join(reader(columns)), expected)  # also the warm-up: imports are not timed
            started = time.perf_counter()
            reader(report)
            rate = pages / (time.perf_counter() - started)
        except ImportError:
            rows.append((f"PDF {name}", "not installed", "", ""))
            continue
        target, ok = (">= 20", _ok(rate >= 20)) if reader is ours else ("", "")
        rows.append((f"PDF pages/s, {name}", f"{rate:.1f}", target, ok))
        rows.append(("    reads a two-column page in order", "yes" if ordered else "no", "yes" if reader is ours else "",
                     _ok(ordered) if reader is ours else ""))
    return rows


# --- DOCX ----------------------------------------------------------------------------------------


def word_files(count: int) -> list[bytes]:
    import docx

    rng = random.Random(3)
    pool = sentences()
    files = []
    for _ in range(count):
        document = docx.Document()
        document.add_heading("Quarterly review", level=0)
        for section in range(8):
            document.add_heading(f"Section {section + 1}", level=1)
            for _ in range(6):
                document.add_paragraph(" ".join(rng.choice(pool) for _ in range(4)))
        table = document.add_table(rows=20, cols=4)
        for row in table.rows:
            for cell in row.cells:
                cell.text = str(rng.randint(1, 9999))
        buffer = io.BytesIO()
        document.save(buffer)
        files.append(buffer.getvalue())
    return files


def docx_rate() -> float:
    files = word_files(DOCX_DOCUMENTS)
    extract(Path("warm-up.docx"), files[0])
    started = time.perf_counter()
    for data in files:
        extract(Path("x.docx"), data)
    return len(files) / (time.perf_counter() - started)


# --- HTML ----------------------------------------------------------------------------------------


class GitFiles:
    """Read files from a git directory's HEAD through one `git cat-file --batch` process."""

    def __init__(self, repo: str):
        self.repo = repo
        self.process = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE)

    def names(self, folder: str) -> set[str]:
        listing = subprocess.run(["git", "-C", self.repo, "ls-tree", "-z", "--name-only", "HEAD", folder],
                                 capture_output=True, check=True).stdout.decode("utf-8")
        return {name for name in listing.split("\0") if name}

    def read(self, path: str) -> bytes:
        self.process.stdin.write(f"HEAD:{path}\n".encode())
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if header[-1] == b"missing":
            raise FileNotFoundError(path)
        data = self.process.stdout.read(int(header[2]))
        self.process.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def norm(text: str, case: bool = False) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if case else text.lower()


def evaluation_pages(git: GitFiles, limit: int | None) -> tuple[list[tuple[str, dict, bytes]], int]:
    """(url, annotations, html) for each annotated page whose file is in the snapshot, and how many were not."""
    annotations = json.loads(git.read("tests/evaldata.json"))
    present = set().union(*(git.names(folder) for folder in EVAL_DIRS))
    pages, missing = [], 0
    for url in sorted(annotations)[:limit]:
        item = annotations[url]
        path = next((folder + item["file"] for folder in EVAL_DIRS if folder + item["file"] in present), None)
        if path is None:
            missing += 1
            continue
        pages.append((url, item, git.read(path)))
    return pages, missing


def declared_language(html: bytes) -> str:
    match = re.search(rb"<html[^>]*\blang=[\"']?([a-zA-Z]{2})", html[:5000], re.I)
    language = match.group(1).decode().lower() if match else "?"
    return language if language in ("en", "de") else "other"


def finder(lines: list[str], case: bool):
    """A test for whether a snippet occurs in the lines (whitespace normalised, case ignored unless `case`)."""
    text = norm("\n".join(lines), case)
    return lambda snippet: norm(snippet, case) in text


class Tally:
    """Article ("with") snippets found and boilerplate ("without") snippets found, out of how many."""

    def __init__(self):
        self.kept = self.articles = self.leaked = self.boilerplate = 0

    def add(self, item: dict, article_found, boilerplate_found) -> None:
        self.kept += sum(map(article_found, item["with"]))
        self.articles += len(item["with"])
        self.leaked += sum(map(boilerplate_found, item["without"]))
        self.boilerplate += len(item["without"])

    def shares(self) -> tuple[float, float]:
        return self.kept / max(self.articles, 1), self.leaked / max(self.boilerplate, 1)


MAIN = "substring, case ignored"
def html_scores(pages: list[tuple[str, dict, bytes]]) -> dict:
    tallies: dict[tuple[str, str], Tally] = defaultdict(Tally)
    worst, refused, seconds = [], 0, 0.0
    extract(Path("warm-up.html"), pages[0][2])  # imports and first-call set-up are not a page's cost
    for url, item, html in pages:
        started = time.perf_counter()
        try:
            lines = extract(Path("page.html"), html).pages[0].lines
        except UnreadableFile:
            lines, refused = [], refused + 1
        seconds += time.perf_counter() - started
        cleaned = [line for line, kept in zip(lines, content_mask(lines)) if kept]
        found = finder(lines, case=False)
        ways = {
            MAIN: (found, found),
            "substring, case kept (trafilatura's own scoring)": (finder(lines, case=True),) * 2,
            "after the caller's cleaning.content_mask": (finder(cleaned, case=False),) * 2,
        }
        for way, (article_found, boilerplate_found) in ways.items():
            groups = ("all", declared_language(html), "hard::" if url.startswith("hard::") else "not hard::")
            for group in groups:
                tallies[way, group].add(item, article_found, boilerplate_found)
        missed = [s for s in item["with"] if not found(s)]
        leaked = [s for s in item["without"] if found(s)]
        worst.append((len(missed) + len(leaked), url, missed, leaked))
    return {"tallies": tallies, "worst": sorted(worst, key=lambda w: -w[0]), "refused": refused,
            "rate": len(pages) / seconds}


def html_rows(scores: dict, pages: int) -> list[tuple[str, str, str, str]]:
    kept, leaked = scores["tallies"][MAIN, "all"].shares()
    return [
        (f"HTML documents/s ({pages} pages)", f"{scores['rate']:.1f}", "", ""),
        ("HTML pages refused (no article text found)", str(scores["refused"]), "", ""),
        ("HTML article snippets kept", f"{kept:.3f}", ">= 0.90", _ok(kept >= 0.90)),
        ("HTML boilerplate snippets kept in", f"{leaked:.3f}", "<= 0.05", _ok(leaked <= 0.05)),
    ]


def print_breakdown(scores: dict) -> None:
    """Each way of scoring: all pages, by the language a page declares (<html lang>), and the "hard::" pages."""
    tallies = scores["tallies"]
    languages = ["all", "en", "de", "other", "hard::", "not hard::"]
    counts = {language: tallies[MAIN, language].articles for language in languages}
    sizes = "  ".join(f"{language}: {counts[language]} article snippets" for language in languages)
    print(f"\nHTML scores, article kept / boilerplate kept in, by <html lang> and for the 'hard::' pages\n  ({sizes})")
    for way in dict.fromkeys(way for way, _ in tallies):
        cells = []
        for language in languages:
            kept, leaked = tallies[way, language].shares()
            cells.append(f"{kept:.3f} / {leaked:.3f}")
        print(f"  {way:50}" + "".join(f"{language} {cell:15}" for language, cell in zip(languages, cells)))
    leaked = [snippet for _, _, _, snippets in scores["worst"] for snippet in snippets]
    short = sum(1 for snippet in leaked if len(snippet.split()) <= 3)
    print(f"  boilerplate snippets let in: {len(leaked)}, of which {short} are of 1-3 words (such as 'Twitter', 'YOGA',"
          " which may also occur inside article prose)")


def compare_settings(pages: list[tuple[str, dict, bytes]]) -> list[tuple[str, str, str, str]]:
    """The same scoring for other trafilatura settings, through the same line making as ours."""
    import trafilatura

    from assistant.ingest.extract.html import OPTIONS, body_lines

    rows = []
    for name, change in [("default", {"favor_precision": False}), ("fast", {"favor_precision": False, "fast": True})]:
        tally, started = Tally(), time.perf_counter()
        for _, item, html in pages:
            document = trafilatura.bare_extraction(html, **{**OPTIONS, **change})
            lines = body_lines(document.body)[0] if document is not None and document.body is not None else []
            found = finder(lines, case=False)
            tally.add(item, found, found)
        rate = len(pages) / (time.perf_counter() - started)
        kept, leaked = tally.shares()
        rows.append((f"  other setting, {name}: kept / boilerplate / docs/s", f"{kept:.2f}/{leaked:.2f}/{rate:.0f}", "", ""))
    return rows


def print_details(scores: dict, count: int = 15) -> None:
    print(f"\nthe {count} pages with most misses (article snippets missed, boilerplate snippets let in):")
    for _, url, missed, leaked in scores["worst"][:count]:
        print(f"  {url}")
        for snippet in missed:
            print(f"      missed: {snippet[:90]!r}")
        for snippet in leaked:
            print(f"      leaked: {snippet[:90]!r}")


# --- main ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trafilatura-repo", required=True, help="git directory of adbar/trafilatura")
    parser.add_argument("--pages", type=int, default=300, help="pages in the generated PDF")
    parser.add_argument("--html-pages", type=int, default=None, help="score only the first N annotated pages (0: none)")
    parser.add_argument("--details", action="store_true", help="list the pages with most misses")
    parser.add_argument("--compare-html", action="store_true", help="also score trafilatura's other settings")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")

    rows = pdf_rows(args.pages)
    rows.append((f"DOCX documents/s ({DOCX_DOCUMENTS} generated, ~50 paragraphs + 20-row table)", f"{docx_rate():.1f}", "", ""))
    git = GitFiles(args.trafilatura_repo)
    pages, missing = evaluation_pages(git, args.html_pages)
    git.close()
    scores = html_scores(pages) if pages else None
    if scores:
        rows += html_rows(scores, len(pages))
    if scores and args.compare_html:
        rows += compare_settings(pages)

    print(f"HTML evaluation pages: {len(pages)} scored, {missing} left out (file not in the snapshot)")
    print(f"{'measure':78}{'value':>14}{'target':>10}{'ok':>8}")
    for name, value, target, ok in rows:
        print(f"{name:78}{value:>14}{target:>10}{ok:>8}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if scores:
        print_breakdown(scores)
    if scores and args.details:
        print_details(scores)


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


if __name__ == "__main__":
    main()
