"""Base schema: annotators, imports, samples with leases, reviews (with undo audit), skips, exports, jobs,
checkpoints. Single review per sample.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annotators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("role IN ('annotator', 'admin')", name=op.f("ck_annotators_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotators")),
        sa.UniqueConstraint("name", name=op.f("uq_annotators_name")),
    )
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
    )
    op.create_table(
        "dataset_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("source_filter", sa.JSON(), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["annotators.id"],
                                name=op.f("fk_dataset_exports_created_by_annotators")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_exports")),
    )
    op.create_index("uq_dataset_exports_name_version", "dataset_exports", ["name", "version"], unique=True)
    op.create_table(
        "samples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=256), nullable=False),
        sa.Column("abstract_prompt", sa.Text(), nullable=False),
        sa.Column("detailed_raw", sa.Text(), nullable=False),
        sa.Column("detailed_refined", sa.Text(), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("flagged", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("split", sa.String(length=16), nullable=False),
        sa.Column("variant", sa.String(length=128), nullable=False),
        sa.Column("mirrored", sa.Boolean(), nullable=False),
        sa.Column("image", sa.Text(), nullable=True),
        sa.Column("image_kind", sa.String(length=16), nullable=True),
        sa.Column("pose", sa.JSON(), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("lease_annotator_id", sa.Integer(), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'approved', 'rejected')", name=op.f("ck_samples_status")),
        sa.ForeignKeyConstraint(["batch_id"], ["import_batches.id"], name=op.f("fk_samples_batch_id_import_batches")),
        sa.ForeignKeyConstraint(["lease_annotator_id"], ["annotators.id"],
                                name=op.f("fk_samples_lease_annotator_id_annotators")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_samples")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_samples_content_hash")),
    )
    op.create_index("ix_samples_lease", "samples", ["lease_annotator_id"])
    op.create_index("ix_samples_queue", "samples", ["status", "id"])
    op.create_index("ix_samples_queue_category", "samples", ["status", "category", "id"])
    op.create_index("ix_samples_queue_flagged", "samples", ["status", "flagged", "id"])
    op.create_index("ix_samples_queue_source", "samples", ["status", "source", "id"])
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("edited_text", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("decision IN ('approve', 'reject', 'edit_approve')", name=op.f("ck_reviews_decision")),
        sa.ForeignKeyConstraint(["annotator_id"], ["annotators.id"], name=op.f("fk_reviews_annotator_id_annotators")),
        sa.ForeignKeyConstraint(["sample_id"], ["samples.id"], name=op.f("fk_reviews_sample_id_samples")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_index("ix_reviews_annotator_id", "reviews", ["annotator_id", "id"])
    op.create_index("ix_reviews_sample_id", "reviews", ["sample_id", "annotator_id"])
    op.create_table(
        "skips",
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("sample_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["annotator_id"], ["annotators.id"], name=op.f("fk_skips_annotator_id_annotators")),
        sa.ForeignKeyConstraint(["sample_id"], ["samples.id"], name=op.f("fk_skips_sample_id_samples")),
        sa.PrimaryKeyConstraint("annotator_id", "sample_id", name=op.f("pk_skips")),
    )
    op.create_table(
        "training_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("export_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("host", sa.String(length=255), nullable=True),
        sa.Column("log_path", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
                           name=op.f("ck_training_jobs_state")),
        sa.ForeignKeyConstraint(["created_by"], ["annotators.id"], name=op.f("fk_training_jobs_created_by_annotators")),
        sa.ForeignKeyConstraint(["export_id"], ["dataset_exports.id"],
                                name=op.f("fk_training_jobs_export_id_dataset_exports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_jobs")),
    )
    op.create_index("ix_training_jobs_state", "training_jobs", ["state", "id"])
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["training_jobs.id"], name=op.f("fk_checkpoints_job_id_training_jobs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkpoints")),
        sa.UniqueConstraint("path", name=op.f("uq_checkpoints_path")),
    )
    op.create_index("uq_checkpoints_active", "checkpoints", ["active"], unique=True,
                    sqlite_where=sa.text("active"), postgresql_where=sa.text("active"))


def downgrade() -> None:
    for table in ("checkpoints", "training_jobs", "skips", "reviews", "samples", "dataset_exports",
                  "import_batches", "annotators"):
        op.drop_table(table)
