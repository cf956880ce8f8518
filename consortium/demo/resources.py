"""Demo content of the e-resource navigator: databases and e-journals (records with URLs,
access and KBART-style coverage) pushed by several members, so the navigator can answer
"which databases cover TP (computing) that my library gives me access to".

``load(app, session, today)`` yields lines to print (``DEMO_EXTRAS`` of loader.py).
"""
from consortium.accounts.service import get_member
from consortium.catalogue.service import ingest_batch

# title, clc, url, summary, {member: (access, coverage)}
DATABASES = [
    ("IEEE Xplore", "TP", "https://ieeexplore.ieee.org/",
     "IEEE 与 IET 的期刊、会议录与标准全文（电子、电气、计算机）。",
     {"SEU": ("member", "1988 – present"), "NUAA": ("member", "1988 – present"), "NJU": ("member", "2000 – present")}),
    ("ACM Digital Library", "TP3", "https://dl.acm.org/",
     "ACM 的期刊、杂志与会议录全文（计算机科学）。",
     {"NJU": ("member", "1954 – present"), "SEU": ("member", "1985 – present")}),
    ("dblp computer science bibliography", "TP3", "https://dblp.org/",
     "计算机科学文献目录，开放获取。", {"NJU": ("open", "1936 – present")}),
    ("Engineering Village (Ei Compendex)", "T", "https://www.engineeringvillage.com/",
     "工程技术文摘数据库。", {"NUAA": ("member", "1969 – present"), "SEU": ("member", "1969 – present")}),
    ("中国知网 CNKI 中国学术期刊全文数据库", "Z", "https://www.cnki.net/",
     "中文学术期刊、学位论文、会议论文全文。",
     {"NJU": ("member", "1915 – present"), "SEU": ("member", "1994 – present"), "NJNU": ("member", "1994 – present"),
      "NJAU": ("member", "1994 – present"), "NUAA": ("member", "1994 – present")}),
    ("万方数据知识服务平台", "Z", "https://www.wanfangdata.com.cn/",
     "中文期刊、学位论文、专利与标准。", {"NJNU": ("consortium", "1998 – present")}),
    ("SpringerLink", "N", "https://link.springer.com/",
     "Springer 电子期刊与电子图书全文。", {"NJU": ("member", "1997 – present"), "NJAU": ("member", "1997 – present")}),
    ("CAB Direct", "S", "https://www.cabidigitallibrary.org/",
     "农业与生命科学文摘数据库。", {"NJAU": ("member", "1973 – present")}),
]
# each database's provider, its corporate author (MARC 710) as members catalogue it: a title
# alone joins no works (catalogue.matching), a title and an author do, so the members'
# records of one database become one work
PROVIDERS = {
    "IEEE Xplore": "Institute of Electrical and Electronics Engineers",
    "ACM Digital Library": "Association for Computing Machinery",
    "dblp computer science bibliography": "Schloss Dagstuhl – Leibniz-Zentrum für Informatik",
    "Engineering Village (Ei Compendex)": "Elsevier",
    "中国知网 CNKI 中国学术期刊全文数据库": "同方知网（北京）技术有限公司",
    "万方数据知识服务平台": "万方数据股份有限公司",
    "SpringerLink": "Springer Nature",
    "CAB Direct": "CAB International",
}
# e-journals as a KBART file lists them (title, ISSN, clc, url, {member: (access, coverage)})
EJOURNALS = [
    ("IEEE Transactions on Software Engineering", "0098-5589", "TP311", "https://ieeexplore.ieee.org/xpl/RecentIssue.jsp?punumber=32",
     {"SEU": ("member", "1975-03-01 (vol. 1, no. 1) – present; fulltext")}),
    ("IEEE Transactions on Computers", "0018-9340", "TP3", "https://ieeexplore.ieee.org/xpl/RecentIssue.jsp?punumber=12",
     {"SEU": ("member", "1968 – present; fulltext"), "NUAA": ("member", "1988 – present; fulltext")}),
    ("Communications of the ACM", "0001-0782", "TP3", "https://dl.acm.org/toc/cacm",
     {"NJU": ("member", "1958 – present; fulltext")}),
    ("Journal of the ACM", "0004-5411", "TP3", "https://dl.acm.org/toc/jacm",
     {"NJU": ("member", "1954 – 2023; fulltext")}),
    ("计算机学报", "0254-4164", "TP3", "https://www.cnki.net/journal/JSJX",
     {"NJU": ("member", "1994 – present; fulltext"), "SEU": ("member", "1994 – present; fulltext")}),
]


def records() -> dict[str, list[dict]]:
    """The push records of every member (one holding per member and resource)."""
    out: dict[str, list[dict]] = {}
    for n, (title, clc, url, summary, holders) in enumerate(DATABASES):
        for code, (access, coverage) in holders.items():
            out.setdefault(code, []).append({"local_id": f"{code.lower()}-db-{n}", "title": title, "format": "database",
                                             "authors": [PROVIDERS[title]], "clc": clc, "url": url, "access": access, "coverage": coverage,
                                             "summary": summary, "language": "zh" if title[0] > "~" else "en"})
    for n, (title, issn, clc, url, holders) in enumerate(EJOURNALS):
        for code, (access, coverage) in holders.items():
            out.setdefault(code, []).append({"local_id": f"{code.lower()}-ej-{n}", "title": title, "format": "ejournal",
                                             "issns": [issn], "clc": clc, "url": url, "access": access,
                                             "coverage": coverage})
    return out


def load(app, session, today):
    for code, batch in records().items():
        result = ingest_batch(session, get_member(session, code), batch, source="demo")
        yield f"{code}: pushed {result.accepted} e-resources"
