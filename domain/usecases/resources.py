"""The resource directory: finding entries (every worker) and keeping it (admins only).

Reading needs no permission beyond being a worker, but archived entries are for admins
(to restore them) and never offered for a referral. Every change is admin-only: a press
by anyone else is refused and audited (resource.create / .update / .archive / .restore
with allowed=False). Audit of a change names the changed fields, never their values.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.results import Gone, Invalid, Refused, Saved, Stale
from domain.work import Work
from storage import audit
from storage import resources as directory
from storage.models import Resource
from storage.resources import Problem, ResourcePage
from storage.workers import Actor


async def categories(work: Work) -> list[tuple[str, int]]:
    """Categories of active entries, with how many each holds."""
    async with work.transaction() as session:
        return await directory.categories(session)


async def category_by_key(work: Work, key: str) -> str | None:
    """The category a button names (`storage.resources.category_key`), if it still exists."""
    async with work.transaction() as session:
        return await directory.category_by_key(session, key)


async def canonical_category(work: Work, typed: str) -> str:
    """The existing spelling of a typed category, else the typed one."""
    async with work.transaction() as session:
        return await directory.canonical_category(session, typed)


async def search(
    work: Work,
    actor: Actor,
    *,
    words: str,
    category: str | None,
    page: int,
    page_size: int,
    for_referral: bool = False,
) -> ResourcePage:
    """A page of entries matching words and/or a category. Admins also see archived
    entries, except when picking one for a referral."""
    async with work.transaction() as session:
        return await directory.search(
            session,
            words=words,
            category=category,
            page=page,
            page_size=page_size,
            include_archived=actor.is_admin and not for_referral,
        )


async def open_resource(
    work: Work, actor: Actor, resource_id: int | None, *, for_referral: bool = False
) -> Saved[Resource] | Gone:
    """An entry to show or refer to: archived ones only for admins, and never for a
    referral."""
    async with work.transaction() as session:
        resource = await directory.get(session, resource_id) if resource_id else None
    if resource is None:
        return Gone("resource")
    if not resource.active and (for_referral or not actor.is_admin):
        return Gone("resource")
    return Saved(resource)


async def refuse(work: Work, actor: Actor, action: str, resource_id: int | None) -> Refused:
    """A directory change by someone who is not an admin: audited, refused."""
    async with work.transaction() as session:
        await audit.refused(
            session,
            action,
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="resource",
            subject_id=resource_id,
        )
    return Refused("resource")


async def resource_to_edit(
    work: Work, actor: Actor, resource_id: int | None
) -> Saved[Resource] | Refused | Gone:
    """The entry an admin is about to edit (archived ones too)."""
    if not actor.is_admin:
        return await refuse(work, actor, "resource.update", resource_id)
    async with work.transaction() as session:
        resource = await directory.get(session, resource_id) if resource_id else None
    return Gone("resource") if resource is None else Saved(resource)


async def set_archived(
    work: Work, actor: Actor, resource_id: int | None, *, archived: bool
) -> Saved[Resource] | Refused | Gone:
    """Archive an entry (hidden from workers and from new referrals) or restore it.
    Pressing again on an entry already so changes nothing and is not audited."""
    action = "resource.archive" if archived else "resource.restore"
    if not actor.is_admin:
        return await refuse(work, actor, action, resource_id)
    async with work.transaction() as session:
        resource = await directory.get(session, resource_id) if resource_id else None
        if resource is None:
            return Gone("resource")
        if resource.active == archived:
            resource.active = not archived
            await audit.record(
                session,
                action,
                now=work.clock.now(),
                actor_id=actor.id,
                subject_type="resource",
                subject_id=resource.id,
            )
        return Saved(resource)


async def save_resource(
    work: Work,
    actor: Actor,
    resource_id: int | None,
    values: Mapping[str, str | None],
    *,
    benefit: bool,
) -> Saved[Resource] | Refused | Gone | Invalid | Stale[Resource]:
    """Create an entry (`resource_id` None) or update one from the editor's values.

    Invalid("fields") when a value breaks a rule (`invalid_fields` says which);
    Stale(existing) when another entry has the same name and address — nothing is
    written and the existing one is returned to show instead."""
    action = "resource.create" if resource_id is None else "resource.update"
    if not actor.is_admin:
        return await refuse(work, actor, action, resource_id)
    data, _problems = directory.clean(values, benefit=benefit)
    if data is None:
        return Invalid("fields")
    async with work.transaction() as session:
        data.category = await directory.canonical_category(session, data.category)
        duplicate = await directory.find_same(
            session, data.name, data.address, exclude_id=resource_id
        )
        if duplicate is not None:
            return Stale(duplicate)
        if resource_id is None:
            resource = await directory.create(session, data)
            changed = list(data.values())
        else:
            existing = await directory.get(session, resource_id)
            if existing is None:
                return Gone("resource")
            resource = existing
            changed = directory.changed_fields(resource, data)
            directory.apply(resource, data)
        await audit.record(
            session,
            action,
            now=work.clock.now(),
            actor_id=actor.id,
            subject_type="resource",
            subject_id=resource.id,
            detail={"fields": changed},
        )
        return Saved(resource)


def invalid_fields(values: Mapping[str, str | None], *, benefit: bool) -> list[Problem]:
    """What is wrong with the editor's values (empty when they would save)."""
    return directory.clean(values, benefit=benefit)[1]
