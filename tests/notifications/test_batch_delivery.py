"""Delivering in-process in batches (no Redis: the demo, an import, a desk's SQLite) ends exactly
as delivering row by row does: the same outcome, status, attempts and error for each row, the
same per-recipient records in `outbox_deliveries`, the same inbox items, and the same mail and
webhook calls, which still leave the batch's transaction and go one row at a time."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from notifications.delivery import Outcome
from tracker.auth.policy import SYSTEM
from tracker.models import InboxItem, NotificationPreference, OutboxDelivery, OutboxMessage
from tracker.services.outbox import case_payload
from tracker.services.unit_notifications import set_webhook

VN = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture()
def people(tree: dict[str, Any], make_user: Any, session: Any) -> dict[str, Any]:
    made = {"desk": make_user("reception", tree["HT"]), "officer": make_user("agency", tree["HT-TNMT"]),
            "no_inbox": make_user("agency", tree["HT-TNMT"]), "head1": make_user("leader", tree["HT"]),
            "head2": make_user("leader", tree["HT"]), "board": make_user("supervisor", tree["HT-MT"]),
            "no_address": make_user("agency", tree["TN-TTR"])}
    for name, user in made.items():
        user.email = None if name == "no_address" else f"{name}@tracker.test"
    session.add_all([NotificationPreference(user_id=made["no_inbox"].id, inbox=False, email="digest"),
                     NotificationPreference(user_id=made["board"].id, email="digest")])
    session.flush()
    return made


def _rows(session: Any, tree: dict[str, Any], people: dict[str, Any], payload: dict[str, Any], label: str) -> list[int]:
    """One row of every kind delivery meets, not committed (so nothing delivers them yet)."""
    def row(channel: str, unit: str | None = None, role: str | None = None, user: str | None = None,
            status: str = "pending") -> OutboxMessage:
        return OutboxMessage(event="case_assigned", template="case_assigned", channel=channel, payload=payload,
                             recipient_unit_id=tree[unit].id if unit else None, recipient_role=role,
                             recipient_user_id=people[user].id if user else None, status=status,
                             idempotency_key=f"batch-test:{label}:{channel}:{unit}:{role}:{user}:{status}")

    rows = [
        row("inbox", "HT-TNMT", "agency"),  # the officer reads it; the other turned the inbox off
        row("inbox", "BT-P1", "agency"),  # nobody works there
        row("inbox", "HT", "leader"),  # one of the two heads has it already (an earlier, interrupted run)
        row("email", "HT-TNMT", "agency"),  # one mail to send, one held for a digest
        row("email", "HT-MT", "supervisor"),  # held for the board's digest only
        row("email", user="no_address"),  # nobody receives it
        row("webhook", "HT-TNMT"),  # the unit's webhook is called
        row("webhook", "BT"),  # the unit has none
        row("inbox", "HT-TNMT", "agency", status="sent"),  # delivered before
    ]
    session.add_all(rows)
    session.flush()
    session.add_all([InboxItem(outbox_id=rows[2].id, user_id=people["head1"].id),
                     OutboxDelivery(outbox_id=rows[2].id, recipient=f"user:{people['head1'].id}", user_id=people["head1"].id)])
    session.flush()
    return [r.id for r in rows]


def _result(session: Any, row_id: int) -> tuple[Any, ...]:
    """Everything delivery leaves behind for a row, without ids or times."""
    message = session.get(OutboxMessage, row_id)
    session.refresh(message)
    deliveries = sorted(session.execute(select(OutboxDelivery.recipient, OutboxDelivery.user_id, OutboxDelivery.status)
                                        .where(OutboxDelivery.outbox_id == row_id)).all())
    inbox = sorted(session.scalars(select(InboxItem.user_id).where(InboxItem.outbox_id == row_id)))
    return message.channel, message.status, message.attempts, message.last_error, deliveries, inbox


@pytest.mark.parametrize("mail", ["smtp", "no smtp"])
def test_a_batch_delivers_exactly_as_row_by_row_delivery_does(make_app, tree, people, session, intake, smtp, webhook, mail):
    mailbox, smtp_url = smtp
    receiver, hook_url = webhook
    app = make_app(SMTP_URL=smtp_url if mail == "smtp" else None)
    receiver.secret = set_webhook(session, SYSTEM, "HT-TNMT", hook_url)
    payload = case_payload(intake(people["desk"], received_unit="HT", assigned_unit="HT-TNMT"))
    alone = _rows(session, tree, people, payload, "alone")
    batched = _rows(session, tree, people, payload, "batched")
    notifier = app.extensions["notifier"]

    one_by_one = [notifier.deliverer.deliver(row_id) for row_id in alone]
    together = notifier.deliver_now(batched)

    assert [together[row_id] for row_id in batched] == one_by_one
    assert [_result(session, row_id) for row_id in batched] == [_result(session, row_id) for row_id in alone]
    sent_mail = [message["Message-ID"].split(".")[1] for message in mailbox.messages]
    assert sorted(sent_mail) == (["alone", "batched"] if mail == "smtp" else [])
    assert sorted(event["id"].split(":")[1] for event in receiver.accepted) == ["alone", "batched"]
    assert one_by_one[-1] == Outcome.ALREADY and Outcome.SKIPPED in one_by_one and Outcome.SENT in one_by_one


def test_rows_with_nothing_to_send_are_delivered_in_the_batch_and_those_that_travel_are_left_alone(
        make_app, tree, people, session, intake, smtp, webhook):
    mailbox, smtp_url = smtp
    receiver, hook_url = webhook
    app = make_app(SMTP_URL=smtp_url)
    receiver.secret = set_webhook(session, SYSTEM, "HT-TNMT", hook_url)
    payload = case_payload(intake(people["desk"], received_unit="HT", assigned_unit="HT-TNMT"))
    rows = _rows(session, tree, people, payload, "batch")

    outcomes = app.extensions["notifier"].deliverer.deliver_batch(rows)

    travelling = {rows[3], rows[6]}  # a mail to send, a webhook to call
    assert set(outcomes) == set(rows) - travelling
    assert {_result(session, row_id)[1] for row_id in travelling} == {"pending"}
    assert mailbox.messages == [] and receiver.accepted == []


def test_a_row_the_batch_cannot_write_is_delivered_alone_and_the_others_of_its_batch_still_go(
        make_app, tree, people, session, intake):
    app = make_app()
    payload = case_payload(intake(people["desk"], received_unit="HT", assigned_unit="HT-TNMT"))
    rows = _rows(session, tree, people, payload, "conflict")
    # The officer's inbox item exists without its delivery record: the batch's insert conflicts.
    session.add(InboxItem(outbox_id=rows[0], user_id=people["officer"].id))
    session.flush()

    outcomes = app.extensions["notifier"].deliver_now(rows)

    assert outcomes[rows[0]] == Outcome.SKIPPED  # alone: the conflicting item counts as delivered by someone else
    assert _result(session, rows[0])[1:4] == ("skipped", 1, "nobody reads this inbox")
    # No SMTP server and no webhook: the mails and the webhook call are skipped, the rest delivered.
    assert [_result(session, row_id)[1] for row_id in rows[1:]] == ["skipped", "sent", "skipped", "skipped", "skipped",
                                                                  "skipped", "skipped", "sent"]
