"""The review queue: leases, decisions, skip/release/undo, and progress.

Every state change is one conditional UPDATE whose WHERE clause states what must still be true (the sample is
pending, unleased or the lease expired, or the lease is mine with this token and still live); the row count
tells whether it happened. No SELECT-then-UPDATE window exists for another annotator to slip through.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, exists, func, insert, or_, select, true, union, update
from sqlalchemy.orm import Session

from db.errors import ConflictError, InputError, LeaseError, NotFoundError
from db.models import DECISIONS, MAX_TEXT_CHARS, Annotator, Review, Sample, Skip, utcnow
from db.samples import SampleInfo, load_sample

if TYPE_CHECKING:
    from db.store import Store

DEFAULT_LEASE_SECONDS = 600
MAX_REASON_CHARS = 2000
_CANDIDATES = 8
_CLAIM_ROUNDS = 5

# The hot path (claim, decide) runs Core statements on the tables: the ORM's unit-of-work and bulk-update
# bookkeeping would triple the per-decision cost without buying anything here.
_S = Sample.__table__
_R = Review.__table__
_A = Annotator.__table__
_K = Skip.__table__
_NO_LEASE = {"lease_annotator_id": None, "lease_token": None, "lease_expires_at": None}


@dataclass(frozen=True)
class QueueFilter:
    """Which samples to offer; None means any."""

    category: str | None = None
    source: str | None = None
    flagged: bool | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses = []
        if self.category is not None:
            clauses.append(_S.c.category == self.category)
        if self.source is not None:
            clauses.append(_S.c.source == self.source)
        if self.flagged is not None:
            clauses.append(_S.c.flagged.is_(self.flagged))
        return clauses

    def matches(self, sample) -> bool:
        """Whether a row with category, source and flagged attributes passes the filter."""
        return ((self.category is None or sample.category == self.category)
                and (self.source is None or sample.source == self.source)
                and (self.flagged is None or bool(sample.flagged) == self.flagged))


@dataclass(frozen=True)
class Claim:
    """A sample leased to one annotator until ``expires_at`` (UTC); pass ``token`` back to act on it."""

    sample: SampleInfo
    token: str
    expires_at: datetime


@dataclass(frozen=True)
class ReviewInfo:
    id: int
    sample_id: int
    annotator_id: int
    decision: str
    edited_text: str | None
    reason: str | None
    created_at: datetime
    undone_at: datetime | None
    sample_status: str


@dataclass(frozen=True)
class UndoResult:
    """The review that was undone, and the sample leased back to the annotator (None if someone else holds it)."""

    review: ReviewInfo
    claim: Claim | None


@dataclass(frozen=True)
class Progress:
    total: int
    pending: int
    approved: int
    rejected: int
    leased: int
    reviews: int

    @property
    def done_fraction(self) -> float:
        return (self.approved + self.rejected) / self.total if self.total else 0.0


@dataclass(frozen=True)
class AnnotatorProgress:
    annotator_id: int
    name: str
    approve: int
    edit_approve: int
    reject: int
    undone: int
    skipped: int
    available: int | None = None

    @property
    def decided(self) -> int:
        return self.approve + self.edit_approve + self.reject


@dataclass(frozen=True)
class Agreement:
    """Pairwise agreement (approve vs reject) over samples with two or more reviews."""

    samples: int
    pairs: int
    agreeing_pairs: int

    @property
    def rate(self) -> float | None:
        return self.agreeing_pairs / self.pairs if self.pairs else None


def _review_info(review, status: str) -> ReviewInfo:
    return ReviewInfo(review.id, review.sample_id, review.annotator_id, review.decision, review.edited_text,
                      review.reason, review.created_at, review.undone_at, status)


def _lease_is_free(now: datetime) -> ColumnElement[bool]:
    return or_(_S.c.lease_expires_at.is_(None), _S.c.lease_expires_at <= now)


def _lease_is_mine(sample_id: int, annotator_id: int, token: str, now: datetime) -> list[ColumnElement[bool]]:
    return [_S.c.id == sample_id, _S.c.status == "pending", _S.c.lease_annotator_id == annotator_id,
            _S.c.lease_token == token, _S.c.lease_expires_at > now]


def _lease_problem(session: Session, sample_id: int, annotator_id: int, token: str, now: datetime) -> Exception:
    """Why the conditional update on a lease matched no row, as an error to raise."""
    row = session.connection().execute(select(_S).where(_S.c.id == sample_id)).first()
    if row is None:
        return NotFoundError(f"sample {sample_id} does not exist")
    if row.status != "pending":
        return LeaseError(f"sample {sample_id} is already {row.status}")
    if row.lease_annotator_id is None:
        return LeaseError(f"sample {sample_id} is not leased to annotator {annotator_id} "
                          "(never claimed, released, or the lease expired and was given up)")
    if row.lease_annotator_id != annotator_id:
        return LeaseError(f"stale lease on sample {sample_id}: annotator {row.lease_annotator_id} holds it now, "
                          f"not annotator {annotator_id} (a lease that expired was claimed by someone else)")
    if row.lease_token != token:
        return LeaseError(f"stale lease on sample {sample_id}: it was claimed again since (token mismatch)")
    return LeaseError(f"stale lease on sample {sample_id}: it expired at "
                      f"{row.lease_expires_at:%Y-%m-%d %H:%M:%S} UTC; claim it again")


def _active_votes(session: Session, sample_id: int) -> list[tuple[str, str | None]]:
    """(decision, edited_text) of the sample's active reviews, oldest first."""
    return [tuple(row) for row in session.connection().execute(
        select(_R.c.decision, _R.c.edited_text).where(_R.c.sample_id == sample_id, _R.c.undone_at.is_(None))
        .order_by(_R.c.id))]


