"""A first end-to-end walk through the services on both backends."""
import datetime as dt

from tracker.schemas import TransitionIn
from tracker.services import cases


def test_complaint_is_received_accepted_and_resolved(session, tree, make_user, intake):
    clerk = make_user("reception", tree["HT"])
    officer = make_user("agency", tree["HT-TNMT"])
    case = intake(clerk)
    assert case.state == "received" and case.version == 1 and case.due_on == dt.date(2026, 3, 16)
    case = cases.fire(session, clerk, case.id, TransitionIn(trigger="accept", version=1, effective_on=dt.date(2026, 3, 4),
                                                            data={"unit": "HT-TNMT"}))
    assert (case.state, case.assigned_unit.code, case.version) == ("accepted", "HT-TNMT", 2)
    case = cases.fire(session, officer, case.id, TransitionIn(
        trigger="resolve", version=2, effective_on=dt.date(2026, 3, 20),
        data={"outcome": "partly_upheld", "decision_no": "12/QĐ-UBND", "summary": "Điều chỉnh đơn giá"}))
    assert case.state == "resolved" and case.decided_on == dt.date(2026, 3, 20)
    view = cases.view_case(session, officer, case.id)
    assert [h.trigger for h in view.history] == ["intake", "accept", "resolve"]
