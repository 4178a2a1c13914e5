"""Reminders, from what is due to what the worker's phone shows.

- planning.py: what is due now (appointment reminders, morning agendas, digests),
  computed from the data and written to the outbox under a unique key;
- rendering.py: the tick (plan, then drain) and what each outbox row says when it is sent;
- sending.py: the one sender, paced under Telegram's limits;
- buttons.py: 💤 snooze and 📋 today under a pushed reminder;
- alerts.py: what a risk alert says (queued by the note's use case, in its transaction).

The outbox table itself is storage/outbox.py.
"""
