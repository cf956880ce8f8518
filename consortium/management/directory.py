"""The liaison directory: every member's liaison officers and how to reach them, so
cross-member coordination starts from one page. Staff only (it holds staff phone numbers)."""
from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlmodel import Session, select

from consortium.accounts.models import Member, User
from consortium.db.uow import UnitOfWork
from consortium.management.errors import InvalidContact, NotForYou
from consortium.management.models import LiaisonContact
from consortium.reference.common import Actor
from member_sites.record.xmlchars import strip_forbidden


class ContactSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    phone = fields.String(load_default="", validate=validate.Regexp(r"^[0-9+()\- ]{0,64}$"))
    contact_hours = fields.String(load_default="", validate=validate.Length(max=300))
    subjects = fields.String(load_default="", validate=validate.Length(max=300))

    @pre_load
    def _clean(self, data, **_kwargs):
        return {key: strip_forbidden(value).strip() if isinstance(value, str) else value
                for key, value in dict(data).items()}


def directory(session: Session) -> list[dict]:
    """Members in code order, each with its active liaisons and their contact details."""
    members = session.exec(select(Member).order_by(Member.code)).all()
    people = session.exec(select(User, LiaisonContact).join(LiaisonContact, LiaisonContact.user_id == User.id,
                                                            isouter=True)
                          .where(User.role == "liaison", User.active == True)  # noqa: E712
                          .order_by(User.display_name, User.email)).all()
    by_member: dict[int, list] = {}
    for user, contact in people:
        by_member.setdefault(user.member_id, []).append({
            "user_id": user.id, "name": user.display_name or user.email, "email": user.email,
            "phone": contact.phone if contact else None, "contact_hours": contact.contact_hours if contact else None,
            "subjects": contact.subjects if contact else None})
    return [{"member": m, "liaisons": by_member.get(m.id, [])} for m in members]


def own_contact(session: Session, actor: Actor) -> dict:
    row = session.exec(select(LiaisonContact).where(LiaisonContact.user_id == actor.user_id)).first()
    return {name: (getattr(row, name) or "") if row else "" for name in ("phone", "contact_hours", "subjects")}


def set_own_contact(session: Session, actor: Actor, data, *, now: datetime) -> dict:
    """A liaison keeps their own entry; empty fields are cleared."""
    if actor.role != "liaison":
        raise NotForYou("Only liaison officers are listed in the directory.")
    try:
        values = ContactSchema().load(data)
    except ValidationError as exc:
        raise InvalidContact("Please check the contact details (a phone number has digits, spaces, +, - "
                             "and brackets only).", exc.messages) from None
    with UnitOfWork(session):
        row = session.exec(select(LiaisonContact).where(LiaisonContact.user_id == actor.user_id)).first()
        row = row or LiaisonContact(user_id=actor.user_id)
        row.phone, row.contact_hours, row.subjects = (values[k] or None for k in ("phone", "contact_hours", "subjects"))
        row.updated_at = now
        session.add(row)
    return values
