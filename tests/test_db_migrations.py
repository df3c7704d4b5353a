"""Alembic migrations and SQLite connection settings on real database files."""
from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from db import migrate, open_store
from db.engine import BUSY_TIMEOUT_MS, make_engine
from db.models import Base, Review
from db.passwords import hash_password

FIRST, HEAD = "0001", migrate.head_revision()


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def engine(url):
    engine = make_engine(url, writer=True)
    yield engine
    engine.dispose()


def test_empty_database_upgrades_to_head_matching_the_models(engine):
    assert migrate.current_revision(engine) is None
    assert migrate.upgrade(engine) == HEAD == "0002"
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert set(inspect(engine).get_table_names()) == set(Base.metadata.tables) | {"alembic_version"}


def test_downgrade_to_base_and_upgrade_again(engine):
    migrate.upgrade(engine)
    assert migrate.downgrade(engine, "base") is None
    assert inspect(engine).get_table_names() == ["alembic_version"]
    assert migrate.upgrade(engine) == HEAD


def _fill_first_schema(engine) -> None:
    """Rows as the 0001 schema held them: two annotators, one sample with an active and an undone review."""
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO annotators (id, name, role, password_hash, active, created_at) VALUES "
            "(1, 'ann', 'annotator', :hash, 1, '2026-01-01 00:00:00'), "
            "(2, 'bob', 'admin', :hash, 1, '2026-01-01 00:00:00')"), {"hash": hash_password("correct horse")})
        connection.execute(text(
            "INSERT INTO import_batches (id, path, manifest, line_count, inserted, created_at) "
            "VALUES (1, '/data/run1', '{\"count\": 2}', 2, 2, '2026-01-01 00:00:00')"))
        for sample_id, status in ((1, "approved"), (2, "pending")):
            connection.execute(text(
                "INSERT INTO samples (id, content_hash, batch_id, category, action, abstract_prompt, detailed_raw, "
                "detailed_refined, flags, flagged, source, split, variant, mirrored, image, image_kind, pose, "
                "provenance, status, final_text, created_at) VALUES (:id, :hash, 1, 'sports', 'kicking a ball', "
                "'Kick a ball.', 'raw', 'The right leg swings forward.', '[]', 0, 'seed', 'train', 'v0', 0, NULL, "
                "NULL, :pose, '{}', :status, NULL, '2026-01-01 00:00:00')"),
                {"id": sample_id, "hash": f"{sample_id:064x}", "status": status,
                 "pose": '{"global_orient": [0, 0, 0], "body_pose": [' + ", ".join(["0"] * 69) + "]}"})
        connection.execute(text(
            "INSERT INTO reviews (sample_id, annotator_id, decision, edited_text, reason, created_at, undone_at) "
            "VALUES (1, 1, 'reject', NULL, NULL, '2026-01-01 00:01:00', '2026-01-01 00:02:00'), "
            "(1, 1, 'approve', NULL, NULL, '2026-01-01 00:03:00', NULL)"))


def test_opening_a_database_at_the_first_revision_upgrades_it_and_keeps_the_data(url, engine):
    assert migrate.upgrade(engine, FIRST) == FIRST
    _fill_first_schema(engine)
    store = open_store(url)  # what the app does on start
    try:
        assert migrate.current_revision(store.write_engine) == HEAD
        decided, pending = store.samples.get(1), store.samples.get(2)
        assert (decided.status, decided.review_count, decided.required_reviews) == ("approved", 1, 1)
        assert (pending.status, pending.review_count, pending.action) == ("pending", 0, "kicking a ball")
        assert [r.undone_at is None for r in store.queue.reviews_of(1)] == [False, True]
        assert store.users.authenticate("bob", "correct horse").is_admin
        claim = store.queue.claim(2)
        assert claim.sample.id == 2
        assert store.queue.decide(2, 2, claim.token, "approve").sample_status == "approved"
        with pytest.raises(IntegrityError):  # 0002's unique index: one active review per annotator and sample
            store.write(lambda session: session.add(Review(sample_id=1, annotator_id=1, decision="approve")))
    finally:
        store.close()


def test_sqlite_pragmas_are_in_effect(url):
    store = open_store(url)
    try:
        for engine, busy_ms in ((store.engine, BUSY_TIMEOUT_MS), (store.write_engine, 0)):
            with engine.connect() as connection:
                pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
                assert (pragma("journal_mode"), pragma("foreign_keys"), pragma("busy_timeout")) == ("wal", 1, busy_ms)
        with pytest.raises(IntegrityError, match="FOREIGN KEY"):
            store.write(lambda session: session.add(Review(sample_id=12345, annotator_id=1, decision="approve")))
    finally:
        store.close()


def test_a_writer_waits_for_a_foreign_write_lock_instead_of_failing(url, tmp_path):
    """The writer engine polls BEGIN IMMEDIATE (its busy timeout is 0): no "database is locked" while it waits."""
    store = open_store(url)
    outsider = sqlite3.connect(tmp_path / "store.db", isolation_level=None, check_same_thread=False)
    outsider.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, outsider.commit).start()
    try:
        start = time.monotonic()
        store.users.create("ann", "correct horse")
        assert time.monotonic() - start >= 0.25
    finally:
        outsider.close()
        store.close()
