"""Classroom votes: two participation components attached to a class (Decidim's host), over
shared models and pure tallies. May import `school`; never `courses`.

- `models`: every table of the app (consultations, ballots and counters, national questions,
  debates), one migration history, one app label.
- `tallies`: pure counting, one result function per voting method (no database).
- `consultations`: mock votes with a secret ballot, national questions run in class, results,
  procès-verbal (`services`, `selectors`, `permissions`, `forms`, `views`, `urls`, `api/`).
- `debates`: argument trees, text moderation, reports, posting blocks (the same modules, plus
  `moderation` for the text checks).
- `urls`, `api/urls`: both components' routes in one namespace each (`classroom_votes`,
  `classroom_votes_api`); `api/common`: what the two APIs share.
- `tasks` (Celery beat), `signals` (erasure), `wagtail_hooks` (admin): thin wiring.

Imports between components: `debates` may use the public names of `consultations` (a debate
can be tied to a consultation); `consultations` never imports `debates`. Both may import
`models`, `tallies` and `school`."""
