"""Reviewable seed content (YAML front matter + Markdown under data/) and the idempotent command
that loads it through the apps' own services (content.loader, content.quizzes, content.final_tests,
content.teacher_pages). Also the one place where a lesson's ready-made question meets the
classroom_votes services (content.launch, content.views): content may import every app."""
