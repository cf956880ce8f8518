"""Question routing: which member library is best placed to answer a reader's question.

Pure: no Flask, no database. The service gathers plain facts per member (``Candidate``) and
about the question (``QuestionFacts``); ``route`` scores every member, ranks them and explains
each score in human-readable reasons ("holds 14 matching works; CLC TP strength 0.8; 3 open
of 10"). The reader's home member goes first whenever it can answer.

Signals, each scored 0..1 and multiplied by its weight (``Weights``, configurable through
``REFERENCE_ROUTING_WEIGHTS``):

- ``subject``: the member's strength for the question's CLC class (longest prefix it declared),
- ``holdings``: the member holds works named by identifiers in the question (1.0), else a
  share for works the search index matched with the question's words,
- ``language``: the member answers in the question's language,
- ``hours``: open now (1.0), opening soon (less), closed for long (0),
- ``load``: free capacity (open questions against declared capacity),
- ``reciprocity``: members that referred out more than they answered for others score higher,
- ``home``: the reader's own library (always shown; decisive when it can answer).

A question asked about one chosen work ("ask about this title") puts the members holding that
work first, after a home member that holds it and can answer: the chosen work names the
collection the reader needs more plainly than any score (``QuestionFacts.has_chosen_work``,
``Candidate.holds_chosen_work``).

Members that declined the question (transferred it away) or that do not accept questions
are excluded, never chosen.
"""
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from member_sites.record.clc import clc_prefixes

SIGNALS = ("home", "subject", "holdings", "language", "hours", "load", "reciprocity")


@dataclass(frozen=True)
class Weights:
    home: float = 1.0
    subject: float = 3.0
    holdings: float = 6.0
    language: float = 2.0
    hours: float = 1.0
    load: float = 1.5
    reciprocity: float = 0.5
    # how soon (hours) an opening still counts as "soon" for the hours signal
    soon_hours: float = 16.0
    # the least subject strength with which a home member counts as able to answer
    home_min_strength: float = 0.3

    @classmethod
    def from_mapping(cls, mapping: Mapping | None) -> "Weights":
        """Weights from config; unknown names are an error so a typo is not silently ignored."""
        mapping = dict(mapping or {})
        unknown = set(mapping) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown routing weight(s): {', '.join(sorted(unknown))}")
        values = {}
        for name, value in mapping.items():
            number = float(value)
            if not math.isfinite(number) or number < 0:
                raise ValueError(f"routing weight {name} must be a finite number ≥ 0, got {value!r}")
            values[name] = number
        return cls(**values)


@dataclass(frozen=True)
class Candidate:
    """What routing knows about one member library."""

    code: str
    strengths: Mapping[str, float] = field(default_factory=dict)
    languages: frozenset[str] = frozenset({"zh"})
    capacity: int = 10
    open_count: int = 0
    open_now: bool = False
    hours_until_open: float | None = None
    exact_holdings: int = 0  # works carrying an identifier named in the question
    related_holdings: int = 0  # works the search index matched with the question's words
    holds_chosen_work: bool = False  # holds the work the reader asked about ("ask about this title")
    answered_for_others: int = 0
    referred_out: int = 0
    accepts: bool = True


@dataclass(frozen=True)
class QuestionFacts:
    home_member: str | None = None
    clc: str | None = None
    language: str = "zh"
    has_identifiers: bool = False
    has_chosen_work: bool = False
    excluded: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reason:
    signal: str
    text: str
    params: dict


@dataclass(frozen=True)
class Score:
    code: str
    total: float
    parts: dict
    reasons: tuple[Reason, ...]
    home_can_answer: bool = False
    holds_chosen_work: bool = False

    def summary(self) -> str:
        return "; ".join(r.text for r in self.reasons)

    def as_dict(self) -> dict:
        return {"member": self.code, "score": round(self.total, 4),
                "parts": {k: round(v, 4) for k, v in self.parts.items()},
                "reasons": [{"signal": r.signal, "text": r.text, "params": r.params} for r in self.reasons],
                "summary": self.summary()}


@dataclass(frozen=True)
class Decision:
    chosen: str | None
    ranking: tuple[Score, ...]
    excluded: tuple[str, ...]
    rule: str  # "home" | "holds the title" | "best score" | "pool"

    def as_dict(self) -> dict:
        return {"chosen": self.chosen, "rule": self.rule, "excluded": list(self.excluded),
                "ranking": [s.as_dict() for s in self.ranking]}

    def next_best(self, exclude: Iterable[str] = ()) -> str | None:
        skip = set(exclude)
        return next((s.code for s in self.ranking if s.code not in skip), None)


def subject_strength(strengths: Mapping[str, float], clc: str | None) -> tuple[float, str | None]:
    """The strength for the longest class prefix a member declared (``TP`` before ``T``)."""
    if not clc:
        return 0.0, None
    for prefix in reversed(clc_prefixes(clc)):
        if prefix in strengths:
            return max(0.0, min(1.0, float(strengths[prefix]))), prefix
    return 0.0, None


def holdings_score(candidate: Candidate) -> float:
    if candidate.exact_holdings > 0 or candidate.holds_chosen_work:
        return 1.0
    if candidate.related_holdings <= 0:
        return 0.0
    return min(0.6, 0.6 * math.log1p(candidate.related_holdings) / math.log1p(50))


