"""Classroom votes: consultations, secret ballots, tallies, debates and national comparison.
May import `school`; never `courses`."""
