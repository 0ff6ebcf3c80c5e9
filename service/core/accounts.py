"""Organisations and their API keys.

A key is shown once, when created; the database keeps only its SHA-256 (keys are 256-bit random
tokens, so a fast hash is enough: there is nothing to brute-force).

Whether a request needs a key is decided by :func:`auth_required` at every request, from the
settings, the bind address and whether a key was *ever* issued: revoking every key never turns
a shared server back into an open one. A single-user server (loopback, no key ever issued)
gives every request to the built-in organisation ``local``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.core.settings import Settings
from service.core.store import ApiKey, Organisation, utcnow

KEY_PREFIX = "rg_"
LOCAL_ORG_NAME = "local"


@dataclass(frozen=True)
class NewKey:
    org_name: str
    key: str  # the secret itself: print it once, it cannot be recovered
    prefix: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def get_or_create_org(session: Session, name: str) -> Organisation:
    query = select(Organisation).where(Organisation.name == name)
    org = session.scalar(query)
    if org is None:
        try:
            with session.begin_nested():  # two first requests at once: one insert wins
                org = Organisation(name=name)
                session.add(org)
        except IntegrityError:
            org = session.execute(query).scalar_one()  # the insert that won
    return org


def create_key(session: Session, org_name: str, label: str | None = None) -> NewKey:
    """Create a key for ``org_name`` (creating the organisation if new). Caller commits."""
    if not org_name.strip():
        raise ValueError("organisation name must not be empty")
    org = get_or_create_org(session, org_name.strip())
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    prefix = key[: len(KEY_PREFIX) + 6]
    session.add(ApiKey(org_id=org.id, key_sha256=hash_key(key), prefix=prefix, label=label))
    session.flush()
    return NewKey(org_name=org.name, key=key, prefix=prefix)


def revoke_key(session: Session, prefix: str) -> int:
    """Revoke every active key starting with ``prefix``; returns how many. Caller commits."""
    keys = session.scalars(
        select(ApiKey).where(ApiKey.prefix == prefix, ApiKey.revoked_at.is_(None))
    ).all()
    for k in keys:
        k.revoked_at = utcnow()
    return len(keys)


def list_keys(session: Session) -> list[tuple[str, str, str | None, bool]]:
    """(organisation, prefix, label, active) for every key."""
    rows = session.execute(
        select(Organisation.name, ApiKey.prefix, ApiKey.label, ApiKey.revoked_at)
        .join(ApiKey, ApiKey.org_id == Organisation.id)
        .order_by(Organisation.name, ApiKey.id)
    ).all()
    return [(name, prefix, label, revoked is None) for name, prefix, label, revoked in rows]


def keys_configured(session: Session) -> bool:
    """True once any active key exists: from then on every request must carry one."""
    return bool(session.scalar(select(exists().where(ApiKey.revoked_at.is_(None)))))


def keys_ever_issued(session: Session) -> bool:
    """True once any key was created, revoked or not."""
    return bool(session.scalar(select(exists().where(ApiKey.id.is_not(None)))))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def auth_required(settings: Settings, session: Session) -> bool:
    """Whether a request must carry a valid key: by configuration, bind address and key
    history, never by whether an active key happens to exist right now."""
    if settings.require_api_key is not None:
        return settings.require_api_key or not is_loopback(settings.host)
    return not is_loopback(settings.host) or keys_ever_issued(session)


def active_key(session: Session, key: str) -> ApiKey | None:
    """The active key row for the secret ``key`` (its organisation loaded), else None."""
    return session.scalar(
        select(ApiKey).where(ApiKey.key_sha256 == hash_key(key), ApiKey.revoked_at.is_(None))
    )


def org_for_key(session: Session, key: str) -> Organisation | None:
    """The organisation owning an active ``key``, else None."""
    row = active_key(session, key)
    return row.organisation if row is not None else None
