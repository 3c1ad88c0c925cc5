"""The national picture of a national question: each class's closed count set beside its school,
département, académie, région, métropole or outre-mer, France, and the French schools abroad.

Flow: a class closes (consultations.services) → after commit, the task national_rollup hands its
closed count to the question (services.national_rollup: a NationalContribution per class, never a
pupil) and releases the batches that have become safe (rollup.py) into the territories' sums
(TerritoryResult), which the pages and the open-data API read (selectors). Beat's
national_rollup_pending finds a roll-up lost to a broker or a worker that was down; the command
`national_recompute` recomputes every figure from the classes' closed counts and says where it
differed.

Who could misuse it, and what stops them:
- The public (open-data API, « Résultats nationaux »): reads territories only, each a sum of
  batches of at least K classes of 2 schools and N ballots, released whole (rollup.py), so that
  neither a territory's successive snapshots nor a parent minus its children isolate a class or a
  school. Schools' figures are never public.
- A pupil or teacher of the school: sees the school's figures (batches of K classes of that
  school); with their own class they learn the sum of the others, never one class alone while
  K ≥ 3.
- Another teacher or a class that closes on purpose to probe a territory: its class waits in a
  batch with at least K−1 others before anything moves.
- A class with few ballots: counts only with as many ballots as its own result needs to be
  published (min_ballots, at least a mixing batch); smaller classes' ballots stay sealed and out.
- The database's administrator or a dump: NationalContribution holds a class's closed counters,
  which the urn's counters already hold; no participation, no pupil, no time finer than the close.
- The logs: the task logs ids and counts of classes, never a count of votes.

Residual risk, written down: a school's own batches (K classes of that school) and the public
batches are formed separately, so a member of the school holding both could in principle set one
against the other; each side alone is safe, and nothing outside the school sees the first.
"""
