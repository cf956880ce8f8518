"""Pure comparison keys of records: a personal name in either order, the title + first author
+ year key that matching falls back on, a serial's title as its ISSN's holders spell it, the
words two titles can share, and the number of an edition statement.

Text is folded (traditional → simplified Chinese, case, accents, punctuation) by the search
analysis's ``fold_key``, so a work matches on the same forms readers search by; identifiers,
class numbers and language codes are the record contract's (``member_sites.record``).
"""
import re
from functools import lru_cache

from search_index.analysis.folding import fold_key

# Words two unrelated titles share without being related: articles, prepositions and
# conjunctions of the catalogue's languages (a title with only these shares nothing).
STOPWORDS = frozenset(
    "a an and the of for in on at to by with from or as into its is are be this that "
    "der die das des dem den ein eine und von zu im am für mit "
    "le la les l un une des du de et en au aux d "
    "el los las y del al con por para "
    "il lo gli i e di da per".split())
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
_HAN_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
# provider notes in brackets ("(via EBSCO Host)", "(formerly: …)", "[electronic resource]")
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|（[^（）]*）|【[^【】]*】")
# a bracketed note naming a language edition is part of the title: "Latin Trade (Spanish)"
_LANGUAGE_EDITION = re.compile(r"(?i)\b(english|spanish|french|german|chinese|japanese|russian|portuguese|italian|"
                               r"arabic|korean|edition|ed\.|ausg|édition|edición)\b")
# ISBD marks before a subtitle (" : ") or a parallel title (" = "), and " -- " used alike;
# a colon without the space before it ("OECD Economic Surveys: India") is part of the title
_SUBTITLE_MARK = re.compile(r"\s+[:=]\s|\s+--\s|\s+[:=]$")
_ARTICLES = frozenset({"the", "a", "an", "le", "la", "les", "l", "der", "die", "das", "el", "los", "las", "il", "lo"})
# what follows a colon when it describes the serial rather than naming a part of it
_SERIAL_SUBTITLE = re.compile(r"(?i)(the|a|an|la|le|les|l'|der|die|das|el)\b|.*\b(journal|quarterly|magazine|bulletin|"
                              r"newsletter|revue|zeitschrift|revista|rivista|periodical)\b")
_TRAILING_ARTICLE = re.compile(r",\s*(the|a|an|le|la|les|l'|der|die|das|el|los|las|il|lo)\s*$", re.IGNORECASE)


def author_key(author: str | None) -> str:
    """Key of a personal name in either order: "Knuth, Donald E., 1938-" == "Donald E. Knuth"."""
    key = re.sub(r"\d+", " ", fold_key(author))
    return " ".join(sorted(key.split()))


def match_key(title: str, authors: list[str], year: int | None) -> str | None:
    """Normalised title + first author + year: the last-resort identity of a work.

    None when there is neither an author nor a year: a title alone ("Oasis") names many works,
    so a title key needs one of them on both sides."""
    first = author_key(authors[0]).replace(" ", "") if authors else ""
    if not first and not year:
        return None
    return "|".join((fold_key(title).replace(" ", ""), first, str(year or "")))


def family_key(title: str, authors: list[str]) -> str:
    """Title + first author without the year: the works of one family (its other editions)."""
    first = author_key(authors[0]).replace(" ", "") if authors else ""
    return f"{fold_key(title).replace(' ', '')}|{first}"[:600]


def title_tokens(*texts: str | None) -> frozenset[str]:
    """The words of titles that two records can share: folded words other than stopwords and
    single letters, and for Chinese (or Japanese) script its character pairs (a single
    character when a run has only one)."""
    if len(texts) == 1:
        return _tokens(texts[0])
    return frozenset().union(*(_tokens(text) for text in texts))


@lru_cache(maxsize=65536)
def _tokens(text: str | None) -> frozenset[str]:
    # cached: a work's title and every holder's record of it are the same text, compared at
    # every push of the work (a third of a merging push's matching before the cache)
    tokens: set[str] = set()
    folded = fold_key(text)
    for run in _HAN_RUN.findall(folded):
        tokens.update(run[i:i + 2] for i in range(max(1, len(run) - 1)))
    for word in _HAN_RUN.sub(" ", folded).split():
        if len(word) > 1 and word not in STOPWORDS:
            tokens.add(word)
    return frozenset(tokens)


