"""Plain data for one feed page: what every output format is rendered from."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

# An empty feed still needs an ``updated`` date; "now" would change its ETag on every request.
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass
class Entry:
    """One feed entry; ``id`` is a stable URI (a ``tag:`` URI from database ids)."""

    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    content_html: str
    summary: str = ""
    authors: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    # member code, member name, call number ... (JSON Feed ``_daodu`` extension, widget data)
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        for name in ("published", "updated"):
            if getattr(self, name).tzinfo is None:
                raise ValueError(f"entry {self.id}: {name} must be timezone-aware")


@dataclass
class Links:
    """Absolute URLs of the feed page and its neighbours (RFC 5005) and the alternate page."""

    self: str
    alternate: str
    first: str
    next: str | None = None
    previous: str | None = None
    hub: str | None = None


@dataclass
class Feed:
    id: str
    title: str
    subtitle: str
    language: str  # BCP 47, e.g. "zh-CN"
    links: Links
    entries: list[Entry]
    author: str = "Daodu"

    @property
    def updated(self) -> datetime:
        """The newest entry's ``updated``: never "now", so an unchanged feed stays byte-identical."""
        return max((e.updated for e in self.entries), default=EMPTY_FEED_UPDATED)
