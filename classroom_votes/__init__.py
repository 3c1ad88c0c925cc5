"""Classroom votes: consultations, secret ballots, tallies, debates and national comparison.
May import `school`; never `courses`.

- `tallies`: pure counting, one result function per voting method (no database).
- `models`: consultations (options, sources, classes), the liste d'émargement (Participation),
  the urne (Ballot) and the counters (Tally). Nothing links a ballot to a pupil.
- `services`: the only writers: consultation_create/open/close, consultations_apply_schedule,
  ballot_check_and_cast → ballot_cast (one transaction; see its docstring for the locking).
- `selectors`: participation (who, never what), results and procès-verbal under the
  publication rules, the invariant participations = ballots = sum of tallies.
- `permissions`: one predicate per action; `tasks`: the schedule, run every minute by beat.
- National questions (`models.national`, admin in `wagtail_hooks`): written and published by
  editors; a class runs one as its own Consultation, a linked copy
  (services.consultation_create_from_national).
- `views`, `forms`, `urls`: the pupil's and the teacher's pages (no JavaScript needed; htmx
  refreshes the participation count)."""
