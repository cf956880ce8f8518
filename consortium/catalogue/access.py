"""Who may open an e-resource link, stated for the reader's home member (pure)."""

# access values of the push contract: open | consortium | member (None: not stated)
OPEN, CONSORTIUM, MEMBER = "open", "consortium", "member"


def access_for(access: str | None, holding_member: str, home_member: str | None) -> str:
    """One of: ``open`` (anyone), ``yours`` (the reader's home member may open it),
    ``not_yours`` (only another member's readers), ``members`` (any member's readers, home
    unknown), ``member_only`` (only the holding member's readers, home unknown),
    ``unknown`` (access not stated)."""
    if access == OPEN:
        return "open"
    if access == CONSORTIUM:
        return "yours" if home_member else "members"
    if access == MEMBER:
        if not home_member:
            return "member_only"
        return "yours" if home_member == holding_member else "not_yours"
    return "unknown"
