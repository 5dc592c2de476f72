"""Documents on a case, a dialogue session or a supervision: the citizen's letter, evidence,
decisions, minutes, the acts the tracker generated. The bytes live in the file storage
(`tracker.files`); the row records what they are, their SHA-256 and who added them. A
document is never deleted, only withdrawn with a reason."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base
from tracker.models.types import UTCDateTime, check_in, utcnow
from tracker.models.users import User

# What a document is (NOTICES.md): the citizen's papers, the office's acts, everything else.
DOCUMENT_KINDS = (
    "petition_letter",  # đơn
    "evidence",  # tài liệu, chứng cứ
    "identity",  # giấy tờ tùy thân, giấy ủy quyền
    "receipt",  # giấy biên nhận
    "notice",  # thông báo
    "slip",  # phiếu chuyển, phiếu hướng dẫn
    "decision",  # quyết định
    "minutes",  # biên bản
    "conclusion",  # kết luận
    "report",  # báo cáo, văn bản trả lời
    "other",
)


class Document(Base):
    """One stored file and what it is; exactly one of case, dialogue or supervision owns it."""

    __tablename__ = "documents"
    __table_args__ = (
        CheckConstraint(check_in("kind", DOCUMENT_KINDS), name="kind"),
        CheckConstraint(
            "(CASE WHEN case_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN dialogue_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN supervision_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_owner",
        ),
        CheckConstraint("size >= 0", name="size"),
        # A withdrawn document keeps its bytes and says why it was withdrawn.
        CheckConstraint("withdrawn_at IS NULL OR withdrawn_reason IS NOT NULL", name="withdrawn_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    dialogue_id: Mapped[int | None] = mapped_column(ForeignKey("dialogues.id"), index=True)
    supervision_id: Mapped[int | None] = mapped_column(ForeignKey("supervisions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)

    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id], lazy="joined")

    @property
    def withdrawn(self) -> bool:
        """True once withdrawn (the file is kept)."""
        return self.withdrawn_at is not None


class DocumentDownload(Base):
    """Who downloaded a document and when: every download of a denunciation's file is logged."""

    __tablename__ = "document_downloads"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
