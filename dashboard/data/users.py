"""Accounts of the people who sign in (coordinators and admins). Passwords arrive here already hashed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dashboard.data.models import SignInFailure, User, UserSession

ROLES = ("coordinator", "admin")


class UserError(ValueError):
    """A user request that cannot be done, with a message that says why."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    password_hash: str


def _account(row) -> Account | None:
    return Account(row.id, row.username, row.role, row.password_hash) if row else None


def add_user(engine: Engine, username: str, password_hash: str, role: str) -> Account:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if not username or len(username) > 64 or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise UserError("username must be 1 to 64 letters, digits, dots, hyphens or underscores")
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(User).values(
                    username=username, password_hash=password_hash, role=role, created_at=dt.datetime.now(dt.UTC)
                )
            )
    except IntegrityError:
        raise UserError(f"a user named {username!r} already exists") from None
    account = user_by_name(engine, username)
    assert account is not None  # (just added)
    return account


def user_by_name(engine: Engine, username: str) -> Account | None:
    with engine.connect() as conn:
        return _account(conn.execute(select(User).where(User.username == username)).first())


def user_by_id(engine: Engine, user_id: int) -> Account | None:
    with engine.connect() as conn:
        return _account(conn.execute(select(User).where(User.id == user_id)).first())


def list_users(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        return [a for r in conn.execute(select(User).order_by(User.username)) if (a := _account(r)) is not None]


def set_password(engine: Engine, username: str, password_hash: str) -> None:
    """A new password, which ends every session the user has (a copied cookie stops working with the old one)."""
    with engine.begin() as conn:
        user_id = conn.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            raise UserError(f"no user named {username!r}")
        conn.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))
        conn.execute(delete(UserSession).where(UserSession.user_id == user_id))


def remove_user(engine: Engine, username: str) -> None:
    with engine.begin() as conn:
        user_id = conn.scalar(select(User.id).where(User.username == username))
        if user_id is None:
            raise UserError(f"no user named {username!r}")
        conn.execute(delete(UserSession).where(UserSession.user_id == user_id))
        conn.execute(delete(User).where(User.id == user_id))


# -- sessions --------------------------------------------------------------------------------------------------------


def add_session(engine: Engine, user_id: int, session_id: str, expires_at: dt.datetime) -> None:
    """Remember a signed-in session (`session_id`: a hash of the cookie's token), and forget expired ones."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(delete(UserSession).where(UserSession.expires_at < now))
        conn.execute(insert(UserSession).values(id=session_id, user_id=user_id, created_at=now, expires_at=expires_at))


def session_account(engine: Engine, session_id: str) -> Account | None:
    """The account of a session that has not ended or expired; None for any other."""
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as conn:
        row = conn.execute(
            select(User)
            .join(UserSession, UserSession.user_id == User.id)
            .where(UserSession.id == session_id, UserSession.expires_at > now)
        ).first()
    return _account(row)


def end_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as conn:
        conn.execute(delete(UserSession).where(UserSession.id == session_id))


# -- failed sign-ins -------------------------------------------------------------------------------------------------


def failures_since(engine: Engine, keys: tuple[str, ...], since: dt.datetime) -> int:
    """The most failed sign-ins recorded for any one of `keys` since `since`."""
    with engine.connect() as conn:
        counts = conn.execute(
            select(func.count())
            .select_from(SignInFailure)
            .where(SignInFailure.key.in_(keys), SignInFailure.at > since)
            .group_by(SignInFailure.key)
        ).scalars()
        return max(counts, default=0)


def record_failure(engine: Engine, keys: tuple[str, ...], forget_before: dt.datetime) -> None:
    """A failed sign-in for each of `keys` (an address, a username); failures older than `forget_before` go."""
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(delete(SignInFailure).where(SignInFailure.at <= forget_before))
        conn.execute(insert(SignInFailure), [{"key": key[:160], "at": now} for key in keys])


def clear_failures(engine: Engine, keys: tuple[str, ...]) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SignInFailure).where(SignInFailure.key.in_(keys)))
