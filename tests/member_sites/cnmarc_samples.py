"""CNMARC sample records written for the tests from real Chinese books' facts.

Facts: 三体 (刘慈欣, 重庆出版社 2008, ISBN 978-7-5366-9293-0); 图说中国节 (大乔编著, 中国社会科学
出版社 2009, ISBN 978-7-5004-7381-7) and 老子说 (蔡志忠, 现代出版社 2005, ISBN
978-7-80188-512-8), both as catalogued in the NOBLE records of the shared MARC data. CLC numbers
are the usual 中图法 classes for these subjects. Records are encoded here as ISO 2709 (with
pymarc for UTF-8, and by hand for GB18030, which pymarc cannot write).
"""
from pymarc import Field, Indicators, Record, Subfield

FT, RT = b"\x1e", b"\x1d"

BOOKS = [
    {"001": "012008001234", "010": "978-7-5366-9293-0", "title": "三体", "pinyin": "san ti",
     "subtitle": "", "resp": "刘慈欣著", "author": "刘慈欣", "place": "重庆", "publisher": "重庆出版社",
     "year": "2008", "clc": "I247.55", "subjects": ["长篇小说", "科学幻想小说"],
     "summary": "文化大革命如火如荼进行的同时，军方探寻外星文明的绝秘计划“红岸工程”取得了突破性进展。",
     "holdings": [("10001", "C0012345", "中文书库", "I247.55", "1234"),
                  ("10001", "C0012346", "中文书库", "I247.55", "1234")]},
    {"001": "012009004567", "010": "978-7-5004-7381-7", "title": "图说中国节", "pinyin": "tu shuo zhong guo jie",
     "subtitle": "", "resp": "大乔编著", "author": "大乔", "place": "北京", "publisher": "中国社会科学出版社",
     "year": "2009", "clc": "K892.1", "subjects": ["节日", "风俗习惯"], "summary": "",
     "holdings": [("10001", "C0023456", "民俗阅览室", "K892.1", "56")]},
    {"001": "012005007890", "010": "978-7-80188-512-8", "title": "老子说", "pinyin": "lao zi shuo",
     "subtitle": "智者的低语", "resp": "蔡志忠著", "author": "蔡志忠", "place": "北京", "publisher": "现代出版社",
     "year": "2005", "clc": "B223.15", "subjects": ["道家", "漫画"], "summary": "", "holdings": []},
]


def general_data(year: str, charset: str = "50") -> str:
    """100 $a: 36 positions, date entered, 'd' + year, Chinese cataloguing, character set."""
    value = f"20240101d{year}    em y0chiy{charset}      ea"
    return value.ljust(36)[:36]


def book_fields(book: dict, charset: str = "50") -> list[Field]:
    def field(tag, subfields, ind=(" ", " ")):
        return Field(tag, Indicators(*ind), [Subfield(c, v) for c, v in subfields if v])

    fields = [Field("001", data=book["001"]) if book.get("001") else None,
              field("010", [("a", book["010"]), ("d", "CNY23.00")]),
              field("100", [("a", general_data(book["year"], charset))]),
              field("101", [("a", "chi")], ("0", " ")),
              field("200", [("a", book["title"]), ("9", book["pinyin"]), ("e", book["subtitle"]),
                            ("f", book["resp"])], ("1", " ")),
              field("210", [("a", book["place"]), ("c", book["publisher"]), ("d", book["year"])]),
              field("330", [("a", book["summary"])]) if book["summary"] else None,
              *[field("606", [("a", s)], ("0", " ")) for s in book["subjects"]],
              field("690", [("a", book["clc"]), ("v", "5")]),
              field("701", [("a", book["author"]), ("4", "著")], (" ", "0")),
              *[field("905", [("a", a), ("b", b), ("c", c), ("d", d), ("e", e)]) for a, b, c, d, e in book["holdings"]]]
    return [f for f in fields if f is not None]


def utf8_record(book: dict) -> bytes:
    record = Record(force_utf8=True, leader="00000nam0 2200000   450 ")
    for field in book_fields(book):
        record.add_field(field)
    return record.as_marc()


def iso2709(fields: list[Field], encoding: str, leader: str = "00000nam0 2200000   450 ") -> bytes:
    """Encode fields as ISO 2709 in any encoding (directory lengths in bytes)."""
    directory, data = b"", b""
    for field in fields:
        if field.is_control_field():
            body = field.data.encode(encoding) + FT
        else:
            parts = [b"\x1f" + s.code.encode() + s.value.encode(encoding) for s in field.subfields]
            body = (field.indicator1 + field.indicator2).encode() + b"".join(parts) + FT
        directory += f"{field.tag}{len(body):04d}{len(data):05d}".encode()
        data += body
    base = 24 + len(directory) + 1
    length = base + len(data) + 1
    head = f"{length:05d}{leader[5:12]}{base:05d}{leader[17:24]}".encode()
    return head + directory + FT + data + RT


def gb18030_record(book: dict) -> bytes:
    return iso2709(book_fields(book, charset="0120"), "gb18030")
