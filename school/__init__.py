"""School: accounts and roles (pupil, teacher, content editor, administrator); later territories,
schools and classes. Imports nothing from the other apps."""
