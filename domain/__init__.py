"""The domain layer: the rules of case work, written once, and the use cases that change
the record.

- domain/rules/: typed rules with no I/O (an appointment's life, quiet hours against the
  start of day, a client's next visit due …). Where a rule must also run in SQL, its SQL
  twin sits beside it in storage/ and a property test proves the two agree.
- domain/usecases/: one function per change to the record. Each takes a `Work` (the unit
  of work), authorises, checks the rules, writes, audits, queues alerts, and returns one
  value from domain/results.py. Nothing here knows Telegram.
- domain/clock.py, domain/settings.py: time and configuration, which every layer reads.

Callers: conversations/ and bot/ (read input, call ONE use case, render its result).
This package imports storage/, never bot/, conversations/ or ui/.
"""
