"""Real Chinese books (Douban lists in ../shared/data) as push records, for picker tests."""
import csv
import re


def douban_records(shared_data, *, containing: str | None = None, limit: int = 100) -> list[dict]:
    """Distinct books in file order: those whose title contains ``containing``, else any."""
    path = shared_data / "chinese_books" / "douban30000" / "douban_tag_lists.csv"
    records, seen = [], set()
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            title = row["title"].strip()
            if row["douban_subject_id"] in seen or not title or (containing and containing not in title):
                continue
            seen.add(row["douban_subject_id"])
            year = re.match(r"(1[89]\d\d|20\d\d)", row["pubdate_guess"].strip())
            records.append({"local_id": f"db-{row['douban_subject_id']}", "title": title[:1000],
                            "authors": [row["author_guess"].strip()] if row["author_guess"].strip() else [],
                            "publisher": row["publisher_guess"].strip() or None,
                            "year": int(year.group(1)) if year else None})
            if len(records) == limit:
                break
    return records
