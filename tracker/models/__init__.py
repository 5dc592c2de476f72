"""The tracker's models, one module per aggregate."""
from tracker.db import Base
from tracker.models.activity import Dialogue, DialoguePlan, ReceptionVisit, Supervision, supervision_cases, visit_cases
from tracker.models.acts import ActRegister, IssuedAct
from tracker.models.calendar import CalendarOverride
from tracker.models.cases import Case, Decision, IdempotencyKey, Petitioner
from tracker.models.documents import Document, DocumentDownload
from tracker.models.executions import ExecutionRecord
from tracker.models.history import HistoryEntry
from tracker.models.imports import ImportedRow
from tracker.models.management import ManagementDocument, ResponsibilityInspection, TrainingSession
from tracker.models.outbox import InboxItem, NotificationPreference, OutboxDelivery, OutboxMessage
from tracker.models.projects import Project
from tracker.models.reception_days import ReceptionDay
from tracker.models.report_submissions import ReportSubmission
from tracker.models.reviews import EligibilityReview
from tracker.models.units import Unit
from tracker.models.users import ApiToken, LoginThrottle, User, UserSession

__all__ = [
    "ActRegister", "ApiToken", "Base", "CalendarOverride", "Case", "Decision", "Dialogue", "DialoguePlan", "Document",
    "DocumentDownload", "EligibilityReview", "ExecutionRecord", "HistoryEntry", "IdempotencyKey", "ImportedRow", "InboxItem",
    "IssuedAct", "LoginThrottle", "ManagementDocument", "NotificationPreference", "OutboxDelivery", "OutboxMessage",
    "Petitioner", "Project", "ReceptionDay", "ReceptionVisit", "ReportSubmission", "ResponsibilityInspection", "Supervision",
    "TrainingSession", "Unit", "User", "UserSession", "supervision_cases", "visit_cases",
]