def _settle(session: Session, sample_id: int, votes: list[tuple[str, str | None]], required: int,
            refined_text: str, now: datetime) -> str:
    """Store the sample's status, final text and review count implied by its active votes; returns the status.

    Fewer than ``required`` votes: pending. Otherwise the majority of approve (incl. edit_approve) versus
    reject decides; a tie stays pending until one more annotator breaks it. The approved text is the latest
    edit among the approving votes, else the refined description.
    """
    approvals = [(decision, text) for decision, text in votes if decision != "reject"]
    if len(votes) < required or 2 * len(approvals) == len(votes):
        status, final_text, decided_at = "pending", None, None
    elif 2 * len(approvals) > len(votes):
        edits = [text for _, text in approvals if text]
        status, final_text, decided_at = "approved", (edits or [refined_text])[-1], now
    else:
        status, final_text, decided_at = "rejected", None, now
    session.connection().execute(update(_S).where(_S.c.id == sample_id).values(
        status=status, final_text=final_text, decided_at=decided_at, review_count=len(votes)))
    return status


def _require_annotator(session: Session, annotator_id: int) -> None:
    active = session.connection().execute(
        select(_A.c.active).where(_A.c.id == annotator_id)).scalar_one_or_none()
    if not active:
        raise NotFoundError(f"annotator {annotator_id} does not exist or is deactivated")


def _check_decision(decision: str, edited_text: str | None, reason: str | None) -> str | None:
    """Validate a decision before touching the database; returns the cleaned edited text."""
    if decision not in DECISIONS:
        raise InputError(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
    if reason is not None and len(reason) > MAX_REASON_CHARS:
        raise InputError(f"reason has {len(reason)} characters; at most {MAX_REASON_CHARS} allowed")
    if decision != "edit_approve":
        if edited_text is not None:
            raise InputError(f"edited text given with decision {decision!r}; use 'edit_approve' to save an edit")
        return None
    text = (edited_text or "").strip()
    if not text:
        raise InputError("edited text is empty; an edit-and-approve needs the corrected description")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"edited text has {len(text)} characters; at most {MAX_TEXT_CHARS} allowed")
    return text


def _check_lease_seconds(lease_seconds: float) -> timedelta:
    if not 0 < lease_seconds <= 24 * 3600:
        raise InputError(f"lease_seconds must be in (0, 86400], got {lease_seconds}")
    return timedelta(seconds=lease_seconds)


