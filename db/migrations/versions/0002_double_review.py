"""Double review: per-sample required review count, a denormalised count of active reviews (backfilled from
the reviews table), and a unique index so one annotator has at most one active review per sample.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("samples", sa.Column("required_reviews", sa.Integer(), server_default=sa.text("1"), nullable=False))
    op.add_column("samples", sa.Column("review_count", sa.Integer(), server_default=sa.text("0"), nullable=False))
    op.execute(
        "UPDATE samples SET review_count = "
        "(SELECT COUNT(*) FROM reviews WHERE reviews.sample_id = samples.id AND reviews.undone_at IS NULL)"
    )
    op.create_index("uq_reviews_active", "reviews", ["sample_id", "annotator_id"], unique=True,
                    sqlite_where=sa.text("undone_at IS NULL"), postgresql_where=sa.text("undone_at IS NULL"))


def downgrade() -> None:
    op.drop_index("uq_reviews_active", table_name="reviews")
    with op.batch_alter_table("samples") as batch:
        batch.drop_column("review_count")
        batch.drop_column("required_reviews")
