"""The e-mails of the reference queue, queued in the caller's transaction (sent after commit).

Every mail is bilingual (Chinese first, then English): readers and liaisons of five
universities read both, and a mail written in a background sweep has no page language.
"""
import html as html_lib
import secrets

from sqlmodel import Session

from consortium.accounts.models import Member
from consortium.mail.outbox import queue_mail
from consortium.reference.common import ReferenceSettings, hash_token, liaison_emails
from consortium.reference.models import Question, ReaderLink
from consortium.web.markup import absolute_links, html_to_text


def _queue(session: Session, to: str, subject: str, text: str, kind: str, question: Question,
           html: str | None = None) -> None:
    """Every mail about a question carries its ref, so the retention scrub finds them all."""
    queue_mail(session, to, subject, text, html=html, kind=kind, ref=f"question:{question.id}")


def _member_name(session: Session, member_id: int | None) -> str:
    member = session.get(Member, member_id) if member_id else None
    if member is None:
        return "联盟咨询台 / the consortium desk"
    return f"{member.name} / {member.name_en or member.code}"


def _staff_url(settings: ReferenceSettings, question: Question) -> str:
    return f"{settings.base_url}/staff/questions/{question.id}"


def reader_received(session: Session, question: Question, status_url: str | None) -> None:
    """``status_url`` None: a chat that became a question after its reader left; the chat
    window showed the link (only its hash is stored, so no mail can carry it)."""
    if not question.reader_email:
        return
    status_url = status_url or "（链接显示在您的在线咨询窗口中 / shown in your chat window）"
    text = (f"您好，我们已收到您的咨询（编号 {question.id}），将由{_member_name(session, question.routed_member_id)}答复。\n"
            f"您的专属进度页面（请勿转发）：{status_url}\n\n"
            f"Hello, we received your question (no. {question.id}). It will be answered by "
            f"{_member_name(session, question.routed_member_id)}.\n"
            f"Your private status page (do not share the link): {status_url}\n\n{question.text}\n")
    _queue(session, question.reader_email, f"已收到您的咨询 / Question received (#{question.id})",
           text, "reference.received", question)


def reader_clarification(session: Session, question: Question, body_html: str) -> None:
    if not question.reader_email:
        return
    text = (f"您的咨询（编号 {question.id}）需要补充信息：\n\n{html_to_text(body_html)}\n\n"
            "请打开收到咨询时邮件中的专属进度页面回复。\n\n"
            f"Your question (no. {question.id}) needs more detail (see above). Please reply on your private "
            "status page; its link is in the confirmation e-mail.\n")
    _queue(session, question.reader_email, f"请补充咨询信息 / Clarification needed (#{question.id})",
           text, "reference.clarification", question)


def reader_moved(session: Session, question: Question, from_member_id: int | None) -> None:
    """The question moved to another library (transfer or escalation): the reader is told who has it now."""
    if not question.reader_email or question.routed_member_id is None or question.routed_member_id == from_member_id:
        return
    now_with = _member_name(session, question.routed_member_id)
    was_with = _member_name(session, from_member_id)
    text = (f"您的咨询（编号 {question.id}）已从{was_with}转至{now_with}，由其继续答复。\n"
            "进度与预计答复时间请见您的专属进度页面（链接在确认邮件中）。\n\n"
            f"Your question (no. {question.id}) has moved from {was_with} to {now_with}, which will answer it.\n"
            "Your private status page (its link is in the confirmation e-mail) shows when to expect a reply.\n\n"
            f"{question.text}\n")
    _queue(session, question.reader_email, f"您的咨询已转至其他图书馆 / Your question moved to another library (#{question.id})",
           text, "reference.moved", question)


