"""Detectors of personal data in free text, used by ``consortium.redaction``.

Pure: no Flask, no database. Each detector returns ``Found`` spans in the original text;
``consortium.redaction`` resolves overlaps and replaces them.
"""
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"


@dataclass(frozen=True)
class Found:
    """One piece of personal data: its kind, the text removed and where it was (original text)."""

    kind: str
    original: str
    start: int
    end: int


_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*\s?[@＠]\s?(?:{_LABEL}\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?")

_SEP = r"[\s\-‐–]?"
# Any grouping of the 11 digits (138 1234 5678, 1381 234 5678, 138-1234-5678).
MOBILE = re.compile(rf"(?<![\d+])(?:(?:\+|00)\s?86{_SEP}|\(\+?86\)\s?)?1[3-9](?:{_SEP}\d){{9}}(?!\d)")
LANDLINE = re.compile(rf"(?<![\d\-–])(?:\(0\d{{2,3}}\)\s?|0\d{{2,3}}[\s\-–])\d{{3,4}}{_SEP}\d{{4}}"
                      r"(?:\s?(?:转|ext\.?|x)\s?\d{1,5})?(?!\d)")
# "00" as an international prefix only with a separator after the country code, so that
# bare numbers such as the ISBN-10 0061234567 are not phones.
INTERNATIONAL = re.compile(r"(?<![\w+])(?:\+|00(?=\d{1,3}[\s\-(]))[1-9]\d{0,2}[\s\-]?(?:\(\d{1,4}\)[\s\-]?)?\d{1,4}(?:[\s\-]?\d{2,4}){1,4}(?!\d)")
PHONE_INTRODUCED = re.compile(r"(?i:电话|手机|手机号|联系电话|座机|tel|phone|mobile|cell)\s*(?:号码|号)?\s*"
                              r"(?:是|为)?\s*[:：]?\s*(\+?\d[\d\s\-]{5,18}\d)(?!\d)")

ID18 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx](?![0-9A-Za-z])")
ID15 = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{14}(?![0-9A-Za-z])")
ID_INTRODUCED = re.compile(r"(?:身份证(?:号码|号)?|证件号(?:码)?|(?i:id\s*card|identity\s*card|id\s*number)"
                           r"(?:\s*(?i:no\.?|number|#))?)\s*(?:是|为)?\s*[:：]?\s*(\d{17}[0-9Xx]|\d{15})(?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Each pattern has one group: the number itself. Case-insensitive.
DEFAULT_STUDENT_NUMBER_PATTERNS = (
    r"(?:学号|学生证号|工号|借书证号|读者证号|借阅证号|校园卡号|一卡通号|"
    r"student\s*(?:number|no\.?|id)|staff\s*(?:number|no\.?|id)|library\s*card\s*(?:number|no\.?))"
    r"\s*(?:是|为|is)?\s*[:：#]?\s*(\d{8,12})(?!\d)",
)

QQ = re.compile(r"(?:(?i:qq)|扣扣)\s*(?:号码|号)?\s*(?:是|为)?\s*[:：]?\s*([1-9]\d{4,11})(?!\d)")
WECHAT = re.compile(r"(?:微信|(?i:wechat|weixin))\s*(?:(?:号|(?i:id))\s*(?:是|为)?\s*[:：]?|(?:是|为)\s*[:：]?|[:：])"
                    r"\s*([A-Za-z][-_A-Za-z0-9]{5,19}|\d{5,15})(?![-_A-Za-z0-9])")

# Common surnames (single and compound) for "我是张三"; "我叫…"/"姓名：…" need none.
SURNAMES = ("欧阳 司马 上官 诸葛 东方 皇甫 慕容 令狐 公孙 尉迟 长孙 宇文 司徒 夏侯 "
            "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 "
            "肖 萧 田 董 袁 潘 蔡 蒋 余 于 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 廖 石 "
            "金 韦 贾 夏 付 傅 方 邹 熊 白 孟 秦 邱 侯 江 尹 薛 闫 阎 段 雷 龙 黎 史 陶 贺 毛 郝 顾 龚 "
            "邵 万 覃 武 钱 戴 严 莫 孔 向 常 汤 康 易 乔 赖 文 施 洪 辛 柯 庄 鲁 葛 俞 牛 申 殷 詹 ").split()
# Characters that end a name: verbs, particles and titles that follow a self-introduction.
_NAME_STOP = "的是在了想要请问需和与从来去到给把被也都就还又老同学生师先女士教授馆员同志们，。、！？"
_GIVEN = rf"(?:[{HAN}](?<![{_NAME_STOP}]))"
ZH_NAME_INTRODUCED = re.compile(rf"(?:我叫|我的名字是|我的名字叫|姓名\s*[:：]?|本人)\s*"
                                rf"((?:{'|'.join(SURNAMES)}){_GIVEN}{{1,2}}|{_GIVEN}{{2,3}})")
ZH_NAME_IAM = re.compile(rf"我是\s*((?:{'|'.join(SURNAMES)}){_GIVEN}{{1,2}})(?!{_GIVEN})")
EN_NAME_INTRODUCED = re.compile(r"(?:(?i:my\s+name\s+is|my\s+name's)|(?-i:Name)\s*:)\s*"
                                r"([A-Z][a-zA-Z'’\-]+(?:\s+[A-Z][a-zA-Z'’\-]+){0,2})")


# A number right after ISBN/ISSN/DOI is a bibliographic identifier, never personal data.
CITED_IDENTIFIER = re.compile(r"(?i:isbn(?:-1[03])?|issn|e-?issn|doi)\s*[:：]?\s*$")


# The whole written identifier after ISBN/ISSN/DOI, so no inner run of it
# (978-1-001-00000-8 → "001-00000") is taken for a phone number.
_CITED_LABEL = re.compile(r"(?i:isbn(?:-1[03])?|e-?issn|issn)\s*[:：]?\s*(?=[0-9Xx])")
_DOI = re.compile(r"(?i:doi)\s*[:：]?\s*10\.\d{4,9}/\S+")
_ID_CHARS = re.compile(r"[0-9Xx](?:[0-9Xx]|[- ](?=[0-9Xx])){0,20}")


def cited_spans(text: str) -> list[tuple[int, int]]:
    """Where bibliographic identifiers are written out (ISBN-10/13 or ISSN digits with
    hyphens or spaces, DOIs): never personal data."""
    spans = [m.span() for m in _DOI.finditer(text)]
    for label in _CITED_LABEL.finditer(text):
        run = _ID_CHARS.match(text, label.end())
        if run is not None:
            end = _identifier_end(run.group(0), _identifier_length(label.group(0), run.group(0)))
            spans.append((label.start(), label.end() + end))
    return spans


def _identifier_length(label: str, run: str) -> int:
    """Characters the identifier has: ISSN 8; ISBN 13 when it starts 978/979, else 10."""
    if "issn" in label.lower():
        return 8
    digits = run.replace("-", "").replace(" ", "")
    return 13 if digits[:3] in ("978", "979") else 10


def _identifier_end(run: str, wanted: int) -> int:
    """Length of the prefix of ``run`` holding ``wanted`` identifier characters (or all)."""
    count = 0
    for index, char in enumerate(run):
        if char not in "- ":
            count += 1
            if count == wanted:
                return index + 1
    return len(run)


def is_cited_identifier(text: str, start: int) -> bool:
    """Whether the number starting at ``start`` follows ISBN/ISSN/DOI."""
    return bool(CITED_IDENTIFIER.search(text[max(0, start - 16):start]))


def id_card_is_valid(number: str) -> bool:
    """An 18-digit 身份证 number: ISO 7064 MOD 11-2 check character and a real birth date."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS))
    return _ID_CHECK[total % 11] == number[17].upper() and _real_date(number[6:14])


def id_card_check_character(first17: str) -> str:
    """The check character completing 17 digits into a valid 18-digit number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def old_id_card_is_plausible(number: str) -> bool:
    """A 15-digit pre-1999 身份证 number: region code then a real birth date 19YYMMDD."""
    return len(number) == 15 and number.isdigit() and _real_date("19" + number[6:12])


def _real_date(yyyymmdd: str) -> bool:
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return 1900 <= born.year <= date.today().year


def _spans(kind: str, pattern: re.Pattern, text: str, group: int = 0) -> Iterator[Found]:
    for m in pattern.finditer(text):
        yield Found(kind, m.group(group), m.start(group), m.end(group))


def find_emails(text: str) -> Iterator[Found]:
    return _spans("email", EMAIL, text)


def find_phones(text: str) -> Iterator[Found]:
    yield from _spans("phone", MOBILE, text)
    yield from _spans("phone", LANDLINE, text)
    for found in _spans("phone", INTERNATIONAL, text):
        if 8 <= sum(c.isdigit() for c in found.original) <= 15:
            yield found
    for found in _spans("phone", PHONE_INTRODUCED, text, 1):
        if 7 <= sum(c.isdigit() for c in found.original) <= 15:
            yield found


def find_id_cards(text: str) -> Iterator[Found]:
    for found in _spans("id_card", ID18, text):
        if id_card_is_valid(found.original):
            yield found
    for found in _spans("id_card", ID15, text):
        if old_id_card_is_plausible(found.original):
            yield found
    yield from _spans("id_card", ID_INTRODUCED, text, 1)


def find_student_numbers(text: str, patterns: Iterable[str]) -> Iterator[Found]:
    for pattern in patterns:
        yield from _spans("student_number", re.compile(pattern, re.IGNORECASE), text, 1)


def find_im_ids(text: str) -> Iterator[Found]:
    yield from _spans("qq", QQ, text, 1)
    yield from _spans("wechat", WECHAT, text, 1)


def find_names(text: str, known_names: Iterable[str]) -> Iterator[Found]:
    for name in known_names:
        pattern = known_name_pattern(name)
        if pattern is not None:
            yield from _spans("name", pattern, text)
    for pattern in (ZH_NAME_INTRODUCED, ZH_NAME_IAM, EN_NAME_INTRODUCED):
        yield from _spans("name", pattern, text, 1)


def known_name_pattern(name: str) -> re.Pattern | None:
    """A case-insensitive pattern for a reader's name; Latin names also in reversed order.

    Names shorter than two characters are ignored (one character would wipe ordinary words).
    """
    parts = (name or "").split()
    if len("".join(parts)) < 2:
        return None
    forms = [parts]
    if len(parts) in (2, 3) and all(p.isascii() for p in parts):
        forms.append(list(reversed(parts)))
    alternatives = "|".join(r"[\s,]+".join(re.escape(p) for p in form) for form in forms)
    if all(p.isascii() for p in parts):
        return re.compile(rf"(?<![A-Za-z])(?:{alternatives})(?![A-Za-z])", re.IGNORECASE)
    return re.compile(rf"(?:{alternatives})", re.IGNORECASE)
