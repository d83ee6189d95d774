"""The session rules S1–S8 in order, and the subset that a probe of the pins alone runs."""

from __future__ import annotations

from scheduler.verify.session_across import s4_rooms, s5_keep_apart, s6_no_double_booking
from scheduler.verify.session_document import s1_whole_cases
from scheduler.verify.session_pins import s8_pinned
from scheduler.verify.session_place import s4_place, s5_safety
from scheduler.verify.session_rules import s1_eligibility, s2_one_team, s3_time, s7_workload

# Rules that hold engagement by engagement (or pair by pair): a partial plan, such as
# the pins alone, can break them. Whole-case coverage (S1) and S8 are left out.
PROBE_RULES = (
    s1_eligibility,
    s2_one_team,
    s3_time,
    s4_place,
    s4_rooms,
    s5_safety,
    s5_keep_apart,
    s6_no_double_booking,
    s7_workload,
)

SESSION_RULES = (
    s1_eligibility,
    s1_whole_cases,
    s2_one_team,
    s3_time,
    s4_place,
    s4_rooms,
    s5_safety,
    s5_keep_apart,
    s6_no_double_booking,
    s7_workload,
    s8_pinned,
)
