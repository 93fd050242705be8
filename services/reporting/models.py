"""reporting's read model: one row of facts per case, no personal data."""

from sqlalchemy import Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from services.common.types import UtcDateTime


class Base(DeclarativeBase):
    """Declarative base of reporting's own tables."""

    metadata = MetaData()


metadata = Base.metadata


class CaseFact(Base):
    """The latest known state of one case, as told by its events."""

    __tablename__ = "case_facts"

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    status: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    category: Mapped[str | None] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(32), nullable=False)
    priority: Mapped[str] = mapped_column(String(16), nullable=False)
    opened_at = mapped_column(UtcDateTime(), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated_at = mapped_column(UtcDateTime(), nullable=False)
