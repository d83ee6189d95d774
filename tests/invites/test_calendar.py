"""The calendar and its email: layout, parse with icalendar and ical.js, right instants."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scheduler.formats import load_plan
from scheduler.invites.content import EventContent, recipients
from scheduler.invites.ical import build_calendar, calendar_bytes
from scheduler.invites.mime import build_message, message_key
from tests.invites.helpers import (
    NOW,
    SENDER,
    calendar_of,
    example_problem,
    icaljs_parse,
    meeting_doc,
    parse_calendar,
    parse_message,
    plan_doc,
    shift_days,
    the_event,
    utc_of_local,
)

UID = "0b7e4c1e-4f0e-4a57-9d1c-5d0f3c6c2b11@rj.example.org"


def _dst_week_plan():  # type: ignore[no-untyped-def]
    """C7's meeting moved to Fri 26 March 2027 (GMT) and to Mon 29 March (BST)."""
    doc = plan_doc()
    c7 = meeting_doc(doc, "C7")  # 2027-03-08
    before = shift_days(c7, 18)  # 2027-03-26, before the change on the 28th
    after = shift_days(c7, 21)  # 2027-03-29, just after
    return load_plan({**doc, "meetings": [before]}), load_plan({**doc, "meetings": [after]})


def _email(event: EventContent, method: str = "REQUEST", sequence: int = 0):  # type: ignore[no-untyped-def]
    cal = build_calendar(
        event,
        uid=UID,
        sequence=sequence,
        method=method,  # type: ignore[arg-type]
        dtstamp=NOW,
        sender=SENDER,
    )
    ics = calendar_bytes(cal)
    msg = build_message(
        event,
        ics,
        uid=UID,
        sequence=sequence,
        method=method,  # type: ignore[arg-type]
        dtstamp=NOW,
        sender=SENDER,
    )
    return ics, parse_message(msg.as_bytes())


def test_mime_layout_follows_rfc_6047() -> None:
    problem = example_problem()
    before, _ = _dst_week_plan()
    event = recipients(problem, before.meetings[0], SENDER)[-1]
    _, msg = _email(event)
    assert msg.get_content_type() == "multipart/mixed"
    alternative, attachment = msg.get_payload()  # type: ignore[misc]
    assert alternative.get_content_type() == "multipart/alternative"
    plain, calendar = alternative.get_payload()
    assert plain.get_content_type() == "text/plain"
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_param("charset").upper() == "UTF-8"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_payload(decode=True) == calendar.get_payload(decode=True)
    assert msg["To"].addresses[0].addr_spec == event.email
    assert len(msg["To"].addresses) == 1
    assert msg["From"].addresses[0].addr_spec == SENDER.mail_from
    assert msg["Subject"] == "Appointment with the Restorative Justice Service"
    assert msg["Message-ID"] == f"<{message_key(UID, 0, 'REQUEST', event.email)}@rj.example.org>"


def test_message_id_identifies_uid_sequence_method_and_recipient() -> None:
    keys = {
        message_key(UID, 0, "REQUEST", "a@example.org"),
        message_key(UID, 1, "REQUEST", "a@example.org"),
        message_key(UID, 1, "CANCEL", "a@example.org"),
        message_key(UID, 0, "REQUEST", "b@example.org"),
    }
    assert len(keys) == 4
    assert message_key(UID, 0, "REQUEST", "A@Example.org") == message_key(
        UID, 0, "REQUEST", "a@example.org"
    )


