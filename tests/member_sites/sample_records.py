"""Small deterministic push records for reader tests: Chinese and English books with valid
ISBN-13s (check digits from the record package), CLC numbers and holdings."""
from member_sites.record.identifiers import ean13_check_digit

ZH_WORDS = ["数据", "结构", "算法", "网络", "原理", "历史", "文学", "经济学", "导论", "研究"]
EN_WORDS = ["data", "structures", "algorithms", "history", "modern", "theory", "practice", "law"]
CLC = ["TP311.13", "TP301.6", "K204.2", "I242.4", "F0", "O13"]
SURNAMES = "王李张刘陈杨"


def isbn13(n: int) -> str:
    """A valid ISBN-13 for an integer (978 prefix)."""
    body = f"978{n % 10**9:09d}"
    return body + ean13_check_digit(body)


def sample_record(n: int) -> dict:
    chinese = n % 2 == 0
    words = ZH_WORDS if chinese else EN_WORDS
    title = ("" if chinese else " ").join(words[(n + i * 3) % len(words)] for i in range(2 + n % 3))
    authors = [SURNAMES[n % len(SURNAMES)] + "明华"[n % 2]] if chinese else [f"{EN_WORDS[n % 8].title()}, A."]
    return {
        "local_id": f"sample-{n}", "title": title if chinese else title.title(), "authors": authors,
        "isbns": [isbn13(n)], "publisher": "样本出版社" if chinese else "Sample Press", "year": 1990 + n % 36,
        "language": "zh" if chinese else "en", "format": "book", "clc": CLC[n % len(CLC)],
        "subjects": [words[n % len(words)]], "call_number": f"X{n}", "copies": 2, "available": 1,
        "acquired_on": f"2026-{1 + n % 11:02d}-{1 + n % 28:02d}",
    }


def sample_records(count: int) -> list[dict]:
    return [sample_record(n) for n in range(count)]
