"""notifications: who asked for no more, and the unsubscribe address each notification mail carries

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notification_optouts",
        sa.Column("account_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_notification_optouts_account_id_accounts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_notification_optouts")),
    )
    op.add_column("outgoing_mail", sa.Column("list_unsubscribe", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("outgoing_mail", "list_unsubscribe")
    op.drop_table("notification_optouts")
