"""Data minimisation on the case page in a real browser: once a denunciation is accepted for
the environment office, the town's desk that received it sees its kind, state and dates but
neither its words nor the denouncer; the office resolving it sees both."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import shot
from tracker.schemas import CaseIn, TransitionIn
from tracker.services import cases

ACCUSED = "ông Lâm Quốc Trung"


@pytest.fixture()
def accepted_denunciation(world, browser_db):
    """A denunciation received at the town's desk and accepted for the environment office."""
    with browser_db.transaction() as session:
        clerk = session.merge(world.users["reception"])
        case = cases.intake(session, clerk, CaseIn.model_validate({
            "kind": "denunciation", "channel": "in_person", "received_unit": "HT",
            "subject": f"Tố cáo {ACCUSED} nhận hối lộ", "content": f"{ACCUSED} nhận tiền để cấp sổ.",
            "received_at": dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
            "petitioners": [{"full_name": "Trần Thị Bích", "id_number": "079188002222"}]}))
        case = cases.fire(session, clerk, case.id, TransitionIn(trigger="accept", version=case.version,
                                                                 effective_on=dt.date(2026, 3, 3), data={"unit": "HT-TNMT"}))
        return {"id": case.id, "code": case.tracking_code}


def test_the_receiving_desk_sees_a_forwarded_denunciations_kind_and_state_but_not_its_words(accepted_denunciation, sign_in,
                                                                                            server):
    page = sign_in("reception_ht")
    page.goto(f"{server}/cases/{accepted_denunciation['id']}")
    text = page.locator("main").inner_text()
    shot(page, "denunciation-withheld-from-the-desk")
    assert accepted_denunciation["code"] in text and "Tố cáo" in text
    assert ACCUSED not in text and "Trần Thị Bích" not in text
    assert page.locator("#matter-withheld").is_visible()


def test_the_resolving_office_reads_the_denunciation(accepted_denunciation, sign_in, server):
    page = sign_in("agency_ht")
    page.goto(f"{server}/cases/{accepted_denunciation['id']}")
    text = page.locator("main").inner_text()
    shot(page, "denunciation-for-the-resolving-office")
    assert ACCUSED in text and "Trần Thị Bích" in text
    assert page.locator("#matter-withheld").count() == 0
