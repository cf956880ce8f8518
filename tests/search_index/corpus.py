"""A deterministic synthetic catalogue for engine-level tests: Chinese and English titles,
valid ISBNs, members holding overlapping works (tests import no benchmark code)."""
import copy
import os
import random
import signal

from search_index.opensearch.connection import ClusterUnavailable
from search_index.ports import IndexDocument, IndexedHolding
from search_index.whoosh_common.fields import whoosh_fields

ZH_WORDS = ["数据", "结构", "算法", "计算机", "网络", "原理", "操作系统", "程序设计", "经济学", "管理", "中国",
            "历史", "文学", "哲学", "社会", "化学", "物理", "生物", "医学", "法律", "政治", "导论", "研究", "概论",
            "基础", "应用", "方法", "现代", "理论", "实践", "语言", "文化", "发展", "技术", "分析"]
EN_WORDS = ["data", "structures", "algorithms", "introduction", "principles", "history", "economics", "networks",
            "systems", "design", "analysis", "modern", "chinese", "theory", "practice", "learning", "quantum",
            "biology", "engineering", "materials", "language", "society", "culture", "law", "politics"]
SURNAMES, GIVEN = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭"), list("明华伟芳丽强军平静敏磊洋勇艳杰")
CLC = ["TP311.13", "TP301.6", "TN929.5", "O13", "F0", "K204.2", "I242.4", "B22", "D920.0", "G40", "R2", "H31"]


def isbn13(n: int) -> str:
    body = f"978{n % 10**9:09d}"
    total = sum((1 if i % 2 == 0 else 3) * int(d) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def index_document(n: int, rng: random.Random) -> IndexDocument:
    """Work ``n + 1``, held by one or two of members M1–M3."""
    chinese = n % 2 == 0
    if chinese:
        title = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(2, 5)))
        authors = (rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),)
    else:
        title = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(3, 7))).title()
        authors = (f"{rng.choice(EN_WORDS).title()}, {rng.choice('ABCDEFGHJKLM')}.",)
    acquired = f"2026-{1 + n % 11:02d}-{1 + n % 28:02d}"
    holdings = tuple(IndexedHolding(member=f"M{1 + (n + j) % 3}", local_id=f"syn-{n}", acquired_on=acquired,
                                    available=n % 2) for j in range(1 + n % 2))
    return IndexDocument(id=n + 1, title=title, authors=authors, year=1990 + n % 36, format="book",
                         publisher="合成出版社" if chinese else "Synthetic Press", language="chi" if chinese else "eng",
                         isbns=(isbn13(n),), clc=rng.choice(CLC), holdings=holdings,
                         subjects=(rng.choice(ZH_WORDS if chinese else EN_WORDS),))


def index_documents(count: int, start: int = 0, seed: int = 7) -> list[IndexDocument]:
    rng = random.Random(seed + start)
    return [index_document(n, rng) for n in range(start, start + count)]


def whoosh_documents(count: int, start: int = 0) -> list[dict]:
    """The same works as Whoosh documents (the fields both Whoosh backends write)."""
    return [whoosh_fields(doc) for doc in index_documents(count, start)]


class ListSource:
    """A ``search_index.ports.DocumentSource`` over documents in memory (picklable)."""

    def __init__(self, documents: list[IndexDocument]):
        self.docs = sorted(documents, key=lambda doc: doc.id)

    def count(self) -> int:
        return len(self.docs)

    def partitions(self, size: int) -> list["ListSource"]:
        if not self.docs:
            return []
        low, high = self.docs[0].id, self.docs[-1].id
        return [ListSource([d for d in self.docs if start <= d.id < start + size])
                for start in range(low, high + 1, size)]

    def documents(self):
        return iter(self.docs)


class ListBatch:
    """A ``search_index.ports.WorkBatch`` over documents in memory (picklable): ``removed``
    ids have none. ``read_elsewhere``: reading it in the process that made it raises (what
    is read must be read by a helper); ``failing``: a work id whose part raises
    ``ClusterUnavailable`` when read; ``dying``: one whose part kills the process reading it."""

    def __init__(self, documents, removed=(), read_elsewhere: bool = False, failing: int | None = None,
                 dying: int | None = None):
        self.docs = {doc.id: doc for doc in documents} | {work_id: None for work_id in removed}
        self.work_ids = tuple(sorted(self.docs))
        self.maker = os.getpid() if read_elsewhere else None
        self.failing, self.dying = failing, dying

    def parts(self, size: int) -> list["ListBatch"]:
        parts = []
        for start in range(0, len(self.work_ids), size):
            part = copy.copy(self)
            part.docs = {work_id: self.docs[work_id] for work_id in self.work_ids[start:start + size]}
            part.work_ids = self.work_ids[start:start + size]
            parts.append(part)
        return parts

    def documents(self) -> dict:
        if self.maker == os.getpid():
            raise AssertionError("read in the process that made the batch, not in a helper")
        if self.dying in self.docs:
            os.kill(os.getpid(), signal.SIGKILL)
        if self.failing in self.docs:
            raise ClusterUnavailable(f"work {self.failing} could not be read")
        return dict(self.docs)
