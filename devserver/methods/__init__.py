"""Bot API method implementations, one module per area; importing registers them all."""

from . import bot_info, callbacks, media, messages, polling  # noqa: F401  (registration)
from .registry import ApiMethod, method_names, resolve

__all__ = ["ApiMethod", "method_names", "resolve"]
