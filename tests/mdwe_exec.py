"""Run a program as systemd's MemoryDenyWriteExecute=yes runs it: no memory may be both
writable and executable (Linux's PR_SET_MDWE, 6.3 and later, kept across fork and exec).
On an older kernel the program runs as it is.

    python tests/mdwe_exec.py PROGRAM [ARGS…]
"""

from __future__ import annotations

import ctypes
import os
import sys

PR_SET_MDWE = 65
PR_MDWE_REFUSE_EXEC_GAIN = 1

if __name__ == "__main__":
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0)
    os.execv(sys.argv[1], sys.argv[1:])
