"""Redaction of personal data before a Q&A is published to the knowledge base.

Pure: no Flask, no database. ``redact(text, known_names)`` finds e-mail addresses, phone
numbers (mainland mobiles with optional +86 and spaces/hyphens, landlines such as
025-8359xxxx, international numbers starting with + or 00), 身份证 numbers (18 digits with a
valid ISO 7064 MOD 11-2 check character and a real birth date, 15-digit old numbers with a
real birth date, and any 15/18-digit number introduced as 身份证/ID card), student and staff
numbers (8–12 digits introduced by 学号/工号/借书证号/student number/student ID …;
configurable), the reader's own name (``known_names``, any case; Latin names also in
reversed order) and self-introductions ("我是张三", "我叫李四", "姓名：王五", "My name is …"),
and QQ / WeChat ids introduced by QQ / 微信 / WeChat. Full-width digits and letters
(１３８…, ＠) count as their ASCII forms.

Each piece is replaced by a token naming what was removed, in the text's language:
``language="auto"`` (default) uses Chinese tokens (``[邮箱已隐去]``) when the text contains
any Chinese character, else English ones (``[email removed]``); ``"zh"`` and ``"en"`` force
one, ``"neutral"`` writes both (``[邮箱已隐去 / email removed]``). Tokens are never detected
again, so redaction is idempotent. The result lists every ``Found`` with its position in the
original text, for the liaison to review before publishing.
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from consortium.reference.pii_patterns import (
    DEFAULT_STUDENT_NUMBER_PATTERNS,
    HAN,
    Found,
    cited_spans,
    find_emails,
    find_id_cards,
    find_im_ids,
    find_names,
    find_phones,
    find_student_numbers,
    is_cited_identifier,
)

__all__ = ["redact", "Redaction", "Found", "KINDS", "TOKENS", "DEFAULT_STUDENT_NUMBER_PATTERNS"]

# kind → (Chinese token, English token); the order is the priority when two finds overlap.
TOKENS = {
    "email": ("[邮箱已隐去]", "[email removed]"),
    "id_card": ("[身份证号已隐去]", "[ID number removed]"),
    "student_number": ("[学号已隐去]", "[student number removed]"),
    "qq": ("[QQ号已隐去]", "[QQ number removed]"),
    "wechat": ("[微信号已隐去]", "[WeChat ID removed]"),
    "phone": ("[电话已隐去]", "[phone removed]"),
    "name": ("[姓名已隐去]", "[name removed]"),
}
KINDS = tuple(TOKENS)
LANGUAGES = ("auto", "zh", "en", "neutral")
_HAN_CHAR = re.compile(f"[{HAN}]")
# Full-width ASCII (１３８…, ＠) and the ideographic space, folded one character for one so
# that positions in the folded text are positions in the original.
_FULLWIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


@dataclass(frozen=True)
class Redaction:
    """The redacted text and every piece of personal data found, in text order."""

    text: str
    found: list[Found] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.found)


def token_for(kind: str, language: str) -> str:
    """The replacement token of a kind in ``zh``, ``en`` or ``neutral``."""
    zh, en = TOKENS[kind]
    if language == "neutral":
        return f"{zh[:-1]} / {en[1:]}"
    return zh if language == "zh" else en


def text_language(text: str) -> str:
    """``zh`` when the text contains a Chinese character, else ``en``."""
    return "zh" if _HAN_CHAR.search(text) else "en"


def redact(text: str, known_names: Iterable[str] = (), *, language: str = "auto",
           student_number_patterns: Iterable[str] | None = None) -> Redaction:
    """Replace the personal data in ``text`` by tokens; see the module docstring.

    ``student_number_patterns`` replaces the default patterns: regular expressions
    (case-insensitive) whose first group is the number to remove.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    text = text or ""
    patterns = DEFAULT_STUDENT_NUMBER_PATTERNS if student_number_patterns is None else tuple(student_number_patterns)
    names = [n for n in known_names if n]
    lang = text_language(text) if language == "auto" else language
    chosen: list[Found] = []
    redacted = text
    # Removing one piece can expose another (a '+86…' right after a removed number is no
    # longer glued to digits), so detect again until nothing new turns up: idempotence.
    for _ in range(_MAX_PASSES):
        fresh = _detect(redacted, names, patterns)
        if not fresh:
            break
        chosen = sorted(chosen + _to_original(fresh, chosen, lang), key=lambda f: f.start)
        redacted = _replace(text, chosen, lang)
    return Redaction(redacted, chosen)


_MAX_PASSES = 5


def _detect(text: str, names: list[str], patterns: tuple[str, ...]) -> list[Found]:
    folded = text.translate(_FULLWIDTH)
    candidates = [
        *find_emails(folded), *find_id_cards(folded), *find_student_numbers(folded, patterns),
        *find_im_ids(folded), *find_phones(folded), *find_names(folded, names),
    ]
    candidates = [f for f in candidates
                  if f.kind in ("email", "name") or not is_cited_identifier(folded, f.start)]
    chosen = _resolve(candidates, _token_spans(text) + cited_spans(folded))
    return [Found(f.kind, text[f.start:f.end], f.start, f.end) for f in chosen]


def _to_original(fresh: list[Found], chosen: list[Found], language: str) -> list[Found]:
    """Positions in the redacted text → the original (finds never overlap a token)."""
    mapped = []
    for found in fresh:
        shift = 0
        for done in chosen:
            token = token_for(done.kind, language)
            if done.start + shift + len(token) > found.start:
                break
            shift += len(token) - (done.end - done.start)
        mapped.append(Found(found.kind, found.original, found.start - shift, found.end - shift))
    return mapped


def _token_spans(text: str) -> list[tuple[int, int]]:
    """Where tokens of an earlier redaction are: nothing inside them is found again."""
    tokens = {token_for(k, lang) for k in KINDS for lang in ("zh", "en", "neutral")}
    pattern = "|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True))
    return [m.span() for m in re.finditer(pattern, text)]


def _resolve(candidates: list[Found], protected: list[tuple[int, int]]) -> list[Found]:
    """Non-overlapping finds: the earliest first, then the longest, then by kind priority."""
    priority = {kind: i for i, kind in enumerate(KINDS)}
    ordered = sorted((f for f in candidates if f.end > f.start),
                     key=lambda f: (f.start, -(f.end - f.start), priority[f.kind]))
    chosen: list[Found] = []
    for found in ordered:
        if any(found.start < end and start < found.end for start, end in protected):
            continue
        if chosen and found.start < chosen[-1].end:
            continue
        chosen.append(found)
    return chosen


def _replace(text: str, chosen: list[Found], language: str) -> str:
    parts, last = [], 0
    for found in chosen:
        parts.append(text[last:found.start])
        parts.append(token_for(found.kind, language))
        last = found.end
    parts.append(text[last:])
    return "".join(parts)
