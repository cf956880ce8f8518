"""Server-sent event streams of live chats, fed from the database.

Several web processes may serve one chat, so events travel through ``chat_event`` rows, not
process memory. In each process one ``ChatBus`` thread polls that table every
``poll_seconds`` (one indexed query, however many streams are open) and wakes the streams
whose chat got a new event; a stream then reads its own new rows. A write in the same process
pokes the bus so local delivery does not wait for the next poll. Ids of concurrent
transactions can commit out of order, so once a second the scan also re-reads the last
``OVERLAP`` ids; and a wait that times out reads the database anyway, so a missed wake-up
costs at most ``WAIT_SECONDS`` of latency.

A stream lasts ``stream_seconds`` and then ends; the browser's ``EventSource`` reconnects
with ``Last-Event-ID`` and resumes exactly after the last event it got. Bounded streams keep
campus proxies (which cut long responses) and server threads honest.
"""
import logging
import threading
import time
from collections.abc import Callable, Iterator

from sqlalchemy import func
from sqlmodel import Session, select

from consortium.reference.chat import events_after
from consortium.reference.chat_rules import FINAL, sse_comment, sse_frame, sse_retry
from consortium.reference.models import ChatEvent, ChatSession

log = logging.getLogger(__name__)
WAIT_SECONDS = 5.0
# rows re-read below the highest id seen: ids of concurrent transactions commit out of order
OVERLAP = 256
OVERLAP_EVERY_SECONDS = 1.0
MAX_TRACKED = 50_000
IDLE_STOP_SECONDS = 2.0


class ChatBus:
    """Per process: which chat has which latest event sequence number, and waiting for one."""

    def __init__(self, open_session: Callable[[], Session], poll_seconds: float = 0.25):
        self._open_session = open_session
        self.poll_seconds = poll_seconds
        # one lock; a condition per chat with waiting streams, so an event wakes only its
        # chat's streams (200 chats × a message a second would otherwise wake every stream)
        self._mutex = threading.Lock()
        self._conds: dict[int, tuple[threading.Condition, int]] = {}
        self._latest: dict[int, int] = {}
        self._last_id: int | None = None
        self._overlap_at = 0.0
        self._poke = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._waiters = 0
        self._idle_since = time.monotonic()

    def _enter(self) -> None:
        """A stream starts waiting: start the polling thread unless it runs (importing and
        building stay side-effect free; a process with no open stream polls nothing)."""
        with self._lock:
            self._waiters += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="chat-bus", daemon=True)
                self._thread.start()

    def _leave(self) -> None:
        with self._lock:
            self._waiters -= 1
            self._idle_since = time.monotonic()

    def _should_stop(self) -> bool:
        """No stream has waited for ``IDLE_STOP_SECONDS``: the thread ends (and forgets where it was)."""
        with self._lock:
            if self._waiters == 0 and time.monotonic() - self._idle_since > IDLE_STOP_SECONDS:
                self._thread, self._last_id = None, None
                return True
            return False

    def poke(self) -> None:
        """Something was committed in this process: scan now."""
        self._poke.set()

    def _run(self) -> None:
        while not self._should_stop():
            self._poke.wait(self.poll_seconds)
            self._poke.clear()
            try:
                self.scan()
            except Exception:  # the database restarting must not kill live chat for good
                log.warning("chat bus scan failed; retrying", exc_info=True)
                time.sleep(1.0)

    def scan(self) -> None:
        with self._open_session() as session:
            if self._last_id is None:
                self._last_id = session.exec(select(func.max(ChatEvent.id))).one() or 0
                return
            # rows above the highest id seen; now and then also OVERLAP below it, for rows whose
            # transaction took a lower id but committed later (rare: streams also re-read on timeout)
            now = time.monotonic()
            overlap = OVERLAP if now - self._overlap_at >= OVERLAP_EVERY_SECONDS else 0
            self._overlap_at = now if overlap else self._overlap_at
            rows = session.exec(select(ChatEvent.id, ChatEvent.chat_id, ChatEvent.seq)
                                .where(ChatEvent.id > self._last_id - overlap).order_by(ChatEvent.id)).all()
        with self._mutex:
            if len(self._latest) > MAX_TRACKED:
                self._latest.clear()  # waits then time out and read the database: slower, not wrong
            changed = set()
            for row_id, chat_id, seq in rows:
                if seq > self._latest.get(chat_id, 0):
                    self._latest[chat_id] = seq
                    changed.add(chat_id)
                self._last_id = max(self._last_id, row_id)
            for chat_id in changed & self._conds.keys():
                self._conds[chat_id][0].notify_all()

    def wait(self, chat_id: int, after: int, timeout: float) -> bool:
        """Block until the chat has an event after ``after`` (True) or ``timeout`` passes (False)."""
        self._enter()
        try:
            with self._mutex:
                cond, count = self._conds.get(chat_id) or (threading.Condition(self._mutex), 0)
                self._conds[chat_id] = (cond, count + 1)
                try:
                    return cond.wait_for(lambda: self._latest.get(chat_id, 0) > after, timeout)
                finally:
                    cond, count = self._conds[chat_id]
                    if count == 1:
                        del self._conds[chat_id]
                    else:
                        self._conds[chat_id] = (cond, count - 1)
        finally:
            self._leave()


def chat_state(session: Session, chat_id: int) -> str | None:
    """The chat's state now (None: no such chat)."""
    return session.exec(select(ChatSession.state).where(ChatSession.id == chat_id)).first()


def stream(open_session: Callable[[], Session], bus: ChatBus, chat_id: int, after: int, *, seconds: float,
           on_wait: Callable[[], None] | None = None, clock=time.monotonic) -> Iterator[str]:
    """The text of one bounded SSE response: events after ``after``, then whatever comes,
    until ``seconds`` pass or the chat reaches a final state. ``on_wait`` runs whenever a
    wait times out (the reader's stream uses it to queue a chat nobody accepted)."""
    yield sse_retry(1000)
    deadline = clock() + seconds
    while True:
        with open_session() as session:
            events = events_after(session, chat_id, after)
        for event in events:
            after = event["seq"]
            yield sse_frame(event["seq"], event["kind"], event)
        if events and events[-1]["kind"] == "state" and events[-1].get("state") in FINAL:
            return
        remaining = deadline - clock()
        if remaining <= 0:
            return
        if not bus.wait(chat_id, after, min(remaining, WAIT_SECONDS)):
            yield sse_comment()
            if on_wait is not None:
                on_wait()