def hours_score(candidate: Candidate, soon_hours: float) -> float:
    if candidate.open_now:
        return 1.0
    wait = candidate.hours_until_open
    if wait is None or wait >= soon_hours or soon_hours <= 0:
        return 0.0
    return 0.5 * (1.0 - max(0.0, wait) / soon_hours)


def load_score(candidate: Candidate) -> float:
    if candidate.capacity <= 0:
        return 0.0
    return max(0.0, 1.0 - candidate.open_count / candidate.capacity)


def reciprocity_score(candidate: Candidate) -> float:
    """0.5 when balanced; towards 1 for members that owe the consortium answers."""
    balance = candidate.answered_for_others - candidate.referred_out
    return 0.5 - 0.5 * math.tanh(balance / 10.0)


def home_can_answer(candidate: Candidate, facts: QuestionFacts, weights: Weights) -> bool:
    """The home member answers first unless the question plainly needs another collection."""
    if not _eligible(candidate, facts) or facts.language not in candidate.languages:
        return False
    if candidate.capacity <= candidate.open_count:
        return False
    if facts.has_chosen_work:
        return candidate.holds_chosen_work
    if facts.has_identifiers and candidate.exact_holdings == 0:
        return False
    if facts.clc and candidate.exact_holdings == 0:
        strength, _prefix = subject_strength(candidate.strengths, facts.clc)
        return strength >= weights.home_min_strength
    return True


def _eligible(candidate: Candidate, facts: QuestionFacts) -> bool:
    return candidate.accepts and candidate.capacity > 0 and candidate.code not in facts.excluded


def score_candidate(candidate: Candidate, facts: QuestionFacts, weights: Weights) -> Score:
    strength, prefix = subject_strength(candidate.strengths, facts.clc)
    is_home = candidate.code == facts.home_member
    parts = {
        "home": 1.0 if is_home else 0.0,
        "subject": strength,
        "holdings": holdings_score(candidate),
        "language": 1.0 if facts.language in candidate.languages else 0.0,
        "hours": hours_score(candidate, weights.soon_hours),
        "load": load_score(candidate),
        "reciprocity": reciprocity_score(candidate),
    }
    total = sum(getattr(weights, name) * value for name, value in parts.items())
    reasons = tuple(_reasons(candidate, facts, is_home, strength, prefix))
    can = is_home and home_can_answer(candidate, facts, weights)
    holds = facts.has_chosen_work and candidate.holds_chosen_work
    return Score(candidate.code, total, parts, reasons, can, holds)


def _reasons(c: Candidate, facts: QuestionFacts, is_home: bool, strength: float, prefix: str | None):
    if is_home:
        yield Reason("home", "reader's home library", {})
    if facts.has_chosen_work:
        yield Reason("chosen", "holds the title asked about" if c.holds_chosen_work
                     else "does not hold the title asked about", {"holds": c.holds_chosen_work})
    if c.exact_holdings:
        yield Reason("holdings", f"holds {c.exact_holdings} requested title(s)", {"n": c.exact_holdings, "exact": True})
    elif c.related_holdings:
        yield Reason("holdings", f"holds {c.related_holdings} matching works", {"n": c.related_holdings, "exact": False})
    elif facts.has_identifiers:
        yield Reason("holdings", "holds none of the requested titles", {"n": 0, "exact": True})
    if facts.clc:
        label = prefix or facts.clc
        yield Reason("subject", f"CLC {label} strength {strength:.1f}", {"clc": label, "strength": round(strength, 2)})
    if facts.language in c.languages:
        yield Reason("language", f"answers in {facts.language}", {"language": facts.language, "ok": True})
    else:
        yield Reason("language", f"does not answer in {facts.language}", {"language": facts.language, "ok": False})
    yield _hours_reason(c)
    yield Reason("load", f"{c.open_count} open of {c.capacity}", {"open": c.open_count, "capacity": c.capacity})
    balance = c.answered_for_others - c.referred_out
    yield Reason("reciprocity", f"reciprocity balance {balance:+d}", {"balance": balance})


def _hours_reason(c: Candidate) -> Reason:
    if c.open_now:
        return Reason("hours", "open now", {"open": True})
    if c.hours_until_open is not None:
        return Reason("hours", f"opens in {c.hours_until_open:.1f} h", {"open": False, "in": round(c.hours_until_open, 1)})
    return Reason("hours", "closed", {"open": False, "in": None})


def route(facts: QuestionFacts, candidates: Iterable[Candidate], weights: Weights = Weights()) -> Decision:
    """Rank the eligible members and choose one (None: nobody can take it, send to the pool)."""
    by_code = {c.code: c for c in candidates}
    excluded = tuple(sorted(code for code, c in by_code.items() if not _eligible(c, facts)))
    scores = [score_candidate(c, facts, weights) for code, c in sorted(by_code.items()) if code not in excluded]
    ranking = sorted(scores, key=lambda s: (not s.home_can_answer, not s.holds_chosen_work, -s.total, s.code))
    if not ranking:
        return Decision(None, (), excluded, "pool")
    first = ranking[0]
    rule = "home" if first.home_can_answer else "holds the title" if first.holds_chosen_work else "best score"
    return Decision(ranking[0].code, tuple(ranking), excluded, rule)
