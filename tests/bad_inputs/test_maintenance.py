"""Bad maintenance files, recurring windows above all: each case and the exact message it must give.

Every case is a one-row CSV written to ``tmp_path`` (row 1 is line 2, after the header); the message names the
file, the row and line, the column and the value, and says what was expected or how to fix it.
"""

from __future__ import annotations

import pytest

from slm_analytics.data import read_maintenance
from slm_analytics.errors import DataError

HEADER = "service,start,end,reason,rrule,duration,timezone\n"
SUNDAY = "FREQ=WEEKLY;BYDAY=SU"

CASES = [
    ("bad_rrule_part", "payments,2026-01-04 02:00,,x,FREQ=WEEKLY;BYDAY=XX,1h,Europe/London",
     "column 'rrule': rule 'FREQ=WEEKLY;BYDAY=XX' is not an RFC 5545 recurrence rule (invalid 'BYDAY': XX); "
     "write it like 'FREQ=WEEKLY;BYDAY=SU' or 'RRULE:FREQ=DAILY;COUNT=5' (RFC 5545, 3.3.10)"),
    ("rrule_in_words", "payments,2026-01-04 02:00,,x,every sunday,1h,Europe/London",
     "column 'rrule': rule 'every sunday' has 'every', which is not an RRULE, DTSTART, EXDATE or RDATE line; "
     "write it like 'FREQ=WEEKLY;BYDAY=SU' or 'RRULE:FREQ=DAILY;COUNT=5' (RFC 5545, 3.3.10)"),
    ("rrule_without_freq", "payments,2026-01-04 02:00,,x,BYDAY=SU,1h,Europe/London",
     "column 'rrule': rule 'BYDAY=SU' has no FREQ (how often it recurs); write it like "
     "'FREQ=WEEKLY;BYDAY=SU' or 'RRULE:FREQ=DAILY;COUNT=5' (RFC 5545, 3.3.10)"),
    ("dtstart_conflicts_with_start",
     "payments,2026-01-04 02:00,,x,DTSTART:20260104T030000 RRULE:FREQ=WEEKLY;COUNT=3,1h,Europe/London",
     "column 'rrule': rule 'DTSTART:20260104T030000 RRULE:FREQ=WEEKLY;COUNT=3' starts at 2026-01-04 03:00:00 "
     "(Europe/London) by its DTSTART but the start given is 2026-01-04 02:00:00; give the first occurrence "
     "once (drop DTSTART from the rule, or make them agree)"),
    ("duration_longer_than_interval", "payments,2026-01-04 02:00,,x,FREQ=DAILY;COUNT=3,25h,Europe/London",
     "column 'rrule': rule 'FREQ=DAILY;COUNT=3' gives overlapping windows: the one starting 2026-01-04 02:00 "
     "UTC lasts 1 days 01:00:00 but the next starts 2026-01-05 02:00 UTC; shorten the duration below the "
     "time between two occurrences"),
    ("missing_duration", f"payments,2026-01-04 02:00,,x,{SUNDAY};COUNT=3,,Europe/London",
     "column 'duration': is empty; a recurring window needs its length, such as '1h' or '90m'"),
    ("duration_in_words", f"payments,2026-01-04 02:00,,x,{SUNDAY};COUNT=3,1 hour,Europe/London",
     "column 'duration': '1 hour' is not a duration; expected '<n><unit>' with unit s, m, h, d or w, such as "
     "'1h' or '90m'; did you mean '1h'?"),
    ("unknown_time_zone", f"payments,2026-01-04 02:00,,x,{SUNDAY};COUNT=3,1h,Europe/Londn",
     "column 'timezone': 'Europe/Londn' is not a known time zone; expected an IANA name such as "
     "'Europe/London' or 'America/New_York'"),
    ("no_time_zone_anywhere", f"payments,2026-01-04 02:00,,x,{SUNDAY};COUNT=3,1h,",
     "column 'timezone': is empty; a recurring window needs the time zone its wall-clock times recur in "
     "(e.g. 'Europe/London'): fill 'timezone', or pass tz= or catalog= (the service's zone)"),
    ("rule_on_a_day_that_never_exists",
     "payments,2026-01-04 02:00,,x,FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30,1h,UTC",
     "column 'rrule': rule 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30' never occurs: no month of BYMONTH=2 has "
     "day 30 (the longest has 29 days)"),
    # 29 February falls on a Monday next in 2044 (2028 Tue, 2032 Sun, 2036 Fri, 2040 Wed): not in ten years
    ("rule_without_occurrence_in_ten_years",
     "payments,2026-01-04 02:00,,x,FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO,1h,UTC",
     "column 'rrule': rule 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO' has no occurrence in the ten years "
     "from 2026-01-04 02:00 (UTC); check its BYxxx parts, UNTIL and COUNT"),
    ("rule_never_ends", f"payments,2026-01-04 02:00,,x,{SUNDAY},1h,UTC",
     f"column 'rrule': '{SUNDAY}' never ends (no COUNT or UNTIL, and 'end' is empty) and no period was given "
     "to list it over: pass start= and end= to read_maintenance, fill 'end' (when the recurrence stops), or "
     "add UNTIL= or COUNT= to the rule"),
    ("end_and_count", f"payments,2026-01-04 02:00,2026-06-01,x,{SUNDAY};COUNT=3,1h,UTC",
     "column 'end': '2026-06-01' is given while the rule ends by itself (COUNT or UNTIL); give the end of "
     "the recurrence once: empty 'end', or drop COUNT/UNTIL from 'rrule'"),
    ("end_before_first_occurrence", f"payments,2026-01-04 02:00,2026-01-01,x,{SUNDAY},1h,UTC",
     "column 'end': '2026-01-01' is before the first occurrence, which starts 2026-01-04 02:00 UTC; the "
     "recurrence would never happen"),
    ("no_start", f"payments,,,x,{SUNDAY};COUNT=3,1h,UTC",
     "column 'start': is empty; a recurring row needs its first occurrence's start (or a DTSTART line in "
     "'rrule')"),
    ("start_in_words", f"payments,Sunday,,x,{SUNDAY};COUNT=3,1h,UTC",
     "column 'start': 'Sunday' is not a timestamp; expected ISO 8601 such as '2026-01-04T02:00' (the first "
     "occurrence's start; naive: wall-clock time in the row's time zone)"),
    ("count_and_until", "payments,2026-01-04 02:00,,x,FREQ=WEEKLY;COUNT=3;UNTIL=20260301T000000Z,1h,UTC",
     "column 'rrule': rule 'FREQ=WEEKLY;COUNT=3;UNTIL=20260301T000000Z' has both COUNT and UNTIL; RFC 5545 "
     "allows one of them: keep the one you mean"),
    ("until_not_a_date", "payments,2026-01-04 02:00,,x,FREQ=WEEKLY;UNTIL=2026,1h,UTC",
     "column 'rrule': rule 'FREQ=WEEKLY;UNTIL=2026' has UNTIL '2026', which is not an RFC 5545 date or "
     "date-time; write it like 20261231T235959Z (UTC), 20261231T235959 (local) or 20261231"),
    ("duration_on_one_off_row", "payments,2026-01-04T02:00Z,2026-01-04T03:00Z,x,,1h,",
     "column 'duration': '1h' is set on a row without 'rrule'; 'duration' and 'timezone' describe recurring "
     "windows (a one-off window has an 'end'; naive times of one-off rows are read in tz=)"),
]


@pytest.mark.parametrize(("row", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_maintenance_file(tmp_path, row, message):
    path = tmp_path / "maintenance.csv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_maintenance(path)
    assert str(info.value) == f"{path}: row 1 (line 2), {message}"