class QueueService:
    """Claim / decide / skip / release / undo, and progress figures."""

    def __init__(self, store: "Store") -> None:
        self._store = store

    def claim(self, annotator_id: int, filters: QueueFilter | None = None,
              lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Claim | None:
        """Lease the next pending sample to the annotator, or None when nothing is left for them.

        An annotator holds at most one lease: a live lease matching the filters is renewed and returned again
        (page reload); other leases of theirs are released. Samples they reviewed or skipped are never offered.
        """
        filters = filters or QueueFilter()
        ttl = _check_lease_seconds(lease_seconds)

        def work(session: Session) -> Claim | None:
            _require_annotator(session, annotator_id)
            connection = session.connection()
            now = utcnow()
            mine = connection.execute(
                select(_S.c.id, _S.c.lease_token, _S.c.lease_expires_at, _S.c.status, _S.c.category, _S.c.source,
                       _S.c.flagged).where(_S.c.lease_annotator_id == annotator_id)).all()
            for held in mine:
                if held.status == "pending" and held.lease_expires_at > now and filters.matches(held):
                    connection.execute(update(_S).where(_S.c.id == held.id).values(lease_expires_at=now + ttl))
                    return Claim(load_sample(session, held.id), held.lease_token, now + ttl)
            if mine:
                connection.execute(update(_S).where(_S.c.lease_annotator_id == annotator_id).values(**_NO_LEASE))
            return self._claim_new(session, annotator_id, filters, now, ttl)

        return self._store.write(work)

    @staticmethod
    def _claim_new(session: Session, annotator_id: int, filters: QueueFilter, now: datetime,
                   ttl: timedelta) -> Claim | None:
        connection = session.connection()
        reviewed = exists().where(_R.c.sample_id == _S.c.id, _R.c.annotator_id == annotator_id,
                                  _R.c.undone_at.is_(None))
        skipped = exists().where(_K.c.sample_id == _S.c.id, _K.c.annotator_id == annotator_id)
        candidates_query = (
            select(_S.c.id).where(_S.c.status == "pending", _lease_is_free(now), ~reviewed, ~skipped,
                                  *filters.clauses())
            .order_by(_S.c.id).limit(_CANDIDATES)
        )
        for _ in range(_CLAIM_ROUNDS):
            candidates = connection.execute(candidates_query).scalars().all()
            if not candidates:
                return None
            for sample_id in candidates:
                token = secrets.token_hex(16)
                taken = connection.execute(
                    update(_S).where(_S.c.id == sample_id, _S.c.status == "pending", _lease_is_free(now))
                    .values(lease_annotator_id=annotator_id, lease_token=token, lease_expires_at=now + ttl)
                ).rowcount
                if taken == 1:
                    return Claim(load_sample(session, sample_id), token, now + ttl)
        raise ConflictError("could not claim a sample: every candidate was taken concurrently; try again")

    def renew(self, annotator_id: int, sample_id: int, token: str,
              lease_seconds: float = DEFAULT_LEASE_SECONDS) -> datetime:
        """Extend my live lease; returns the new expiry (UTC)."""
        ttl = _check_lease_seconds(lease_seconds)

        def work(session: Session) -> datetime:
            now = utcnow()
            done = session.connection().execute(update(_S).where(*_lease_is_mine(sample_id, annotator_id, token, now))
                                                .values(lease_expires_at=now + ttl)).rowcount
            if done != 1:
                raise _lease_problem(session, sample_id, annotator_id, token, now)
            return now + ttl

        return self._store.write(work)

    def decide(self, annotator_id: int, sample_id: int, token: str, decision: str,
               edited_text: str | None = None, reason: str | None = None) -> ReviewInfo:
        """Record approve / reject / edit_approve on a sample I hold a live lease on; the lease ends.

        Errors (nothing is changed): InputError for a bad decision or text (empty or over the limit),
        NotFoundError for an unknown sample, LeaseError for a missing, expired or stale lease.
        """
        text = _check_decision(decision, edited_text, reason)

        def work(session: Session) -> ReviewInfo:
            connection = session.connection()
            now = utcnow()
            sample = connection.execute(
                update(_S).where(*_lease_is_mine(sample_id, annotator_id, token, now)).values(**_NO_LEASE)
                .returning(_S.c.required_reviews, _S.c.review_count, _S.c.detailed_refined)
            ).first()
            if sample is None:
                raise _lease_problem(session, sample_id, annotator_id, token, now)
            values = {"sample_id": sample_id, "annotator_id": annotator_id, "decision": decision,
                      "edited_text": text, "reason": reason or None, "created_at": now, "undone_at": None}
            review_id = connection.execute(insert(_R).values(**values)).inserted_primary_key[0]
            votes = [(decision, text)] if sample.review_count == 0 else _active_votes(session, sample_id)
            status = _settle(session, sample_id, votes, sample.required_reviews, sample.detailed_refined, now)
            return ReviewInfo(id=review_id, sample_status=status, **values)

        return self._store.write(work)

    def skip(self, annotator_id: int, sample_id: int, token: str) -> None:
        """Give the sample back and never offer it to this annotator again."""
        def work(session: Session) -> None:
            self._end_lease(session, annotator_id, sample_id, token)
            if session.get(Skip, (annotator_id, sample_id)) is None:
                session.add(Skip(annotator_id=annotator_id, sample_id=sample_id, created_at=utcnow()))

        self._store.write(work)

    def release(self, annotator_id: int, sample_id: int, token: str) -> None:
        """Give the sample back to the queue (it may be offered to me again)."""
        self._store.write(lambda session: self._end_lease(session, annotator_id, sample_id, token))

    def release_all(self, annotator_id: int) -> int:
        """Drop every lease the annotator holds (logout); returns how many."""
        return self._store.write(lambda session: session.connection().execute(
            update(_S).where(_S.c.lease_annotator_id == annotator_id).values(**_NO_LEASE)).rowcount)

    @staticmethod
    def _end_lease(session: Session, annotator_id: int, sample_id: int, token: str) -> None:
        """Clear my live lease on the sample, or raise why I do not hold one."""
        now = utcnow()
        done = session.connection().execute(update(_S).where(*_lease_is_mine(sample_id, annotator_id, token, now))
                                            .values(**_NO_LEASE)).rowcount
        if done != 1:
            raise _lease_problem(session, sample_id, annotator_id, token, now)

    def undo_last(self, annotator_id: int, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> UndoResult:
        """Undo my most recent (not yet undone) decision and lease the sample back to me when it is free.

        The review stays in the table with ``undone_at`` set (audit trail); the sample's status is recomputed
        and any other lease I hold is released. ConflictError when there is nothing to undo.
        """
        ttl = _check_lease_seconds(lease_seconds)

        def work(session: Session) -> UndoResult:
            _require_annotator(session, annotator_id)
            connection = session.connection()
            now = utcnow()
            review = connection.execute(
                select(_R).where(_R.c.annotator_id == annotator_id, _R.c.undone_at.is_(None))
                .order_by(_R.c.id.desc()).limit(1)
            ).first()
            if review is None:
                raise ConflictError(f"annotator {annotator_id} has no decision to undo")
            sample = connection.execute(select(_S.c.required_reviews, _S.c.detailed_refined)
                                        .where(_S.c.id == review.sample_id).with_for_update()).one()
            done = connection.execute(update(_R).where(_R.c.id == review.id, _R.c.undone_at.is_(None))
                                      .values(undone_at=now)).rowcount
            if done != 1:
                raise ConflictError(f"review {review.id} was undone concurrently")
            status = _settle(session, review.sample_id, _active_votes(session, review.sample_id),
                             sample.required_reviews, sample.detailed_refined, now)
            info = _review_info(review, status)
            info = ReviewInfo(**{**info.__dict__, "undone_at": now})
            connection.execute(update(_S).where(_S.c.lease_annotator_id == annotator_id).values(**_NO_LEASE))
            token = secrets.token_hex(16)
            leased = connection.execute(
                update(_S).where(_S.c.id == review.sample_id, _S.c.status == "pending", _lease_is_free(now))
                .values(lease_annotator_id=annotator_id, lease_token=token, lease_expires_at=now + ttl)
            ).rowcount
            claim = Claim(load_sample(session, review.sample_id), token, now + ttl) if leased == 1 else None
            return UndoResult(info, claim)

        return self._store.write(work)

    def reviews_of(self, sample_id: int, include_undone: bool = True) -> list[ReviewInfo]:
        """The audit trail of one sample, oldest first."""
        with self._store.read() as session:
            status = load_sample(session, sample_id).status
            query = select(Review).where(Review.sample_id == sample_id).order_by(Review.id)
            if not include_undone:
                query = query.where(Review.undone_at.is_(None))
            return [_review_info(review, status) for review in session.scalars(query)]

    def progress(self, filters: QueueFilter | None = None) -> Progress:
        """Overall counts by status (optionally for a category/source/flag subset)."""
        filters = filters or QueueFilter()
        with self._store.read() as session:
            now = utcnow()
            by_status = dict(session.execute(
                select(Sample.status, func.count()).where(*filters.clauses()).group_by(Sample.status)).all())
            # "lease_annotator_id > 0", not "IS NOT NULL": SQLite range-scans ix_samples_lease instead of the table
            leased = session.scalar(select(func.count()).select_from(Sample).where(
                Sample.lease_annotator_id > 0, Sample.lease_expires_at > now, *filters.clauses()))
            reviews = session.scalar(select(func.count()).select_from(Review).join(Sample).where(
                Review.undone_at.is_(None), *filters.clauses()))
        return Progress(sum(by_status.values()), by_status.get("pending", 0), by_status.get("approved", 0),
                        by_status.get("rejected", 0), leased, reviews)

    def annotator_progress(self, annotator_id: int | None = None) -> list[AnnotatorProgress]:
        """Per-annotator decision counts; with an id, only that annotator plus how many samples remain for them."""
        with self._store.read() as session:
            people = session.execute(
                select(Annotator.id, Annotator.name).where(
                    true() if annotator_id is None else Annotator.id == annotator_id).order_by(Annotator.name)
            ).all()
            if annotator_id is not None and not people:
                raise NotFoundError(f"annotator {annotator_id} does not exist")
            whose = [pid for pid, _ in people]
            counts = session.execute(
                select(Review.annotator_id, Review.decision, Review.undone_at.is_not(None), func.count())
                .where(Review.annotator_id.in_(whose))
                .group_by(Review.annotator_id, Review.decision, Review.undone_at.is_not(None))
            ).all()
            skips = dict(session.execute(select(Skip.annotator_id, func.count()).where(Skip.annotator_id.in_(whose))
                                         .group_by(Skip.annotator_id)).all())
            available = None
            if annotator_id is not None:  # all pending minus the pending ones I reviewed or skipped
                seen = union(
                    select(Review.sample_id).where(Review.annotator_id == annotator_id, Review.undone_at.is_(None)),
                    select(Skip.sample_id).where(Skip.annotator_id == annotator_id))
                pending = select(func.count()).select_from(Sample).where(Sample.status == "pending")
                available = session.scalar(pending) - session.scalar(pending.where(Sample.id.in_(seen)))
        tally: dict[tuple[int, str], int] = {}
        for who, decision, undone, count in counts:
            key = (who, "undone" if undone else decision)
            tally[key] = tally.get(key, 0) + count
        return [AnnotatorProgress(pid, name, tally.get((pid, "approve"), 0), tally.get((pid, "edit_approve"), 0),
                                  tally.get((pid, "reject"), 0), tally.get((pid, "undone"), 0), skips.get(pid, 0),
                                  available) for pid, name in people]

    def agreement(self) -> Agreement:
        """Inter-annotator agreement over samples reviewed by two or more people."""
        with self._store.read() as session:
            multi = select(Review.sample_id).where(Review.undone_at.is_(None)).group_by(Review.sample_id) \
                .having(func.count() >= 2).subquery()
            rows = session.execute(
                select(Review.sample_id, Review.decision).where(
                    Review.undone_at.is_(None), Review.sample_id.in_(select(multi.c.sample_id)))
            ).all()
        votes: dict[int, list[bool]] = {}
        for sample_id, decision in rows:
            votes.setdefault(sample_id, []).append(decision != "reject")
        pairs = agreeing = 0
        for approvals in votes.values():
            yes, n = sum(approvals), len(approvals)
            pairs += n * (n - 1) // 2
            agreeing += yes * (yes - 1) // 2 + (n - yes) * (n - yes - 1) // 2
        return Agreement(len(votes), pairs, agreeing)
