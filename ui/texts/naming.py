"""A text that names a client by code and name, when the name is left out.

Strict mode (ui/privacy.py) hands every text the name "" — the code alone must name the
client. Rather than a second wording of each text for the translators, `@nameless` renders
the one text with a placeholder for the name and takes it out again with the separator
before it: "Appointment with <b>C-0042 · </b>" reads "Appointment with <b>C-0042</b>".
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec

P = ParamSpec("P")

# A private-use character: nobody types it, escape() leaves it as it is.
_GAP = "\ue000"


def nameless(render: Callable[P, str]) -> Callable[P, str]:
    """`render` takes the client's name as `name`; given "" the name and the separator
    before it are left out of what it returns."""
    position = list(inspect.signature(render).parameters).index("name")

    @functools.wraps(render)
    def rendered(*args: P.args, **kwargs: P.kwargs) -> str:
        given = list(args)
        if "name" in kwargs:
            if kwargs["name"]:
                return render(*args, **kwargs)
            kwargs["name"] = _GAP
        elif len(given) > position and not given[position]:
            given[position] = _GAP
        else:
            return render(*args, **kwargs)
        text = render(*given, **kwargs)  # type: ignore[arg-type]
        return text.replace(f" · {_GAP}", "").replace(f" {_GAP}", "").replace(_GAP, "")

    return rendered
