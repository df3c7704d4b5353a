"""The review queue on a real SQLite file: leases and their expiry, skip/release/undo, filters, progress,
double review with agreement, and bad input that is refused without changing anything."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from db import ConflictError, InputError, LeaseError, NotFoundError
from db.models import Review, Sample, Skip
from db.queue import QueueFilter
from db.synthetic import write_synthetic_dir

SHORT_LEASE_S = 0.05


def _import(store, directory, count: int, required_reviews: int = 1, start: int = 0) -> list[int]:
    """Import ``count`` synthetic samples; returns their ids in queue order."""
    write_synthetic_dir(directory, count, start=start)
    store.samples.import_dir(directory, required_reviews=required_reviews)
    with store.read() as session:
        return list(session.scalars(select(Sample.id).order_by(Sample.id)))


def _people(store, *names: str) -> list[int]:
    return [store.users.create(name, "correct horse").id for name in names]


def _snapshot(store) -> tuple:
    """Every row of samples, reviews and skips, to check that a refused call changed nothing."""
    with store.read() as session:
        return tuple(tuple(tuple(row) for row in session.execute(select(table).order_by(*table.primary_key)))
                     for table in (Sample.__table__, Review.__table__, Skip.__table__))


@pytest.fixture
def queue(store, tmp_path):
    """A store with 20 single-review samples and annotators ann and bob."""
    ids = _import(store, tmp_path / "synth", 20)
    ann, bob = _people(store, "ann", "bob")
    return store, ids, ann, bob


def test_two_annotators_never_hold_the_same_sample(queue):
    store, ids, ann, bob = queue
    a, b = store.queue.claim(ann), store.queue.claim(bob)
    assert a.sample.id != b.sample.id
    again = store.queue.claim(ann)  # a page reload renews the lease it already holds
    assert (again.sample.id, again.token) == (a.sample.id, a.token)
    decided: list[int] = []
    claims = {ann: a, bob: b}
    while claims:
        for who in list(claims):
            other = claims.get(bob if who == ann else ann)
            assert other is None or other.sample.id != claims[who].sample.id
            decided.append(store.queue.decide(who, claims[who].sample.id, claims[who].token, "approve").sample_id)
            claims[who] = store.queue.claim(who)
            if claims[who] is None:
                del claims[who]
    assert sorted(decided) == ids


def test_expired_lease_goes_to_another_annotator_and_the_first_decision_is_refused(queue):
    store, ids, ann, bob = queue
    first = store.queue.claim(ann, lease_seconds=SHORT_LEASE_S)
    time.sleep(2 * SHORT_LEASE_S)
    taken = store.queue.claim(bob)
    assert taken.sample.id == first.sample.id == ids[0]
    before = _snapshot(store)
    with pytest.raises(LeaseError, match=f"stale lease on sample {ids[0]}: annotator {bob} holds it now"):
        store.queue.decide(ann, first.sample.id, first.token, "approve")
    assert _snapshot(store) == before
    assert store.queue.decide(bob, taken.sample.id, taken.token, "reject").sample_status == "rejected"


def test_expired_lease_that_nobody_took_is_refused_until_claimed_again(queue):
    store, ids, ann, _ = queue
    first = store.queue.claim(ann, lease_seconds=SHORT_LEASE_S)
    time.sleep(2 * SHORT_LEASE_S)
    before = _snapshot(store)
    with pytest.raises(LeaseError, match=f"stale lease on sample {ids[0]}: it expired at"):
        store.queue.decide(ann, first.sample.id, first.token, "approve")
    with pytest.raises(LeaseError, match="expired"):
        store.queue.renew(ann, first.sample.id, first.token)
    assert _snapshot(store) == before
    second = store.queue.claim(ann)
    assert second.sample.id == first.sample.id and second.token != first.token
    with pytest.raises(LeaseError, match="token mismatch"):
        store.queue.decide(ann, first.sample.id, first.token, "approve")
    store.queue.decide(ann, second.sample.id, second.token, "approve")


def test_renew_extends_a_live_lease(queue):
    store, _, ann, bob = queue
    claim = store.queue.claim(ann, lease_seconds=SHORT_LEASE_S)
    store.queue.renew(ann, claim.sample.id, claim.token, lease_seconds=60)
    time.sleep(2 * SHORT_LEASE_S)
    assert store.queue.claim(bob).sample.id != claim.sample.id
    store.queue.decide(ann, claim.sample.id, claim.token, "approve")


def test_skip_is_never_offered_again_to_me_but_is_to_others(queue):
    store, ids, ann, bob = queue
    claim = store.queue.claim(ann)
    store.queue.skip(ann, claim.sample.id, claim.token)
    second = store.queue.claim(ann)
    store.queue.skip(ann, second.sample.id, second.token)
    assert store.queue.claim(ann).sample.id == ids[2]
    assert store.queue.claim(bob).sample.id == ids[0]
    mine = store.queue.annotator_progress(ann)[0]
    assert (mine.skipped, mine.decided, mine.available) == (2, 0, len(ids) - 2)
    with pytest.raises(LeaseError):
        store.queue.skip(ann, claim.sample.id, claim.token)


def test_release_gives_the_sample_back_to_the_queue(queue):
    store, ids, ann, bob = queue
    claim = store.queue.claim(ann)
    store.queue.release(ann, claim.sample.id, claim.token)
    with pytest.raises(LeaseError, match="not leased to annotator"):
        store.queue.decide(ann, claim.sample.id, claim.token, "approve")
    assert store.queue.claim(bob).sample.id == claim.sample.id
    assert store.queue.claim(ann).sample.id == ids[1]
    assert store.queue.release_all(ann) == 1
    assert store.queue.progress().leased == 1


def test_undo_my_last_decision_reopens_the_sample_and_keeps_the_audit_trail(queue):
    store, ids, ann, _ = queue
    with pytest.raises(ConflictError, match="no decision to undo"):
        store.queue.undo_last(ann)
    for decision in ("approve", "reject"):
        claim = store.queue.claim(ann)
        store.queue.decide(ann, claim.sample.id, claim.token, decision)
    held = store.queue.claim(ann)  # undo drops this lease and leases the undone sample back
    undone = store.queue.undo_last(ann)
    assert (undone.review.sample_id, undone.review.decision, undone.review.sample_status) == (ids[1], "reject",
                                                                                               "pending")
    assert undone.review.undone_at is not None and undone.claim.sample.id == ids[1]
    assert store.queue.progress().leased == 1
    with pytest.raises(LeaseError):
        store.queue.decide(ann, held.sample.id, held.token, "approve")
    store.queue.decide(ann, ids[1], undone.claim.token, "edit_approve", "Both arms are raised.")
    trail = store.queue.reviews_of(ids[1])
    assert [(r.decision, r.undone_at is None) for r in trail] == [("reject", False), ("edit_approve", True)]
    sample = store.samples.get(ids[1])
    assert (sample.status, sample.final_text, sample.review_count) == ("approved", "Both arms are raised.", 1)
    assert store.queue.undo_last(ann).review.decision == "edit_approve"
    assert store.queue.undo_last(ann).review.sample_id == ids[0]
    assert store.queue.progress().approved == store.queue.progress().rejected == 0


def test_undo_does_not_take_a_sample_someone_else_holds(store, tmp_path):
    ids = _import(store, tmp_path / "synth", 3, required_reviews=2)
    ann, bob = _people(store, "ann", "bob")
    claim = store.queue.claim(ann)
    store.queue.decide(ann, claim.sample.id, claim.token, "approve")
    held = store.queue.claim(bob)
    assert held.sample.id == ids[0]
    undone = store.queue.undo_last(ann)
    assert undone.claim is None and store.samples.get(ids[0]).review_count == 0
    store.queue.decide(bob, held.sample.id, held.token, "approve")


@pytest.mark.parametrize("filters, expected", [
    (QueueFilter(category="dance"), lambda s: s.category == "dance"),
    (QueueFilter(source="seed"), lambda s: s.source == "seed"),
    (QueueFilter(flagged=True), lambda s: bool(s.flags)),
    (QueueFilter(flagged=False, category="sports"), lambda s: not s.flags and s.category == "sports"),
])
def test_filters_offer_only_matching_samples_until_none_are_left(queue, filters, expected):
    store, ids, ann, _ = queue
    wanted = [i for i in ids if expected(store.samples.get(i))]
    assert 0 < len(wanted) < len(ids)
    offered = []
    while (claim := store.queue.claim(ann, filters)) is not None:
        offered.append(claim.sample.id)
        store.queue.decide(ann, claim.sample.id, claim.token, "approve")
    assert offered == wanted
    progress = store.queue.progress(filters)
    assert (progress.total, progress.approved, progress.pending) == (len(wanted), len(wanted), 0)
    assert store.queue.progress().approved == len(wanted)


def test_a_held_lease_outside_new_filters_is_released(queue):
    store, _, ann, bob = queue
    first = store.queue.claim(ann)
    dance = store.queue.claim(ann, QueueFilter(category="dance"))
    assert dance.sample.category == "dance" and store.queue.claim(bob).sample.id == first.sample.id


def test_progress_overall_and_per_annotator(queue):
    store, ids, ann, bob = queue
    plan = {ann: ["approve", "edit_approve", "reject", "approve"], bob: ["reject", "approve"]}
    for who, decisions in plan.items():
        for decision in decisions:
            claim = store.queue.claim(who)
            store.queue.decide(who, claim.sample.id, claim.token, decision,
                               "Edited." if decision == "edit_approve" else None)
    store.queue.undo_last(ann)  # leases that sample back to ann
    store.queue.claim(bob)
    overall = store.queue.progress()
    assert (overall.total, overall.approved, overall.rejected, overall.pending) == (20, 3, 2, 15)
    assert (overall.leased, overall.reviews, overall.done_fraction) == (2, 5, 0.25)
    by_name = {p.name: p for p in store.queue.annotator_progress()}
    assert (by_name["ann"].approve, by_name["ann"].edit_approve, by_name["ann"].reject, by_name["ann"].undone) \
        == (1, 1, 1, 1)
    assert (by_name["bob"].decided, by_name["bob"].available) == (2, None)
    assert store.queue.annotator_progress(bob)[0].available == 20 - 5
    with pytest.raises(NotFoundError):
        store.queue.annotator_progress(999)


def test_double_review_needs_k_distinct_annotators_and_reports_agreement(store, tmp_path):
    ids = _import(store, tmp_path / "synth", 3, required_reviews=2)
    ann, bob, cid = _people(store, "ann", "bob", "cid")
    votes = {ann: ["approve", "approve", "reject"], bob: ["approve", "reject", "reject"]}
    for who, decisions in votes.items():
        for sample_id, decision in zip(ids, decisions):
            claim = store.queue.claim(who)
            assert claim.sample.id == sample_id  # nobody is offered a sample they already reviewed
            status = store.queue.decide(who, sample_id, claim.token, decision).sample_status
            assert status == ("pending" if who == ann else ["approved", "pending", "rejected"][ids.index(sample_id)])
        assert store.queue.claim(who) is None
    agreement = store.queue.agreement()
    assert (agreement.samples, agreement.pairs, agreement.agreeing_pairs) == (3, 3, 2)
    assert agreement.rate == pytest.approx(2 / 3)
    tie_breaker = store.queue.claim(cid)
    assert tie_breaker.sample.id == ids[1]  # the tie stays pending for a third annotator
    assert store.queue.decide(cid, ids[1], tie_breaker.token, "approve").sample_status == "approved"
    assert store.queue.agreement().pairs == 5


def test_the_same_annotator_cannot_review_a_sample_twice(store, tmp_path):
    ids = _import(store, tmp_path / "synth", 1, required_reviews=2)
    ann, = _people(store, "ann")
    claim = store.queue.claim(ann)
    store.queue.decide(ann, ids[0], claim.token, "approve")
    assert store.queue.claim(ann) is None
    with pytest.raises(LeaseError):
        store.queue.decide(ann, ids[0], claim.token, "approve")
    assert store.samples.get(ids[0]).review_count == 1


def test_set_required_reviews_turns_on_double_review_for_pending_samples(queue):
    store, ids, ann, bob = queue
    claim = store.queue.claim(ann)
    store.queue.decide(ann, claim.sample.id, claim.token, "approve")
    assert store.samples.set_required_reviews(2, category="sports") == sum(
        store.samples.get(i).category == "sports" for i in ids[1:])
    sports = [i for i in ids[1:] if store.samples.get(i).category == "sports"]
    claim = store.queue.claim(ann, QueueFilter(category="sports"))
    assert store.queue.decide(ann, claim.sample.id, claim.token, "approve").sample_status == "pending"
    claim = store.queue.claim(bob, QueueFilter(category="sports"))
    assert claim.sample.id == sports[0]
    assert store.queue.decide(bob, claim.sample.id, claim.token, "approve").sample_status == "approved"
    with pytest.raises(InputError):
        store.samples.set_required_reviews(0)


@pytest.mark.parametrize("change, error, message", [
    (dict(sample=10_000), NotFoundError, "sample 10000 does not exist"),
    (dict(token="0" * 32), LeaseError, "token mismatch"),
    (dict(who="bob"), LeaseError, "stale lease on sample"),
    (dict(decision="maybe"), InputError, "decision must be one of approve, reject, edit_approve"),
    (dict(decision="edit_approve", text=""), InputError, "edited text is empty"),
    (dict(decision="edit_approve", text=" \n\t "), InputError, "edited text is empty"),
    (dict(decision="edit_approve", text="x" * 20_000), InputError, "edited text has 20000 characters"),
    (dict(decision="approve", text="An edit."), InputError, "use 'edit_approve'"),
    (dict(reason="r" * 5000), InputError, "reason has 5000 characters"),
])
def test_bad_decisions_are_refused_and_change_nothing(queue, change, error, message):
    store, _, ann, bob = queue
    claim = store.queue.claim(ann)
    store.queue.claim(bob)
    before = _snapshot(store)
    with pytest.raises(error, match=message):
        store.queue.decide({"ann": ann, "bob": bob}[change.get("who", "ann")], change.get("sample", claim.sample.id),
                           change.get("token", claim.token), change.get("decision", "approve"), change.get("text"),
                           change.get("reason"))
    assert _snapshot(store) == before
    assert store.queue.decide(ann, claim.sample.id, claim.token, "approve").sample_status == "approved"


def test_unknown_annotator_and_bad_lease_length_are_refused(queue):
    store, _, ann, _ = queue
    before = _snapshot(store)
    with pytest.raises(NotFoundError, match="annotator 999 does not exist"):
        store.queue.claim(999)
    with pytest.raises(NotFoundError, match="annotator 999 does not exist"):
        store.queue.undo_last(999)
    for seconds in (0, -1, 2 * 86400):
        with pytest.raises(InputError, match="lease_seconds"):
            store.queue.claim(ann, lease_seconds=seconds)
    assert _snapshot(store) == before
