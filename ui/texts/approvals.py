"""Texts of approvals: a worker's plan activation or discharge waiting for a supervisor
(the request pushed to them, ✅ Approve and ↩ Return, the worker told), /pending, the
cards' "waiting" lines, the history's lines and the team's setting in /settings.

See ui/texts/__init__.py for how texts are written.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from storage.kinds import ApprovalKind, ApprovalStatus
from ui.i18n import N_, t, tn
from ui.i18n import translated as tr

PENDING_COMMAND = ("pending", N_("What waits for approval"))

APPROVAL_KIND_NAMES = {
    ApprovalKind.PLAN_ACTIVATION: N_("Plan activation"),
    ApprovalKind.DISCHARGE: N_("Discharge"),
}
APPROVAL_STATUS_NAMES = {
    ApprovalStatus.PENDING: N_("waiting"),
    ApprovalStatus.APPROVED: N_("approved"),
    ApprovalStatus.RETURNED: N_("returned"),
    ApprovalStatus.WITHDRAWN: N_("withdrawn"),
}

# Buttons
APPROVE = N_("✅ Approve")
RETURN = N_("↩ Return")
OPEN_REQUEST = N_("👁 Open")
WITHDRAW = N_("✖ Withdraw")

# The worker who asked
APPROVAL_SENT = N_("⏳ Sent to your supervisor for approval.")
CARD_DISCHARGE_WAITING = N_("⏳ Discharge waiting for approval")
CARD_PLAN_WAITING = N_("⏳ Plan activation waiting for approval")
PLAN_ACTIVATION_WAITING = N_("⏳ Activation waiting for approval")


def card_waiting(kind: str) -> str:
    """The client card's line for what waits for approval."""
    if kind == ApprovalKind.DISCHARGE:
        return tr(CARD_DISCHARGE_WAITING)
    return tr(CARD_PLAN_WAITING)


def approval_kind(kind: str) -> str:
    return tr(APPROVAL_KIND_NAMES).get(kind, kind)


def approval_already_waiting(when: str) -> str:
    """A toast: plain text."""
    return t("⏳ This already waits for approval (asked {when}).", when=when)


def approval_withdrawn(client_code: str) -> str:
    """A toast: plain text."""
    return t("Withdrawn: the request for {client} no longer waits.", client=client_code)


# The request, as pushed and as opened
def approval_title(kind: str) -> str:
    return t("⏳ <b>Approval requested: {kind}</b>", kind=escape(approval_kind(kind)))


def approval_asked_plan(requester: str, client: str, version: int, goals: int) -> str:
    """`client` arrives escaped."""
    return t(
        "{requester} asks to activate plan v{version} for {client} ({goals}):",
        requester=escape(requester),
        version=version,
        client=client,
        goals=tn("{count} goal", "{count} goals", goals),
    )


def approval_asked_discharge(requester: str, client: str, reason: str) -> str:
    """`client` arrives escaped."""
    return t(
        "{requester} asks to discharge {client}.\nReason: {reason}",
        requester=escape(requester),
        client=client,
        reason=escape(reason),
    )


def approval_asked_private(requester: str, client: str) -> str:
    """`client` arrives as code and initials."""
    return t(
        "{requester} asks for your approval about {client}. 👁 Open shows what it is.",
        requester=escape(requester),
        client=client,
    )


def approval_goal(number: int, text: str) -> str:
    return f"{number}. {escape(text)}"


def approval_more_goals(count: int) -> str:
    return tn("… and {count} more goal", "… and {count} more goals", count)


def approval_asked_at(when: str, team: str | None) -> str:
    if team:
        return t("<i>Asked {when} · team {team}</i>", when=when, team=escape(team))
    return t("<i>Asked {when}</i>", when=when)


def approval_decided(status: str, name: str, when: str) -> str:
    if status == ApprovalStatus.APPROVED:
        return t("✅ Approved by {name}, {when}", name=escape(name), when=when)
    if status == ApprovalStatus.RETURNED:
        return t("↩ Returned by {name}, {when}", name=escape(name), when=when)
    return t("✖ Withdrawn by {name}, {when}", name=escape(name), when=when)


def approval_comment(comment: str) -> str:
    return t("Comment: {comment}", comment=escape(comment))


def approval_already_decided(name: str, status: str) -> str:
    """A toast: plain text."""
    return t(
        "Already decided by {name} ({status}).",
        name=name,
        status=tr(APPROVAL_STATUS_NAMES).get(status, status),
    )


APPROVAL_NO_LONGER_APPLIES = N_(
    "This request no longer applies: the plan or the case changed since. It is closed and"
    " nothing was applied."
)


