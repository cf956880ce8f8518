"""Deterministic synthetic records for benchmarks: Chinese and English titles, valid ISBNs."""
import random

ZH_WORDS = list("数据结构算法计算机网络原理操作系统程序设计经济学管理中国历史文学哲学社会化学物理生物医学农业工程材料机械电子信息安全艺术教育心理法律政治")
EN_WORDS = ["data", "structures", "algorithms", "introduction", "principles", "history", "economics", "networks",
            "systems", "design", "analysis", "modern", "chinese", "theory", "practice", "learning", "quantum",
            "biology", "engineering", "materials", "language", "society", "culture", "law", "politics"]
CLC = ["TP311.13", "TP301.6", "TN929.5", "O13", "F0", "K204.2", "I242.4", "B22", "D920.0", "G40", "R2", "S5", "H31"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")


def isbn13(n: int) -> str:
    """A checksum-valid ISBN-13 for an integer (978 prefix); synthetic, for benchmarks only."""
    body = f"978{n % 10**9:09d}"
    total = sum((1 if i % 2 == 0 else 3) * int(d) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def synthetic_record(n: int, rng: random.Random) -> dict:
    chinese = n % 2 == 0
    if chinese:
        title = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(4, 9)))
        authors = [rng.choice(SURNAMES) + "".join(rng.choice(ZH_WORDS) for _ in range(2))]
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
