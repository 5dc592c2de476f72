"""The tracker's models, one module per aggregate."""
from tracker.db import Base
from tracker.models.activity import Dialogue, DialoguePlan, ReceptionVisit, Supervision, supervision_cases, visit_cases
from tracker.models.calendar import CalendarOverride
from tracker.models.cases import Case, Decision, IdempotencyKey, Petitioner
from tracker.models.history import HistoryEntry
from tracker.models.outbox import InboxItem, NotificationPreference, OutboxDelivery, OutboxMessage
from tracker.models.projects import Project
from tracker.models.reception_days import ReceptionDay
from tracker.models.units import Unit
from tracker.models.users import ApiToken, LoginFailure, User

__all__ = [
    "ApiToken", "Base", "CalendarOverride", "Case", "Decision", "Dialogue", "DialoguePlan", "HistoryEntry",
    "IdempotencyKey", "InboxItem", "LoginFailure", "NotificationPreference", "OutboxDelivery", "OutboxMessage",
    "Petitioner", "Project", "ReceptionDay", "ReceptionVisit", "Supervision", "Unit", "User",
    "supervision_cases", "visit_cases",
]
