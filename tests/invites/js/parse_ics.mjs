// Reads .ics files named on the command line; prints JSON, one entry per VEVENT, with
// the UTC start and end as ical.js understands them. Exits 1 on any parse error.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const out = [];
for (const path of process.argv.slice(2)) {
  const cal = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  const method = cal.getFirstPropertyValue("method");
  for (const vevent of cal.getAllSubcomponents("vevent")) {
    const event = new ICAL.Event(vevent);
    const attendees = vevent.getAllProperties("attendee").map((p) => ({
      value: p.getFirstValue(),
      cn: p.getParameter("cn"),
      role: p.getParameter("role"),
      partstat: p.getParameter("partstat"),
      rsvp: p.getParameter("rsvp"),
      cutype: p.getParameter("cutype"),
    }));
    out.push({
      file: path,
      method,
      uid: event.uid,
      sequence: event.sequence,
      status: vevent.getFirstPropertyValue("status"),
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      organizer: vevent.getFirstPropertyValue("organizer"),
      description: vevent.getFirstPropertyValue("description"),
      url: vevent.getFirstPropertyValue("url"),
      attendees,
    });
  }
}
process.stdout.write(JSON.stringify(out));
