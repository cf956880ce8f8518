"""Deterministic synthetic records: Chinese and English titles of real words, valid ISBNs.

Used to load a larger demo (`consortium demo --synthetic N`), by load trials and benchmarks,
and by tests that need many plausible records.
"""
import random

from member_sites.record.identifiers import ean13_check_digit

# Real words, so Chinese queries of the benchmarks match as readers' queries would.
ZH_WORDS = ["数据", "结构", "算法", "计算机", "网络", "原理", "操作系统", "程序设计", "经济学", "管理", "中国",
            "历史", "文学", "哲学", "社会", "化学", "物理", "生物", "医学", "农业", "工程", "材料", "机械",
            "电子", "信息", "安全", "艺术", "教育", "心理", "法律", "政治", "导论", "研究", "概论", "基础",
            "应用", "方法", "现代", "理论", "实践", "语言", "文化", "近代", "发展", "技术", "分析"]
GIVEN_NAMES = list("明华伟芳丽强军平静敏磊洋勇艳杰娟涛超霞刚建国文红玉兰")
EN_WORDS = ["data", "structures", "algorithms", "introduction", "principles", "history", "economics", "networks",
            "systems", "design", "analysis", "modern", "chinese", "theory", "practice", "learning", "quantum",
            "biology", "engineering", "materials", "language", "society", "culture", "law", "politics"]
CLC = ["TP311.13", "TP301.6", "TN929.5", "O13", "F0", "K204.2", "I242.4", "B22", "D920.0", "G40", "R2", "S5", "H31"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")


def isbn13(n: int) -> str:
    """A checksum-valid ISBN-13 for an integer (978 prefix); synthetic, never a real book's."""
    body = f"978{n % 10**9:09d}"
    return body + ean13_check_digit(body)


def synthetic_record(n: int, rng: random.Random) -> dict:
    chinese = n % 2 == 0
    if chinese:
        title = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(2, 5)))
        authors = [rng.choice(SURNAMES) + "".join(rng.choice(GIVEN_NAMES) for _ in range(rng.randint(1, 2)))]
    else:
        title = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(3, 7))).title()
        authors = [f"{rng.choice(EN_WORDS).title()}, {rng.choice('ABCDEFGHJKLM')}."]
    return {
        "local_id": f"syn-{n}", "title": title, "authors": authors, "isbns": [isbn13(n)],
        "publisher": "合成出版社" if chinese else "Synthetic Press", "year": 1990 + n % 36,
        "language": "zh" if chinese else "en", "format": "book", "clc": rng.choice(CLC),
        "subjects": [rng.choice(ZH_WORDS if chinese else EN_WORDS)], "call_number": f"X{n}", "copies": 2,
        "available": 1, "acquired_on": f"2026-{1 + n % 11:02d}-{1 + n % 28:02d}",
    }


def synthetic_records(count: int, seed: int = 7, start: int = 0) -> list[dict]:
    rng = random.Random(seed + start)
    return [synthetic_record(n, rng) for n in range(start, start + count)]
