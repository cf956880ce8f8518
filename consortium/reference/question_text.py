"""What a reader's question text says about the works it is about: identifiers and subject.

Pure: no Flask, no database. ``find_identifiers`` pulls ISBNs (10 or 13 digits, with or without
hyphens or spaces), ISSNs and DOIs out of free text; ``infer_clc`` guesses the CLC (中图法) class
of a question from a keyword table in Chinese and English.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from member_sites.record.identifiers import normalise_isbn, normalise_issn

# A run of digits that may be broken by hyphens or single spaces, ending in a digit or X.
_ISBN_RUN = re.compile(r"(?<![\dA-Za-z])(97[89][\d\- ]{10,16}\d|\d[\d\- ]{8,12}[\dXx])(?![\dA-Za-z])")
# ISSNs are 8 characters; without a hyphen they are only taken after the word ISSN.
_ISSN_HYPHEN = re.compile(r"(?<![\d\-])(\d{4}-\d{3}[\dXx])(?![\d\-])")
_ISSN_LABELLED = re.compile(r"ISSN[:：\s]*(\d{4}-?\d{3}[\dXx])", re.IGNORECASE)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>，。；、）]+)", re.IGNORECASE)
_DOI_TRAILING = ".,;:)]}'"


@dataclass(frozen=True)
class Identifiers:
    """Identifiers found in a text, normalised: ISBN-13s, ``NNNN-NNNC`` ISSNs, lower-case DOIs."""

    isbns: tuple[str, ...] = ()
    issns: tuple[str, ...] = ()
    dois: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.isbns or self.issns or self.dois)

    def as_list(self) -> list[str]:
        return [*self.isbns, *self.issns, *self.dois]


def find_identifiers(text: str) -> Identifiers:
    """Every valid ISBN, ISSN and DOI written in ``text``, each once, in order of appearance."""
    text = unicodedata.normalize("NFKC", text or "")
    isbns = _unique(_valid(normalise_isbn, m.group(1)) for m in _ISBN_RUN.finditer(text))
    dois = _unique(m.group(1).rstrip(_DOI_TRAILING).lower() for m in _DOI.finditer(text))
    without_dois = _DOI.sub(" ", text)
    issn_candidates = [m.group(1) for m in _ISSN_LABELLED.finditer(without_dois)]
    issn_candidates += [m.group(1) for m in _ISSN_HYPHEN.finditer(without_dois)]
    issns = _unique(_valid(normalise_issn, c) for c in issn_candidates)
    return Identifiers(tuple(isbns), tuple(issns), tuple(dois))


def _valid(normaliser, raw: str) -> str | None:
    try:
        return normaliser(raw)
    except ValueError:
        return None


def _unique(values) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


# CLC class → keywords (Chinese and English). Two-letter classes are listed where the
# schedules split a main class the consortium's members specialise in (TP, TN, TU, ...).
CLC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "A": ("马克思", "列宁", "毛泽东思想", "邓小平理论", "marxism", "leninism"),
    "B": ("哲学", "伦理", "心理学", "逻辑学", "宗教", "philosophy", "ethics", "psychology", "religion"),
    "C": ("社会学", "统计学", "人口学", "管理学", "sociology", "statistics", "demography"),
    "D": ("政治", "法律", "法学", "宪法", "民法", "刑法", "外交", "politics", "law", "legal", "constitution"),
    "E": ("军事", "国防", "兵法", "military", "defense", "warfare"),
    "F": ("经济", "金融", "会计", "财政", "贸易", "市场营销", "农业经济", "economics", "finance",
          "accounting", "trade", "marketing", "economy"),
    "G": ("教育", "文化", "体育", "图书馆学", "信息检索", "新闻", "education", "teaching", "sports",
          "library science", "journalism", "pedagogy"),
    "H": ("语言", "汉语", "英语", "语法", "翻译", "词典", "linguistics", "grammar", "translation",
          "dictionary", "language learning"),
    "I": ("文学", "小说", "诗歌", "散文", "红楼梦", "鲁迅", "literature", "novel", "poetry", "fiction"),
    "J": ("艺术", "绘画", "音乐", "书法", "电影", "设计", "art", "painting", "music", "calligraphy", "film"),
    "K": ("历史", "史记", "考古", "地理", "传记", "地方志", "history", "archaeology", "biography", "geography"),
    "N": ("自然科学", "科学史", "natural science", "history of science"),
    "O": ("数学", "物理", "化学", "力学", "代数", "微积分", "统计物理", "mathematics", "physics",
          "chemistry", "algebra", "calculus", "mechanics"),
    "P": ("天文", "地质", "气象", "海洋", "地球科学", "astronomy", "geology", "meteorology", "oceanography"),
    "Q": ("生物", "遗传", "植物学", "动物学", "微生物", "生态", "biology", "genetics", "botany",
          "zoology", "ecology", "microbiology"),
    "R": ("医学", "医药", "临床", "中医", "护理", "药学", "medicine", "clinical", "nursing", "pharmacy",
          "medical"),
    "S": ("农业", "农学", "作物", "园艺", "畜牧", "兽医", "林业", "水产", "土壤", "agriculture",
          "agronomy", "crop", "horticulture", "veterinary", "forestry", "soil"),
    "T": ("工程", "技术", "engineering", "technology"),
    "TB": ("材料科学", "工程材料", "materials science"),
    "TH": ("机械", "仪器", "mechanical engineering", "machinery"),
    "TM": ("电工", "电力", "电机", "power grid", "electrical engineering"),
    "TN": ("电子", "通信", "雷达", "半导体", "electronics", "telecommunication", "semiconductor", "signal processing"),
    "TP": ("计算机", "软件", "编程", "程序设计", "算法", "数据库", "人工智能", "机器学习", "网络安全",
           "自动化", "python", "java", "computer", "software", "programming", "algorithm", "database",
           "artificial intelligence", "machine learning", "deep learning", "operating system"),
    "TQ": ("化学工业", "化工", "chemical engineering"),
    "TS": ("食品", "纺织", "印刷", "food science", "textile"),
    "TU": ("建筑", "土木", "结构工程", "城市规划", "architecture", "civil engineering", "urban planning"),
    "TV": ("水利", "水电", "hydraulic engineering"),
    "U": ("交通", "铁路", "公路", "桥梁", "汽车", "船舶", "transportation", "railway", "highway", "bridge",
          "automobile"),
    "V": ("航空", "航天", "飞机", "飞行器", "火箭", "卫星", "aviation", "aerospace", "aircraft", "rocket",
          "spacecraft", "satellite"),
    "X": ("环境", "污染", "安全科学", "环保", "environment", "pollution", "environmental"),
    "Z": ("百科全书", "丛书", "年鉴", "encyclopedia", "yearbook"),
}


def _is_ascii_word(keyword: str) -> bool:
    return keyword.isascii()


def _keyword_pattern(keyword: str) -> re.Pattern:
    # English keywords match whole words only ("art" must not match "start"); Chinese ones anywhere.
    if _is_ascii_word(keyword):
        return re.compile(r"(?<![a-z])" + re.escape(keyword) + r"(?![a-z])")
    return re.compile(re.escape(keyword))


_PATTERNS: dict[str, tuple[re.Pattern, ...]] | None = None


def _patterns() -> dict[str, tuple[re.Pattern, ...]]:
    global _PATTERNS
    if _PATTERNS is None:  # built on first use, never at import
        _PATTERNS = {clc: tuple(_keyword_pattern(k) for k in kws) for clc, kws in CLC_KEYWORDS.items()}
    return _PATTERNS


def clc_keyword_hits(text: str) -> dict[str, int]:
    """How many keywords of each CLC class occur in ``text`` (classes with no hit are left out)."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    hits = {}
    for clc, patterns in _patterns().items():
        count = sum(1 for p in patterns if p.search(folded))
        if count:
            hits[clc] = count
    return hits


def infer_clc(text: str) -> str | None:
    """The CLC class a question is most likely about, or None when no keyword matches.

    A two-letter class (TP) counts its own hits plus its main class's (T); ties go to the
    more specific class, then alphabetically, so the answer is deterministic.
    """
    hits = clc_keyword_hits(text)
    if not hits:
        return None
    scored = {clc: n + (hits.get(clc[0], 0) if len(clc) > 1 else 0) for clc, n in hits.items()}
    return min(scored, key=lambda clc: (-scored[clc], -len(clc), clc))
