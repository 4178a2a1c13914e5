"""`python -m bot.demo [--port 8080] [--database FILE]` (the same as `caseline demo`)."""

import sys

from bot.demo.command import main

sys.exit(main())
