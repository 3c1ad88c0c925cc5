"""Reviewable seed content (YAML front matter + Markdown under data/) and the idempotent command
that loads it through the apps' own services."""
