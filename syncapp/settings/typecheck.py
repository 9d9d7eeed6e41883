"""The settings mypy's Django plugin loads (pyproject, [tool.django-stubs]): the test
settings, with a database URL nothing connects to, so `mypy` runs anywhere."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://typecheck@localhost/typecheck")

from syncapp.settings.test import *  # noqa: F403
