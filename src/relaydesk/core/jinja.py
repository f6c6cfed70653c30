"""The Jinja2 environment for the few templates that render many rows (the ticket list).

Django's template engine costs about half a millisecond per list row; Jinja2 compiles a
template to Python once. Only hot, self-contained fragments are Jinja2 templates (`.jinja`
files in an app's `jinja2/` folder); pages stay Django templates and include a fragment
through a template tag. Words come from the Python side, already translated.
"""

from __future__ import annotations

from typing import Any

import jinja2


def environment(**options: Any) -> jinja2.Environment:
    options.pop("autoescape", None)  # always on, whatever the caller passes
    return jinja2.Environment(autoescape=True, **options)
