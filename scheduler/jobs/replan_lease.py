"""The nightly re-plan's hold on its date: a lease in ``replan_runs``, kept by a heartbeat.

A run takes its date by inserting the date's row (unique), or by updating a row whose
run `failed` or whose lease ran out, in one conditional statement, so two claimers
never both win. While it works, a heartbeat thread renews ``lease_until`` every few
seconds. A process that dies (``kill -9`` of the solver child, the machine lost) stops
renewing, and once ``lease_until`` has passed the next claimer (the redelivered task,
the watchdog's, or `rjsched replan`) takes the run over. ``--force`` takes it over at
once, even from a live run.

The lease is also a fence: the run's last transaction (save, confirm, queue the
messages, mark it done) only commits if this process still owns the row, so a run that
lost its lease (it was too slow, or forced out) confirms nothing and sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from scheduler.jobs.config import JobSettings
from scheduler.storage.db import transaction
from scheduler.storage.models import ReplanRun

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


class LeaseLostError(RuntimeError):
    """Another process took this run over; this one stops without confirming anything."""


@dataclass(frozen=True)
class LeaseTerms:
    """How long a claim holds without a heartbeat, and how often the heartbeat renews it."""

    seconds: float
    heartbeat_seconds: float

    @classmethod
    def from_settings(cls, jobs: JobSettings) -> LeaseTerms:
        return cls(
            seconds=jobs.replan_lease_seconds, heartbeat_seconds=jobs.replan_heartbeat_seconds
        )


@dataclass(frozen=True)
class Claim:
    claimed: bool
    # Not claimed: 'held' (another process holds a live lease) or 'already-run'.
    status: str = "claimed"
    previous_owner: str | None = None  # whose run was taken over (its lease ran out, or forced)
    held_until: dt.datetime | None = None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes; every one stored here is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _until(now: dt.datetime, terms: LeaseTerms) -> dt.datetime:
    return now + dt.timedelta(seconds=terms.seconds)


def _ran_out(now: dt.datetime):  # type: ignore[no-untyped-def]
    return and_(
        ReplanRun.status == "running",
        or_(ReplanRun.lease_until.is_(None), ReplanRun.lease_until <= now),
    )


def claim_run(
    engine: Engine,
    run_date: dt.date,
    *,
    owner: str,
    now: dt.datetime,
    terms: LeaseTerms,
    force: bool = False,
) -> Claim:
    """Take the date's run for `owner`: new, failed, or its lease ran out (any, with `force`)."""
    fresh = {"status": "running", "owner": owner, "started_at": now, "heartbeat_at": now}
    try:
        with transaction(engine) as session:
            session.add(ReplanRun(run_date=run_date, lease_until=_until(now, terms), **fresh))
        return Claim(claimed=True)
    except IntegrityError:
        pass
    with transaction(engine) as session:
        status, previous, lease_until = session.execute(
            select(ReplanRun.status, ReplanRun.owner, ReplanRun.lease_until).where(
                ReplanRun.run_date == run_date
            )
        ).one()
        where = [ReplanRun.run_date == run_date]
        if not force:
            where.append(or_(ReplanRun.status == "failed", _ran_out(now)))
        result = session.execute(
            update(ReplanRun)
            .where(*where)
            .values(lease_until=_until(now, terms), finished_at=None, **fresh)
        )
    if result.rowcount == 1:  # type: ignore[attr-defined]
        return Claim(claimed=True, previous_owner=previous if status == "running" else None)
    if status == "running":
        return Claim(
            claimed=False, status="held", previous_owner=previous, held_until=_aware(lease_until)
        )
    return Claim(claimed=False, status="already-run")


def renew(
    engine: Engine, run_date: dt.date, *, owner: str, now: dt.datetime, terms: LeaseTerms
) -> bool:
    """Extend `owner`'s lease from `now`; False if the run is no longer theirs."""
    with transaction(engine) as session:
        result = session.execute(
            update(ReplanRun)
            .where(
                ReplanRun.run_date == run_date,
                ReplanRun.owner == owner,
                ReplanRun.status == "running",
            )
            .values(heartbeat_at=now, lease_until=_until(now, terms))
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def finish_run(
    session: Session,
    run_date: dt.date,
    *,
    owner: str,
    status: str,
    now: dt.datetime,
    plan_id: int | None = None,
) -> None:
    """Close `owner`'s run in the caller's transaction; `LeaseLostError` if it is not theirs."""
    result = session.execute(
        update(ReplanRun)
        .where(
            ReplanRun.run_date == run_date,
            ReplanRun.owner == owner,
            ReplanRun.status == "running",
        )
        .values(status=status, finished_at=now, plan_id=plan_id, lease_until=None)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LeaseLostError(
            f"the re-plan of {run_date.isoformat()} was taken over by another process; "
            "this one confirmed nothing"
        )


def close_run(
    engine: Engine, run_date: dt.date, *, owner: str, status: str, now: dt.datetime
) -> None:
    """Mark `owner`'s run `status` ('failed', 'skipped'); nothing if it is no longer theirs."""
    try:
        with transaction(engine) as session:
            finish_run(session, run_date, owner=owner, status=status, now=now)
    except LeaseLostError:
        log.info("re-plan %s: taken over by another process; left as it is", run_date)


def runs_to_take_over(engine: Engine, *, now: dt.datetime, days: int = 1) -> list[dt.date]:
    """Dates (today and the `days` before) whose run is 'running' but whose lease ran out."""
    with transaction(engine) as session:
        return list(
            session.scalars(
                select(ReplanRun.run_date)
                .where(_ran_out(now), ReplanRun.run_date >= now.date() - dt.timedelta(days=days))
                .order_by(ReplanRun.run_date)
            )
        )


class Heartbeat:
    """Renews a lease every `terms.heartbeat_seconds` in a daemon thread, while in `with`.

    Database errors are logged and tried again at the next beat (the lease has room for
    a few missed ones); `lost` is set once the run is no longer this owner's.
    """

    def __init__(
        self, engine: Engine, run_date: dt.date, *, owner: str, terms: LeaseTerms, clock: Clock
    ) -> None:
        self.engine, self.run_date, self.owner = engine, run_date, owner
        self.terms, self.clock = terms, clock
        self.lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"replan-heartbeat-{run_date}", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=self.terms.seconds)

    def _beat(self) -> None:
        while not self._stop.wait(self.terms.heartbeat_seconds):
            try:
                mine = renew(
                    self.engine, self.run_date, owner=self.owner, now=self.clock(), terms=self.terms
                )
            except Exception as exc:  # the database is busy or away: try at the next beat
                log.warning("re-plan %s: heartbeat not recorded (%s)", self.run_date, exc)
                continue
            if not mine:
                if self._stop.is_set() or self._holder() == self.owner:
                    return  # this run has just finished: nothing to renew
                log.warning("re-plan %s: another process took this run over", self.run_date)
                self.lost.set()
                return

    def _holder(self) -> str | None:
        with transaction(self.engine) as session:
            return session.scalar(
                select(ReplanRun.owner).where(ReplanRun.run_date == self.run_date)
            )
