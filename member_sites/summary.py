"""The summary of one sync run: counts and every rejected record, printable and storable.

Kept as plain data so a checkpoint can carry it: a resumed run ends with the summary of the
whole file, not only of the part it sent itself.
"""
from dataclasses import asdict, dataclass, field


@dataclass
class Rejection:
    """A record that did not reach the catalogue: ``source`` is "reader" or "consortium"."""

    position: str
    local_id: str | None
    source: str
    reasons: list[str]


@dataclass
class Summary:
    read: int = 0
    pushed: int = 0  # accepted and changed (new or updated)
    unchanged: int = 0  # accepted, identical to what the catalogue had
    withdrawn: int = 0
    already_gone: int = 0
    rejections: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    def reject(self, position: str, local_id, source: str, reasons: list[str]) -> None:
        self.rejections.append(Rejection(position, local_id, source, list(reasons)))

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Summary":
        data = dict(data)
        data["rejections"] = [Rejection(**r) for r in data.get("rejections", [])]
        return cls(**data)


def combine(parts: list[tuple[str, Summary]]) -> Summary:
    """One summary of several files' (name, summary): counts added up; every rejection, warning
    and note names its file. A single part is returned as it is."""
    if len(parts) == 1:
        return parts[0][1]
    total = Summary()
    for name, part in parts:
        for key in ("read", "pushed", "unchanged", "withdrawn", "already_gone"):
            setattr(total, key, getattr(total, key) + getattr(part, key))
        for rejection in part.rejections:
            total.reject(f"{name}: {rejection.position}", rejection.local_id, rejection.source, rejection.reasons)
        total.warnings.extend(f"{name}: {warning}" for warning in part.warnings)
        total.notes.extend(f"{name}: {note}" for note in part.notes)
    return total


def consortium_reasons(errors: dict) -> list[str]:
    """``{field: [message]}`` of the push API as ``["field: message", ...]``."""
    return [f"{name}: {message}" for name, messages in sorted(errors.items())
            for message in (messages if isinstance(messages, list) else [messages])]


def render(summary: Summary, *, dry_run: bool = False, max_warnings: int = 20) -> list[str]:
    """Lines for the terminal: counts first, then every rejection with its reasons."""
    pushed = "would push" if dry_run else "pushed"
    lines = [f"read {summary.read} · {pushed} {summary.pushed} · unchanged {summary.unchanged} · "
             f"rejected {summary.rejected} · withdrawn {summary.withdrawn}"
             + (f" (already gone {summary.already_gone})" if summary.already_gone else "")]
    lines.extend(summary.notes)
    if summary.rejections:
        lines.append("Rejected records:")
        for r in summary.rejections:
            who = f" [{r.local_id}]" if r.local_id else ""
            lines.append(f"  {r.position}{who} ({r.source}): {'; '.join(r.reasons)}")
    if summary.warnings:
        lines.append(f"Warnings ({len(summary.warnings)}):")
        lines.extend(f"  {w}" for w in summary.warnings[:max_warnings])
        if len(summary.warnings) > max_warnings:
            lines.append(f"  … and {len(summary.warnings) - max_warnings} more")
    return lines
