"""Consultations: mock votes in class with a secret ballot.

- `services`: the only writers: consultation_create/open/close, consultations_apply_schedule,
  ballot_check_and_cast → ballot_cast (see its docstring for the locking), the mixing of the
  urn (ballots_mix, by beat; the close).
- `sealing`: a ballot sealed with a key kept outside the database until it is mixed.
- `selectors`: participation (who, never what), results and procès-verbal under the
  publication rules, the invariant participations = ballots = ballots counted.
- `permissions`: one predicate per action.
- National questions (`models.national`, admin in `wagtail_hooks`): written and published by
  editors; a class runs one as its own Consultation, a linked copy
  (services.consultation_create_from_national).
- `views`, `forms`, `urls`: the pupil's and the teacher's pages (no JavaScript needed; htmx
  refreshes the participation count); `api/`: the same over REST.

Never imports `classroom_votes.debates`.

The secret ballot: who could link a pupil to their vote, and what stops them
----------------------------------------------------------------------------
The votes are political opinions of minors. The rule: nothing short of the running application's
memory links a pupil to a ballot better than within a batch of k = HEMICYCLE_BALLOT_BATCH
ballots (5 by default, never fewer than MIN_BALLOTS_FLOOR = 5 for publication), while the vote
is open, during the close and after it. The attack tests are tests/integration/
test_secret_ballot_attacks.py (PostgreSQL); a broken mixing makes them fail.

How a vote is stored. The cast writes, in one statement (one transaction), the participation
(who; the day only) and a SealedBallot: the choice encrypted (AES-256-GCM) with a key from
HEMICYCLE_BALLOT_SEAL_KEYS, which the database never holds. The mixer (beat, every
HEMICYCLE_BALLOT_MIX_SECONDS; inline after the vote when there is no worker) opens, in a
transaction of its own, the sealed ballots of a class once 2k wait, and writes all but k of
them, shuffled, into the urn (Ballot) and the counters (Tally); the close does the same for
every class with k ballots or more, seals again (new ids, nonces and transaction) the ballots of
a smaller class, rewrites the whole urn in random order, then has PostgreSQL VACUUM the tables.

- The pupil: the receipt says the day, never the choice, so nobody can make them prove a vote.
- Classmates: they see no participation list and no results below min_ballots (≥ 5).
- The teacher: sees who voted (the émargement) and the results of a class once it has
  min_ballots ballots; live results move only when a batch is mixed, so the difference between
  two polls is a batch of k ballots or more; a class below k is counted at the close, as a whole.
- Another teacher, the school, an editor: no access to a class's participation or results
  (permissions; tests/test_permission_matrix.py); editors' national results are aggregates.
- The platform's operator reading the database (psql, pageinspect), a pg_dump, a backup, a
  replica, the WAL: the participation and its sealed ballot share a transaction id (xmin), a
  heap page and a place in a dump, but the sealed ballot cannot be read without the key. What
  is readable (the urn, the counters, their dead row versions until the vacuum) was written by a
  mixing of k ballots or more, unrelated to any one vote's transaction; the dead version of a
  sealed ballot says which mixing moved it (xmax), again a batch of k. Ballots have no author,
  no time, a random id.
- The logs: the application never logs a pupil beside a choice or a time (one line for a
  refusal: status, route, code; config/log_filters.py). A second vote is refused by ON CONFLICT,
  not by an error that PostgreSQL would log with the pupil's id. The README's production section
  gives the PostgreSQL logging settings that keep statement parameters out of its log.
- Residual risk, written down: whoever holds both the seal key (the application server's
  environment) and a copy of the database taken while a vote is open can open the ballots that
  still wait to be mixed (fewer than 2k per class), and so can the running application's memory.
  Keep the key out of the database's backups; after the close, no ballot still waiting is
  linked to a participation, key or not."""
