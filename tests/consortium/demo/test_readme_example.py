"""The README's push example works on the demo and adds a book the demo does not have."""
import json
import re
from pathlib import Path

from sqlmodel import func, select

from consortium.catalogue.models import Work
from consortium.demo.loader import load_demo, read_books

README = Path(__file__).resolve().parents[3] / "README.md"


def readme_push_body() -> dict:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Push API (member key)", 1)[1]
    return json.loads(re.search(r"-d '(\{.*?\})' \\", section).group(1))


def test_readme_push_example_adds_a_new_work_to_the_demo(app, client, session):
    """Pushed with the demo's NJU key, the example record is accepted as a new work, not a holding of a demo book."""
    body = readme_push_body()
    titles = {book["title"] for book in read_books()}
    assert all(record["title"] not in titles for record in body["records"])
    key = next(line.rsplit(" ", 1)[1] for line in load_demo(app) if line.startswith("Push API key"))
    before = session.exec(select(func.count()).select_from(Work)).one()
    response = client.post("/api/v1/members/NJU/records", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["accepted"] == 1 and not response.get_json()["rejected"]
    assert session.exec(select(func.count()).select_from(Work)).one() == before + 1