def test_request_calendar_properties() -> None:
    problem = example_problem()
    before, _ = _dst_week_plan()
    event = recipients(problem, before.meetings[0], SENDER)[0]  # the lead facilitator
    _, msg = _email(event, sequence=3)
    cal = calendar_of(msg)
    assert str(cal["METHOD"]) == "REQUEST"
    assert str(cal["VERSION"]) == "2.0"
    assert "PRODID" in cal
    ev = the_event(cal)
    assert str(ev["UID"]) == UID
    assert int(ev["SEQUENCE"]) == 3
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert ev.decoded("DTSTAMP") == NOW
    assert str(ev["ORGANIZER"]) == f"mailto:{SENDER.mail_from}"
    assert ev["ORGANIZER"].params["CN"] == SENDER.service_name
    attendee = ev["ATTENDEE"]
    assert not isinstance(attendee, list)  # exactly one
    assert str(attendee) == f"mailto:{event.email}"
    assert attendee.params["CN"] == event.name
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    assert attendee.params["CUTYPE"] == "INDIVIDUAL"
    assert str(ev["URL"]) == "https://rj.example.org/cases/C7"
    assert "Subject" in msg
    assert "RJ-2027-0007" in msg["Subject"]


def test_cancel_calendar_and_email_say_cancel() -> None:
    problem = example_problem()
    before, _ = _dst_week_plan()
    event = recipients(problem, before.meetings[0], SENDER)[-1]
    ics, msg = _email(event, method="CANCEL", sequence=1)
    cal = calendar_of(msg)
    assert str(cal["METHOD"]) == "CANCEL"
    ev = the_event(cal)
    assert str(ev["STATUS"]) == "CANCELLED"
    assert int(ev["SEQUENCE"]) == 1
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    assert msg["Subject"].startswith("Cancelled: ")
    assert b"PUBLISH" not in ics


def test_publish_is_refused() -> None:
    event = recipients(example_problem(), _dst_week_plan()[0].meetings[0], SENDER)[0]
    with pytest.raises(ValueError, match="PUBLISH"):
        build_calendar(event, uid=UID, sequence=0, method="PUBLISH", dtstamp=NOW, sender=SENDER)  # type: ignore[arg-type]


def _expected(meeting, event: EventContent) -> tuple[dt.datetime, dt.datetime]:  # type: ignore[no-untyped-def]
    """The UTC instants the plan document says, computed with zoneinfo (not our Clock)."""
    fmt = "%Y-%m-%dT%H:%M"
    if event.recipient_kind == "facilitator":
        window = meeting.facilitators_on_site
        return utc_of_local(window.start.strftime(fmt)), utc_of_local(window.end.strftime(fmt))
    row = next(r for r in meeting.attendance if r.party == event.recipient_id)
    return utc_of_local(row.arrive.strftime(fmt)), utc_of_local(row.leave.strftime(fmt))


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_instants_across_the_clock_change_in_icalendar_and_icaljs(
    tmp_path: Path, method: str
) -> None:
    problem = example_problem()
    files: dict[Path, tuple[dt.datetime, dt.datetime]] = {}
    for plan in _dst_week_plan():
        meeting = plan.meetings[0]
        for event in recipients(problem, meeting, SENDER):
            ics, msg = _email(event, method=method)
            start, end = _expected(meeting, event)
            ev = the_event(parse_calendar(ics))
            assert ev.decoded("DTSTART") == start
            assert ev.decoded("DTEND") == end
            path = tmp_path / f"{meeting.start:%m%d}-{event.recipient_id}.ics"
            path.write_bytes(ics)
            files[path] = (start, end)
    # Sanity of the fixture itself: 10:00 local is 10:00Z on the 26th and 09:00Z on the 29th.
    starts = {s.strftime("%d %H:%M") for s, _ in files.values()}
    assert "26 10:00" in starts
    assert "29 09:00" in starts
    parsed = icaljs_parse(sorted(files))
    assert len(parsed) == len(files)
    for entry in parsed:
        start, end = files[Path(entry["file"])]
        assert entry["start"] == start.strftime("%Y-%m-%dT%H:%M:00.000Z")
        assert entry["end"] == end.strftime("%Y-%m-%dT%H:%M:00.000Z")
        assert entry["method"] == method
        assert entry["uid"] == UID
        assert len(entry["attendees"]) == 1
        assert entry["attendees"][0]["partstat"] == "NEEDS-ACTION"
        assert entry["status"] == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
