"""Known-item search quality on the real records of ../shared/data (``python -m bench --only
search_recall``): recall@1 and recall@10 of 50 known-item queries, on every search backend.

The data is loaded as issue #14 describes: every MARC file split over four members (file by
file), every KBART list held by a fifth, and 20,000 Douban books as CSV-like records pushed
by two more with a 30% overlap, 300 of them in traditional script; each read by the members'
own readers and pushed through the catalogue service, then indexed.

The 50 queries are of three kinds: ten written by hand for the cases issue #14 names
(exact titles, author + title, phrases, variant characters, misspellings, a member's title
merged into another work); and forty known items drawn with a fixed seed from the loaded
records, each typed the way readers type: the whole title, its first words, the title with
the author's surname, lowercased without punctuation, the title in traditional script, and a
misspelling of one word. A query counts at k when a work holding the known record is among
the first k results.

The catalogue keeps editions and carriers apart (issue #18): the Douban list holds a dozen
editions of 围城 by 钱锺书, the MARC files sixty of Sense and sensibility by Austen, and a query
that names no edition finds them all with the same score. Which edition the known record is
cannot be told from the query, and a reader who typed "钱钟书 围城" has found the book in any
of them (the record page lists the others, ``catalogue.works.other_editions``). So each
answer is also judged as a reader judges it: a query counts at k when among the first k
results is a work holding the known record *or* a work of the same title and first author
(``family``: folded as the search folds them, the author without role or life dates and in
either name order). Both judgements are reported; the first is the one of earlier runs.
"""
import csv
import gzip
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

import opencc
from sqlmodel import select
from tqdm import tqdm

from bench import search_data
from consortium.accounts.models import Member
from consortium.accounts.service import add_member
from consortium.catalogue.models import Holding
from consortium.catalogue.service import ingest_batch
from consortium.db import new_session
from consortium.ports import SEARCH
from consortium.search.operations import rebuild_index
from member_sites.readers import read_records
from search_index.analysis.folding import exact_key, fold_key, fold_variants
from search_index.documents import author_names

