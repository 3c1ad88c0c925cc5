"""Consultations: mock votes in class with a secret ballot.

- `services`: the only writers: consultation_create/open/close, consultations_apply_schedule,
  ballot_check_and_cast → ballot_cast (see its docstring for the locking).
- `selectors`: participation (who, never what), results and procès-verbal under the
  publication rules, the invariant participations = ballots = sum of tallies.
- `permissions`: one predicate per action.
- National questions (`models.national`, admin in `wagtail_hooks`): written and published by
  editors; a class runs one as its own Consultation, a linked copy
  (services.consultation_create_from_national).
- `views`, `forms`, `urls`: the pupil's and the teacher's pages (no JavaScript needed; htmx
  refreshes the participation count); `api/`: the same over REST.

Never imports `classroom_votes.debates`."""
