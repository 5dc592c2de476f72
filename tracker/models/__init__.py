"""The tracker's models, one module per aggregate."""
from tracker.db import Base
from tracker.models.activity import Dialogue, DialoguePlan, ReceptionVisit, Supervision, supervision_cases, visit_cases
from tracker.models.acts import ActRegister, IssuedAct
from tracker.models.calendar import CalendarOverride
from tracker.models.cases import Case, Decision, IdempotencyKey, Petitioner
from tracker.models.documents import Document, DocumentDownload
from tracker.models.history import HistoryEntry
from tracker.models.imports import ImportedRow
from tracker.models.outbox import InboxItem, NotificationPreference, OutboxDelivery, OutboxMessage
from tracker.models.reception_days import ReceptionDay
from tracker.models.units import Unit
from tracker.models.users import ApiToken, LoginFailure, User

__all__ = [
    "ActRegister", "ApiToken", "Base", "CalendarOverride", "Case", "Decision", "Dialogue", "DialoguePlan", "Document",
    "DocumentDownload", "HistoryEntry", "IdempotencyKey", "ImportedRow", "InboxItem", "IssuedAct", "LoginFailure",
    "NotificationPreference", "OutboxDelivery", "OutboxMessage", "Petitioner", "ReceptionDay", "ReceptionVisit", "Supervision",
    "Unit", "User", "supervision_cases", "visit_cases",
]
