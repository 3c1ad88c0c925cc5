"""Real elections: the official results per territory, a class's mock election, the comparison.

- `parsing`: the Ministry of the Interior's per-département file (xlsx or ';' CSV), read and
  checked row by row (pure; French errors naming the line and column).
- `importing`: the only writer of Election and its rows (all or nothing, idempotent), entered
  through `manage.py import_election` and the Celery task `classroom_votes.tasks.election_import`.
- `client`: the only code that downloads a file (https to public addresses only).
- `services`: a teacher's mock election, a Consultation made from an Election.
- `selectors`: the side-by-side comparison of a closed mock election with the real results.
- `views`: the teacher's launch page (urls in classroom_votes.consultations.urls).

May import `classroom_votes.consultations` (a mock election is a consultation); the reverse only
through the selector the results pages call.

Who could misuse it, and what stops them
----------------------------------------
- An operator, editor or administrator importing a hostile file. Only the management command and
  the Celery task import: no web page takes a file or a URL, so nobody reaches the importer
  without shell or broker access. The file is then distrusted anyway: a size cap
  (HEMICYCLE_ELECTION_MAX_BYTES), the declared unpacked size of an xlsx checked before openpyxl
  inflates anything (zip bombs; HEMICYCLE_ELECTION_MAX_UNPACKED_BYTES), openpyxl in read-only
  mode with defusedxml (no entity expansion), a row cap (HEMICYCLE_ELECTION_MAX_ROWS), a column
  cap, a cell length cap, formula cells refused (never evaluated, never stored to be exported
  again), every count checked (integers, Σ voix = exprimés, inscrits ≥ votants ≥ exprimés,
  votants = exprimés + blancs + nuls, abstentions = inscrits − votants, with database check
  constraints behind), known territories only, one transaction.
- The same person importing from a hostile URL (SSRF: reaching the cloud metadata service, an
  internal admin, Redis): only https://, no credentials in the URL, the host resolved once and
  every address refused unless public (loopback, private, link-local, reserved, multicast), the
  connection made to the address that was checked (no DNS rebinding between check and request),
  each redirect checked the same way (three at most), a timeout and a size cap on the body.
  Local paths are read only from the command line or a task's arguments, which only an operator
  sets.
- A teacher launching a mock election for another teacher's class: the launch form offers and
  accepts only the classes the teacher manages (school.permissions through the consultation
  form), the view requires a teacher, and POST needs the CSRF token.
- A pupil (or anonymous visitor) opening the launch page: 403 (or the login page); a pupil sees a
  comparison only on the results of their own class, under the same publication rules as the
  rest of the results (min_ballots, after the close): the real results are public data, the
  class's are shown only when consultation_results publishes them."""
