"""Fixtures of the member_sites tests: CSV export files written the way members write them."""
import csv
import io

import pytest

CSV_FIELDS = ("local_id", "title", "authors", "publisher", "year", "subjects", "call_number", "copies")


def export_csv(path, count: int, start: int = 0, extra_rows=()) -> list[str]:
    """Write ``count`` distinct books as a push CSV; returns their local ids in file order."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_FIELDS)
    ids = []
    for n in range(start, start + count):
        local_id = f"bk-{n:06d}"
        ids.append(local_id)
        writer.writerow([local_id, f"合成图书 第{n}册", f"作者{n % 97};译者{n % 13}", "合成出版社",
                         1950 + n % 70, "测试|合成数据", f"TP{n}", 1 + n % 3])
    for row in extra_rows:
        writer.writerow(row)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return ids


@pytest.fixture
def export_file(tmp_path):
    def make(count: int, name: str = "export.csv", **kwargs):
        path = tmp_path / name
        return path, export_csv(path, count, **kwargs)

    return make