DATA = Path(os.environ.get("DAODU_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
MARC_FORMATS = {".mrc": "marc21", ".marc": "marc21", ".dat": "marc21", ".xml": "marcxml", ".mrx": "marcxml",
                ".marcxml": "marcxml"}
MARC_MEMBERS = ("M1", "M2", "M3", "M4")
CHINESE_BOOKS, OVERLAP, TRADITIONAL = 20_000, 0.3, 300
SEED = 14
# (query, a title the known record carries, member, or None for any)
HAND_WRITTEN = [
    ("Nature", "Nature"),
    ("钱钟书 围城", "围城"),
    ("錢鍾書 圍城", "围城"),
    ("红楼梦", "红楼梦"),
    ('"open source software" implementation', "Open source software"),
    ("Surgical anatomy and technique", "Surgical anatomy and technique: a pocket manual"),
    ("The cathedral & the bazaar", "The cathedral & the bazaar"),
    ("cathedrl bazar", "The cathedral & the bazaar"),
    ("万历十五年 黄仁宇", "万历十五年"),
    ("白夜行 东野圭吾", "白夜行"),
]


def run(options) -> list[dict]:
    if not DATA.is_dir():
        print(f"   skipped: no real data at {DATA}", file=sys.stderr)
        return []
    rows = []
    with tempfile.TemporaryDirectory(prefix="daodu-bench-recall-") as tmp:
        app = search_data.make_app(tmp)
        loaded, seconds = load(app)
        rows.append({"suite": "search_recall", "metric": "real data pushed through the catalogue service",
                     "value": loaded["accepted"], "unit": "records",
                     "note": f"{loaded['rejected']:,} rejected; {loaded['works']:,} works; {seconds:.0f} s"})
        queries = known_items(loaded["records"])
        families = {(member, r["local_id"]): family(r["title"], r.get("authors")) for member, r in loaded["records"]}
        for backend in search_data_backends():
            app = search_data.make_app(tmp, backend)
            rebuild_index(app)
            rows += measure(app, backend, queries, loaded["work_of"], families)
    return rows


def search_data_backends() -> tuple[str, ...]:
    override = os.environ.get("DAODU_BENCH_SEARCH_BACKENDS")
    return tuple(override.split(",")) if override else ("whoosh", "whoosh-plain")


def load(app) -> tuple[dict, float]:
    """Push the real data as issue #14 describes; what was accepted and which work each
    ``(member, local_id)`` landed on."""
    started = time.perf_counter()
    batches = list(marc_batches()) + list(kbart_batches()) + list(chinese_batches())
    accepted = rejected = 0
    records: list[tuple[str, dict]] = []
    with new_session(app) as session:
        members = {code: add_member(session, code, f"成员馆{code}") for code in
                   {code for code, _ in batches}}
        for code, batch in tqdm(batches, desc="push real data", file=sys.stderr, mininterval=2):
            for start in range(0, len(batch), 500):
                part = batch[start:start + 500]
                result = ingest_batch(session, members[code], part)
                accepted += result.accepted if isinstance(result.accepted, int) else len(result.works)
                rejected += len(result.rejected)
                bad = {r["index"] for r in result.rejected}
                records += [(code, record) for i, record in enumerate(part) if i not in bad]
        work_of = {(member, local_id): work_id for member, local_id, work_id in
                   session.exec(_holdings_query()).all()}
    return ({"accepted": accepted, "rejected": rejected, "records": records, "work_of": work_of,
             "works": len(set(work_of.values()))}, time.perf_counter() - started)


def _holdings_query():
    return select(Member.code, Holding.local_id, Holding.work_id).join(Member, Member.id == Holding.member_id)


def marc_batches():
    files = sorted(p for p in (DATA / "marc").rglob("*") if p.suffix.lower() in MARC_FORMATS)
    for n, path in enumerate(files):
        records = _read(path, MARC_FORMATS[path.suffix.lower()])
        if records:
            yield MARC_MEMBERS[n % len(MARC_MEMBERS)], _unique_ids(records, f"f{n}")


def kbart_batches():
    files = sorted(p for p in (DATA / "kbart").rglob("*") if p.is_file() and p.suffix.lower() in
                   (".txt", ".csv", ".tsv", ".kbart", ".gz") and "stats" not in p.name)
    for n, path in enumerate(files):
        records = _read(path, "kbart")
        if records:
            yield "K1", _unique_ids(records, f"k{n}")


def chinese_batches():
    """20,000 Douban books: member C1 holds the first 70% plus the overlap, C2 the rest plus
    the overlap; 300 of C2's in traditional script."""
    to_traditional = opencc.OpenCC("s2t")
    books = _douban_books(CHINESE_BOOKS)
    overlap = int(len(books) * OVERLAP)
    first, second = books[:len(books) // 2 + overlap // 2], books[len(books) // 2 - overlap // 2:]
    second = [dict(b, title=to_traditional.convert(b["title"]), authors=[to_traditional.convert(a) for a in b["authors"]])
              if i < TRADITIONAL else b for i, b in enumerate(second)]
    yield "C1", first
    yield "C2", second


def _douban_books(count: int) -> list[dict]:
    path = DATA / "chinese_books" / "douban30000" / "douban_tag_lists.csv"
    books, seen = [], set()
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["douban_subject_id"] in seen or not row["title"].strip():
                continue
            seen.add(row["douban_subject_id"])
            author = re.sub(r"^[\[［(（【].*?[\]］)）】]\s*", "", row["author_guess"].strip())
            year = re.match(r"\d{4}", row["pubdate_guess"] or "")
            books.append({"local_id": f"db-{row['douban_subject_id']}", "title": row["title"].strip()[:1000],
                          "authors": [author] if author else [], "publisher": row["publisher_guess"].strip() or None,
                          "year": int(year.group()) if year else None, "language": "zh", "format": "book"})
            if len(books) == count:
                break
    return books


def _read(path: Path, fmt: str) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            return [r.record for r in read_records(handle, fmt) if r.record]
    except Exception:  # a file no reader takes (the data holds deliberately broken ones)
        return []


def _unique_ids(records: list[dict], prefix: str) -> list[dict]:
    """Local ids made unique across the member's files (several files reuse 001 values)."""
    return [dict(r, local_id=f"{prefix}-{r['local_id']}") for r in records]


def known_items(records: list[tuple[str, dict]]) -> list[tuple[str, str, tuple[str, str] | None]]:
    """The 50 queries: ``(query, kind, (member, local_id) of the known record or None)``."""
    queries = [(q, "hand", _find(records, title)) for q, title in HAND_WRITTEN]
    rng = random.Random(SEED)
    pool = [(m, r) for m, r in records if 8 <= len(r["title"]) <= 120 and not r["title"].isdigit()]
    forms = [_whole, _first_words, _with_surname, _plain_lower, _traditional, _misspelt]
    while len(queries) < 50:
        member, record = rng.choice(pool)
        form = forms[len(queries) % len(forms)]
        typed = form(record, rng)
        if typed:
            queries.append((typed, form.__name__.strip("_"), (member, record["local_id"])))
    return queries


def _find(records, title: str) -> tuple[str, str] | None:
    for member, record in records:
        if record["title"] == title:
            return member, record["local_id"]
    return None


def _whole(record, rng):
    return record["title"]


def _first_words(record, rng):
    words = record["title"].split()
    return " ".join(words[:3]) if len(words) > 3 else (record["title"][:4] if not words[0].isascii() else None)


def _with_surname(record, rng):
    if not record.get("authors"):
        return None
    surname = re.split(r"[,\s]", record["authors"][0].strip())[0]
    return f"{record['title']} {surname}" if surname else None


def _plain_lower(record, rng):
    return " ".join(re.findall(r"\w+", record["title"].lower()))


def _traditional(record, rng):
    if record["title"].isascii():
        return None
    return opencc.OpenCC("s2t").convert(record["title"])


def _misspelt(record, rng):
    words = [w for w in re.findall(r"[A-Za-z]{6,}", record["title"])]
    if not words:
        return None
    word = rng.choice(words)
    i = rng.randrange(1, len(word) - 2)
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return record["title"].replace(word, swapped, 1)


def family(title: str | None, authors) -> str:
    """A title and its first author as a reader compares them: folded as the search folds
    them (traditional and variant characters, case, punctuation), the author without role or
    life dates, its words in either order (曹雪芹 著 = 曹雪芹, "Austen, Jane" = Jane Austen)."""
    names = author_names(authors[0]) if authors else []
    author = " ".join(sorted(fold_key(fold_variants(names[0])).split())) if names else ""
    return f"{exact_key(title)}|{author}"


def measure(app, backend: str, queries, work_of, families) -> list[dict]:
    """recall@1 and @10 under both judgements: the known record's own work, and any work of
    its title and first author (``family``)."""
    port = app.extensions[SEARCH]
    hits = {"work": [0, 0], "family": [0, 0]}
    misses = {"work": [], "family": []}
    for typed, kind, known in queries:
        results = port.search({"q": typed, "per_page": 10})["results"]
        target = work_of.get(known) if known else None
        wanted = families.get(known)
        judged = {"work": [r["id"] == target for r in results],
                  "family": [r["id"] == target or family(r["title"], r["authors"]) == wanted for r in results]}
        for judgement, found in judged.items():
            hits[judgement][0] += bool(found) and found[0]
            hits[judgement][1] += any(found)
            if not any(found):
                misses[judgement].append(f"{kind}: {typed[:40]}")
    n = len(queries)
    rows = []
    # the work judgement keeps the metric names of earlier runs
    for judgement, label in (("work", ""), ("family", ", any edition (same title and first author)")):
        at1, at10 = hits[judgement]
        note = f"misses ({len(misses[judgement])}): " + "; ".join(misses[judgement][:8])
        rows += [{"suite": "search_recall", "metric": f"{backend}: recall@1, {n} known-item queries on real data{label}",
                  "value": at1 / n, "unit": "share", "note": note},
                 {"suite": "search_recall", "metric": f"{backend}: recall@10, {n} known-item queries on real data{label}",
                  "value": at10 / n, "unit": "share"}]
    return rows
