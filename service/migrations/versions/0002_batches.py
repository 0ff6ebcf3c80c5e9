"""Batches: several recordings uploaded at once; analyses.batch_id links them.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("refused", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_batches_org_id", "batches", ["org_id"])
    op.create_index("ix_batches_patient_id", "batches", ["patient_id"])
    with op.batch_alter_table("analyses") as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(
            "fk_analyses_batch_id", "batches", ["batch_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_index("ix_analyses_batch_id", ["batch_id"])


def downgrade() -> None:
    with op.batch_alter_table("analyses") as batch_op:
        batch_op.drop_index("ix_analyses_batch_id")
        batch_op.drop_constraint("fk_analyses_batch_id", type_="foreignkey")
        batch_op.drop_column("batch_id")
    op.drop_index("ix_batches_patient_id", table_name="batches")
    op.drop_index("ix_batches_org_id", table_name="batches")
    op.drop_table("batches")