def reader_answered(session: Session, question: Question, body_html: str,
                    settings: ReferenceSettings | None = None) -> None:
    """The answer as the reader's status page shows it: formatted in the HTML part, as plain
    text (lists and links spelled out, no Markdown marks) in the text part."""
    if not question.reader_email:
        return
    base_url = settings.base_url if settings else ReferenceSettings().base_url
    answer_html = absolute_links(body_html, base_url)
    member = _member_name(session, question.routed_member_id)
    link = f"{base_url}/questions/{_reader_link(session, question)}#feedback"
    text = (f"您的咨询（编号 {question.id}）已由{member}答复：\n\n"
            f"{html_to_text(answer_html)}\n\n您也可以在专属进度页面查看全部对话，并评价这个答复是否有帮助：\n{link}\n\n"
            f"Your question (no. {question.id}) has been answered (see above). The whole conversation is on "
            f"your private page, where you can also tell us whether the answer helped (do not share the link):\n{link}\n")
    html = (f'<p>您的咨询（编号 {question.id}）已由{html_lib.escape(member)}答复：</p>'
            f'<div class="answer">{answer_html}</div>'
            f'<p>您也可以在<a href="{html_lib.escape(link)}">专属进度页面</a>查看全部对话，并评价这个答复是否有帮助。<br>'
            f"Your question (no. {question.id}) has been answered (see above). The whole conversation is on "
            f'<a href="{html_lib.escape(link)}">your private page</a>, where you can also tell us whether the '
            "answer helped (do not share the link).</p>")
    _queue(session, question.reader_email, f"您的咨询已答复 / Your question is answered (#{question.id})",
           text, "reference.answered", question, html=html)


def _reader_link(session: Session, question: Question) -> str:
    """A new private link for this mail (only its hash is stored, like the status token's)."""
    token = secrets.token_urlsafe(32)
    session.add(ReaderLink(question_id=question.id, token_hash=hash_token(token)))
    return token


def liaisons_routed(session: Session, question: Question, settings: ReferenceSettings, kind: str) -> None:
    """New question, transferred in or escalated to a member: tell its liaisons."""
    subjects = {
        "reference.routed": "新咨询 / New question",
        "reference.transferred": "转来的咨询 / Question transferred to you",
        "reference.escalated": "升级的咨询 / Question escalated to you",
        "reference.open_to_all": "无人认领的咨询，现向所有成员馆开放 / Unclaimed question open to every member",
    }
    preview = question.text if len(question.text) <= 300 else question.text[:300] + "…"
    text = f"{subjects[kind]} #{question.id}\n\n{preview}\n\n{_staff_url(settings, question)}\n"
    member = None if kind == "reference.open_to_all" else question.routed_member_id
    for email in liaison_emails(session, member):
        _queue(session, email, f"{subjects[kind]} (#{question.id})", text, kind, question)


def liaisons_reminder(session: Session, question: Question, settings: ReferenceSettings,
                      claimer_email: str | None = None) -> None:
    """Unclaimed: every liaison of the member, about the first response; claimed: the claimer, about the answer."""
    if claimer_email:
        due, what_zh, what_en, recipients = question.answer_due_at, "答复", "answer", [claimer_email]
    else:
        due, what_zh, what_en = question.first_response_due_at, "首次答复", "first response"
        recipients = liaison_emails(session, question.routed_member_id)
    text = (f"咨询 #{question.id} 即将超时（{what_zh}期限 {due:%Y-%m-%d %H:%M} UTC），请尽快处理。\n"
            f"Question #{question.id} falls due soon ({what_en} by {due:%Y-%m-%d %H:%M} UTC).\n\n"
            f"{_staff_url(settings, question)}\n")
    for email in recipients:
        _queue(session, email, f"咨询即将超时 / Reminder (#{question.id})", text, "reference.reminder", question)


def liaison_reader_replied(session: Session, question: Question, settings: ReferenceSettings,
                           claimer_email: str | None) -> None:
    if not claimer_email:
        return
    text = (f"读者已回复咨询 #{question.id}。\nThe reader replied to question #{question.id}.\n\n"
            f"{_staff_url(settings, question)}\n")
    _queue(session, claimer_email, f"读者已回复 / Reader replied (#{question.id})", text,
           "reference.reader_reply", question)
