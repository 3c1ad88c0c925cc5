"""Where pupils and teachers land after logging in: the work of their classes, gathered from
courses (assignments) and classroom_votes (votes, debates, results) with school's classes.
It lives in config, which builds the site and may read every app; no app imports it."""