def approval_approved_plan(client_code: str, version: int, next_review: str) -> str:
    """A toast: plain text."""
    return t(
        "✅ Approved: plan v{version} for {client} is active, next review {day}.",
        version=version,
        client=client_code,
        day=next_review,
    )


def approval_approved_discharge(client_code: str, cancelled: int) -> str:
    """A toast: plain text."""
    return tn(
        "✅ Approved: {client} is discharged; {count} appointment cancelled.",
        "✅ Approved: {client} is discharged; {count} appointments cancelled.",
        cancelled,
        client=client_code,
    )


# ↩ Return: the comment
def approval_return_ask(client_code: str, requester: str) -> str:
    return t(
        "↩ Return to {requester}: what should change for {client}? Write a short comment;"
        " {requester} reads it. The plan stays a draft, the case stays open.",
        requester=escape(requester),
        client=client_code,
    )


APPROVAL_COMMENT_EMPTY = N_("Please write a comment: what should change?")


def approval_comment_too_long(most: int) -> str:
    return t("That is too long: {most} characters at most, please.", most=most)


def approval_returned(client_code: str, requester: str) -> str:
    return t(
        "↩ Returned to {requester} with your comment; {client} stays as it was.",
        requester=escape(requester),
        client=client_code,
    )


# The worker told (pushed: the client by code only)
def approval_told_approved(decider: str, kind: str, client_code: str) -> str:
    if kind == ApprovalKind.PLAN_ACTIVATION:
        return t(
            "✅ {decider} approved the plan activation for {client}: the plan is active now.",
            decider=escape(decider),
            client=client_code,
        )
    return t(
        "✅ {decider} approved the discharge of {client}: the case is closed.",
        decider=escape(decider),
        client=client_code,
    )


def approval_told_returned(decider: str, kind: str, client_code: str) -> str:
    if kind == ApprovalKind.PLAN_ACTIVATION:
        return t(
            "↩ {decider} returned the plan activation for {client}; the plan stays a draft.",
            decider=escape(decider),
            client=client_code,
        )
    return t(
        "↩ {decider} returned the discharge of {client}; the case stays open.",
        decider=escape(decider),
        client=client_code,
    )


APPROVAL_COMMENT_BEHIND_OPEN = N_("👁 Open shows the comment.")

# /pending
PENDING_NONE_TO_DECIDE = N_("Nothing waits for your approval.")
PENDING_NONE_OF_MINE = N_("None of your requests waits for approval.")


def pending_title(count: int, page: int, pages: int, mine: bool) -> str:
    suffix = t(" · page {page} of {pages}", page=page + 1, pages=pages) if pages > 1 else ""
    if mine:
        title = tn(
            "⏳ <b>{count} request of yours waits for approval</b>",
            "⏳ <b>{count} requests of yours wait for approval</b>",
            count,
        )
    else:
        title = tn(
            "⏳ <b>{count} request waits for approval</b>",
            "⏳ <b>{count} requests wait for approval</b>",
            count,
        )
    return title + suffix + "\n" + t("<i>Oldest first.</i>")


def pending_item(number: int, kind: str, client: str, requester: str, when: str) -> str:
    """`client` arrives escaped."""
    return t(
        "<b>{number}. {kind}</b> · {client} · {requester} · {when}",
        number=number,
        kind=escape(approval_kind(kind)),
        client=client,
        requester=escape(requester),
        when=when,
    )


def pending_team(team: str) -> str:
    return t("team {team}", team=escape(team))


def pending_plan_summary(version: int, goals: int, first: str | None) -> str:
    head = t(
        "Plan v{version}, {goals}",
        version=version,
        goals=tn("{count} goal", "{count} goals", goals),
    )
    return f"{head}: {escape(first)}" if first else head


def pending_reason(reason: str) -> str:
    return t("Reason: {reason}", reason=escape(reason))


# /settings: the team's setting (supervisors, admins)
SETTINGS_APPROVALS = N_("Approvals")
SETTINGS_APPROVALS_NONE = N_("off")


def settings_approvals_line(team: str, kinds: Sequence[str]) -> str:
    none = tr(SETTINGS_APPROVALS_NONE)
    shown = ", ".join(approval_kind(kind) for kind in kinds) if kinds else none
    return t(
        "✅ Approvals (team {team}): {kinds}",
        team=escape(team),
        kinds=escape(shown),
    )


# The client's history
def approval_event_title(kind: str, status: str) -> str:
    """Plain."""
    name = approval_kind(kind)
    if status == ApprovalStatus.APPROVED:
        return t("{kind} approved", kind=name)
    if status == ApprovalStatus.RETURNED:
        return t("{kind} returned", kind=name)
    if status == ApprovalStatus.WITHDRAWN:
        return t("{kind}: request withdrawn", kind=name)
    return t("{kind}: approval requested", kind=name)
