"""School: accounts and roles (pupil, teacher, content editor, administrator), territories,
schools and classes, joining, logging in, sessions and personal data. Imports nothing from the
other apps.

Who could misuse the doors into a class, and what stops them (issue 19):
- An outsider guessing class codes (/rejoindre/): codes have 8 characters of a 31-letter
  alphabet (about 8.5e11; older 6-character codes keep working until the teacher changes them),
  every join attempt is throttled per address and overall before anything is hashed
  (throttles.py), and an unknown, closed, expired, full or archived code gets one and the same
  answer in the same time (the secret is hashed whatever the code). Joining is closed until the
  teacher opens it, for a delay they choose, up to the class's maximum size; a newcomer waits
  for the teacher's approval and sees nothing of the class until then (WaitingPupilMiddleware).
- Someone who knows a class code and the pseudonyms, trying to lock a class out: django-axes
  counts failures per account *and* client address, so failures from elsewhere never lock the
  pupil at school; the teacher unlocks a pupil or the whole class in one click.
- Look-alike pseudonyms (ſ, ı, Cyrillic е, full-width letters, accents, case, spaces or dashes):
  every form of a pseudonym has one canonical key (pseudonyms.pseudonym_canonical) used by the
  login, the lockout counter and the database's uniqueness constraint, so a variant neither
  escapes a lockout nor shadows a classmate. Pupils get generated pseudonyms; a teacher's
  rename is refused if it mixes scripts or looks like a real name.
- Anyone flooding the password hasher (pupil and teacher login, join, sign-up, password reset,
  API token): throttles count per address and overall before any hashing and answer 429 with
  Retry-After; while Redis is unreachable each process counts in memory rather than open the
  gate. Behind a proxy, the address is the one the outermost of HEMICYCLE_TRUSTED_PROXIES saw
  (config.client_address); a client-supplied X-Forwarded-For buys nothing.
- A stranger claiming a school: sign-up confirms the e-mail address, and membership of a school
  needs a teacher of that school or an administrator (a school created at sign-up, an
  administrator); unconfirmed sign-ups and the schools only they created are purged. The
  sign-up and reset forms answer the same whether an address has an account or not.
- A stolen or leaked API token, or a database dump: tokens are kept only as digests
  (django-rest-knox), expire (HEMICYCLE_API_TOKEN_DAYS), are listed and revocable by their
  owner, and are only ever given to teachers.
- The database's administrator, a backup, the logs: no secret typed at a login is stored
  (axes keeps no form data; pupils' failures are counted under a keyed hash of class code and
  canonical pseudonym), and refusals are logged without parameters.
- The next pupil on a shared classroom computer: a pupil's session ends when the browser closes
  and after HEMICYCLE_PUPIL_IDLE_MINUTES of inactivity; « A voté » and the lesson page offer to
  log out. A secret reset or an erasure ends that user's sessions through the session auth hash
  (or the account's absence), without reading anyone else's.
- A teacher's own data: « Mon compte » exports it and erases the account (password typed again;
  refused while they are the only teacher of an active class).
"""