def titles_share_words(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two titles have anything in common (an empty side gives no evidence: True)."""
    return not a or not b or not a.isdisjoint(b)


@lru_cache(maxsize=65536)
def serial_title_key(title: str | None) -> str:
    """A serial's title as every holder of its ISSN should spell it: provider notes in brackets,
    a subtitle after " : ", a parallel title after " = ", a leading or trailing article and
    stopwords gone. Sections ("JGR / A - Space Physics") and country reports ("OECD Economic Surveys:
    India") keep what tells them apart."""
    text = _BRACKETED.sub(lambda m: m.group(0) if _LANGUAGE_EDITION.search(m.group(0)) else " ", title or "")
    text = _SUBTITLE_MARK.split(text, maxsplit=1)[0]
    head, colon, rest = text.partition(":")
    if colon and _SERIAL_SUBTITLE.match(rest.strip()):
        text = head  # "Symposium: A Quarterly Journal …" is Symposium; "OECD Economic Surveys: India" stays
    words = fold_key(_TRAILING_ARTICLE.sub("", text.strip())).split()
    if words and words[0] in _ARTICLES:
        words = words[1:]
    # a single letter is kept: it tells sections apart ("Journal of Physics A" / "… B")
    return " ".join(w for w in words if len(w) == 1 or w not in STOPWORDS)


# what every publisher's name says: left out so that the names themselves are compared
_PUBLISHER_SUFFIXES = re.compile("出版总社|出版集团|出版公司|出版社|有限责任公司|有限公司|股份|书局|书店|书社|出版|公司|集团")
_PUBLISHER_WORDS = frozenset("press publishing publishers publisher books book inc ltd llc co company corp group "
                             "verlag gmbh plc editions editorial house the and of".split())


@lru_cache(maxsize=16384)
def publisher_key(publisher: str | None) -> str:
    """A publisher's name without what every publisher's name says: "译林出版社" → "译林",
    "Bloomsbury Publishing PLC" → "bloomsbury"."""
    folded = _PUBLISHER_SUFFIXES.sub(" ", fold_key(publisher))
    return " ".join(w for w in folded.split() if w not in _PUBLISHER_WORDS)


def publishers_agree(a: str, b: str) -> bool:
    """Two publisher keys name one publisher when one's name holds the other's ("三联" in
    "生活读书新知三联", "knopf" in "alfred a knopf"); a missing one gives no evidence."""
    if not a or not b:
        return True
    words_a, words_b = set(a.split()), set(b.split())
    compact_a, compact_b = a.replace(" ", ""), b.replace(" ", "")
    return words_a <= words_b or words_b <= words_a or compact_a in compact_b or compact_b in compact_a


_ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                  "eighth": 8, "ninth": 9, "tenth": 10, "erste": 1, "zweite": 2, "dritte": 3, "vierte": 4,
                  "premiere": 1, "deuxieme": 2, "troisieme": 3, "primera": 1, "segunda": 2, "tercera": 3}
_HAN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
               "两": 2, "〇": 0, "零": 0}
_EDITION_WORD = r"(?:ed|edn|edition|editions|eds|aufl|auflage|ausg|ausgabe|edicion|edizione|uitg|izd|wyd|utg|uppl)\b"
_NUMBERED = re.compile(r"(?<!\d)(\d{1,3})\s*(?:st|nd|rd|th|d|e|er|re|eme|a|o|te|de|\.)?\s*" + _EDITION_WORD)
_WORDED = re.compile(r"\b(" + "|".join(_ORDINAL_WORDS) + r")\s+" + _EDITION_WORD)
_HAN_NUMBERED = re.compile(r"第?\s*([0-9一二三四五六七八九十两〇零]{1,4})\s*版")


@lru_cache(maxsize=4096)
def edition_number(statement: str | None) -> int | None:
    """The number of an edition statement: "2nd ed." → 2, "Second edition" → 2, "3. Aufl." → 3,
    "第二版" / "2版" → 2; None when it states none ("Large print ed.", "1985 ed.", "修订版")."""
    if not statement:
        return None
    han = _HAN_NUMBERED.search(statement)
    if han:
        return _han_number(han.group(1))
    folded = fold_key(statement)  # punctuation gone: "3. Aufl." reads "3 aufl"
    for pattern in (_NUMBERED, _WORDED):
        found = pattern.search(folded)
        if found:
            value = found.group(1)
            return int(value) if value.isdigit() else _ORDINAL_WORDS[value]
    return None


def _han_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _HAN_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _HAN_DIGITS.get(tens, 1) * 10 + (_HAN_DIGITS.get(ones, 0) if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + _HAN_DIGITS.get(ch, 0)
    return value or None


def editions_differ(a: int | None, b: int | None) -> bool:
    """Two edition numbers name different editions only when both are stated."""
    return a is not None and b is not None and a != b
