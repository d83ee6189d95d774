"""One iTIP calendar (RFC 5545/5546) per message: one VEVENT for its one recipient.

Times are written in UTC (``DTSTART:20270329T091500Z``): the instant is exact on both
sides of a clock change and no VTIMEZONE is needed; calendars show it in the reader's
own zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from icalendar import Calendar, Event, vCalAddress, vText

from scheduler import __version__
from scheduler.invites.content import EventContent, Sender
from scheduler.timeutil import utc_of_instant

Method = Literal["REQUEST", "CANCEL"]
METHODS: tuple[Method, ...] = ("REQUEST", "CANCEL")

CANCELLED_NOTE = "This appointment has been cancelled."


def build_calendar(
    event: EventContent,
    *,
    uid: str,
    sequence: int,
    method: Method,
    dtstamp: dt.datetime,
    sender: Sender,
) -> Calendar:
    """The calendar for one message; `dtstamp` is the (aware) time of the message."""
    if method not in METHODS:  # PUBLISH and the rest are never sent
        raise ValueError(f"unsupported iTIP method {method!r}")
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp must be timezone-aware")
    cal = Calendar()
    cal.add("prodid", f"-//rj-scheduler//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    ev = Event()
    ev.add("uid", uid)
    ev.add("sequence", sequence)
    ev.add("dtstamp", dtstamp.astimezone(dt.UTC))
    ev.add("dtstart", utc_of_instant(event.start))
    ev.add("dtend", utc_of_instant(event.end))
    ev.add("summary", event.summary)
    ev.add("location", event.location)
    if method == "CANCEL":
        # No reason is ever given: the other side must learn nothing from a cancellation.
        ev.add("description", CANCELLED_NOTE)
        ev.add("status", "CANCELLED")
    else:
        ev.add("description", event.description)
        ev.add("status", "CONFIRMED")
    if event.url:
        ev.add("url", event.url)
    ev.add("transp", "OPAQUE")

    organizer = vCalAddress(f"mailto:{sender.mail_from}")
    organizer.params["CN"] = vText(sender.service_name)
    ev.add("organizer", organizer)

    attendee = vCalAddress(f"mailto:{event.email}")
    attendee.params["CN"] = vText(event.name)
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText("NEEDS-ACTION")
    attendee.params["RSVP"] = vText("TRUE")
    attendee.params["CUTYPE"] = vText("INDIVIDUAL")
    ev.add("attendee", attendee)

    cal.add_component(ev)
    return cal


def calendar_bytes(cal: Calendar) -> bytes:
    return cal.to_ical()
