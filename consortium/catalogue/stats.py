"""Figures about one member's share of the union catalogue (read by member-sync)."""
from sqlmodel import Session, func, select

from consortium.accounts.models import Member
from consortium.catalogue.models import Holding


def member_stats(session: Session, member: Member) -> dict:
    """``{"member", "holdings"}``: the harvester's circuit breaker weighs withdrawals against it."""
    holdings = session.exec(select(func.count()).select_from(Holding).where(Holding.member_id == member.id)).one()
    return {"member": member.code, "holdings": int(holdings)}
