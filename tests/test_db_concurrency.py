"""Eight processes review concurrently on one SQLite file: nothing lost, nothing decided twice."""
from __future__ import annotations

import multiprocessing
import random
from collections import Counter, defaultdict

import pytest
from sqlalchemy import select

from db import open_store
from db.models import Review, Sample

WORKERS = 8
DECISIONS_EACH = 500


def _review_worker(url: str, annotator_id: int, seed: int) -> dict[int, str]:
    """Claim and decide until this annotator has DECISIONS_EACH active decisions; sometimes release or undo.

    Returns {sample_id: decision} of the decisions that stand at the end.
    """
    store = open_store(url, upgrade=False)
    rng = random.Random(seed)
    standing: dict[int, str] = {}
    last: int | None = None
    while len(standing) < DECISIONS_EACH:
        claim = store.queue.claim(annotator_id)
        assert claim is not None, f"annotator {annotator_id} ran out of samples at {len(standing)}"
        if rng.random() < 0.05:
            store.queue.release(annotator_id, claim.sample.id, claim.token)
            continue
        if last is not None and rng.random() < 0.04:
            undone = store.queue.undo_last(annotator_id)  # also releases the claim just made
            assert undone.review.sample_id == last
            del standing[last]
            last = None
            if undone.claim is None:  # someone else holds that sample now; my other lease was released
                continue
            claim = undone.claim
        decision = rng.choice(["approve", "approve", "reject", "edit_approve"])
        text = f"Edited by {annotator_id}." if decision == "edit_approve" else None
        review = store.queue.decide(annotator_id, claim.sample.id, claim.token, decision, text)
        standing[review.sample_id] = decision
        last = review.sample_id
    store.close()
    return standing


@pytest.fixture(scope="module")
def concurrent_run(tmp_path_factory):
    from db.synthetic import write_synthetic_dir  # imports torch: keep it out of the spawned workers

    root = tmp_path_factory.mktemp("concurrency")
    url = f"sqlite:///{root / 'store.db'}"
    store = open_store(url)
    write_synthetic_dir(root / "single", 2500, seed=1)
    write_synthetic_dir(root / "double", 1000, seed=2, start=2500)
    store.samples.import_dir(root / "single")
    store.samples.import_dir(root / "double", required_reviews=2)
    ids = [store.users.create(f"annotator{i}", "correct horse").id for i in range(WORKERS)]
    store.close()
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        results = pool.starmap(_review_worker, [(url, annotator, seed) for seed, annotator in enumerate(ids)])
    store = open_store(url, upgrade=False)
    yield store, dict(zip(ids, results))
    store.close()


def test_every_worker_made_all_its_decisions_and_none_were_lost(concurrent_run):
    store, results = concurrent_run
    with store.read() as session:
        rows = session.execute(select(Review.annotator_id, Review.sample_id, Review.decision)
                               .where(Review.undone_at.is_(None))).all()
    assert all(len(standing) == DECISIONS_EACH for standing in results.values())
    stored = {(who, sample, decision) for who, sample, decision in rows}
    reported = {(who, sample, decision) for who, standing in results.items() for sample, decision in standing.items()}
    assert len(rows) == WORKERS * DECISIONS_EACH
    assert stored == reported


def test_no_sample_was_decided_more_often_than_required(concurrent_run):
    store, _ = concurrent_run
    with store.read() as session:
        samples = {row.id: row for row in session.scalars(select(Sample))}
        reviews = session.execute(select(Review.sample_id, Review.annotator_id, Review.decision)
                                  .where(Review.undone_at.is_(None)).order_by(Review.id)).all()
    by_sample: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for sample_id, annotator_id, decision in reviews:
        by_sample[sample_id].append((annotator_id, decision))
    for sample_id, votes in by_sample.items():
        sample = samples[sample_id]
        annotators = [who for who, _ in votes]
        assert len(set(annotators)) == len(annotators), f"sample {sample_id} reviewed twice by one annotator"
        assert sample.review_count == len(votes)
        first = [decision != "reject" for _, decision in votes[:sample.required_reviews]]
        tie = len(first) == 2 and sum(first) == 1
        assert len(votes) <= sample.required_reviews + (1 if tie else 0), f"sample {sample_id} over-reviewed"
        approvals = sum(decision != "reject" for _, decision in votes)
        if len(votes) < sample.required_reviews or 2 * approvals == len(votes):
            assert sample.status == "pending"
        else:
            assert sample.status == ("approved" if 2 * approvals > len(votes) else "rejected")
    assert Counter(s.required_reviews for s in samples.values()) == {1: 2500, 2: 1000}
    assert all(s.lease_annotator_id is None for s in samples.values() if s.status != "pending")
