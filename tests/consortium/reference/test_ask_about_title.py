"""Ask about this title: a question about a work only one member holds goes to that member."""
import re
import time

import pytest
from itsdangerous import URLSafeSerializer
from sqlmodel import select

from consortium.catalogue.models import Holding
from consortium.catalogue.service import ingest_batch
from consortium.reference.models import Question
from tests.consortium.reference.conftest import ask_data
from tests.staff import csrf_token


@pytest.fixture
def only_c_work(session, members, profiles):
    """《围城》 (CLC I246, A's strongest class) held by C alone; A and B hold other novels."""
    ingest_batch(session, members["C"], [{"local_id": "c9", "title": "围城", "authors": ["钱锺书"], "clc": "I246"}])
    ingest_batch(session, members["A"], [{"local_id": "a9", "title": "边城", "authors": ["沈从文"], "clc": "I246"}])
    ingest_batch(session, members["B"], [{"local_id": "b9", "title": "呐喊", "authors": ["鲁迅"], "clc": "I210"}])
    return session.exec(select(Holding.work_id).where(Holding.member_id == members["C"].id)).one()


def test_api_question_about_a_work_only_c_holds_routes_to_c(client, only_c_work):
    """POST /api/v1/questions with work_id from a reader of A is routed to C, the only holder."""
    response = client.post("/api/v1/questions", json=ask_data(question="这本书能借吗？", home_member="A",
                                                               work_id=only_c_work))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["routed_to"] == "C"


def test_api_question_about_a_work_the_home_member_holds_stays_home(client, session, members, only_c_work):
    """When the reader's own library holds the title too, the question stays at home."""
    ingest_batch(session, members["A"], [{"local_id": "a10", "title": "围城", "authors": ["钱锺书"], "clc": "I246"}])
    response = client.post("/api/v1/questions", json=ask_data(question="这本书能借吗？", home_member="A",
                                                               work_id=only_c_work))
    assert response.get_json()["routed_to"] == "A"


def test_record_page_ask_link_routes_to_c_and_the_status_page_names_c(app, client, session, only_c_work):
    """Record page → "ask about this title" → form: the status page says C's library has the question."""
    record = client.get(f"/works/{only_c_work}").get_data(as_text=True)
    ask_url = re.search(r'href="(/ask\?work=\d+)"', record).group(1)
    form_page = client.get(ask_url).get_data(as_text=True)
    assert "围城" in form_page and f'name="work_id" value="{only_c_work}"' in form_page
    started = URLSafeSerializer(app.config["SECRET_KEY"], salt="reference-ask-form").dumps(str(time.time() - 10))
    data = dict(ask_data(question="这本书现在能借吗？", home_member="A"), started=started,
                work_id=str(only_c_work), csrf_token=csrf_token(client, ask_url))
    done = client.post("/ask", data=data).get_data(as_text=True)
    status_path = "/questions/" + re.search(r'/questions/([^"]+)"', done).group(1)
    question = session.exec(select(Question).order_by(Question.id.desc())).first()
    session.refresh(question)
    assert question.work_id == only_c_work and question.routing["chosen"] == "C"
    status = client.get(status_path).get_data(as_text=True)
    assert "丙大学图书馆" in status and "甲大学图书馆" not in status
