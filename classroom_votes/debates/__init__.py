"""Debates: a thesis, arguments pour and contre as a tree, comments, convincing marks, reports
and the teacher's moderation (pre-moderation, word filter, hiding with a reason kept in an
audit log, posting blocks, per-pupil rate limits).

- `services`: the only writers (argument_check_and_post → argument_post, moderation, blocks).
- `selectors`: the tree each viewer may see, the two columns, the summary, the queue, the log.
- `permissions`: one predicate per action; `moderation`: text checks (sanitizing, word filter,
  contact details).
- `views`, `forms`, `urls`: the pages; `api/`: the same over REST.

May use the public names of `classroom_votes.consultations` (a debate can be tied to one)."""
