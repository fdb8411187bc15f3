"""Accounts of the people who sign in (coordinators and admins). Passwords arrive here already hashed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from dashboard.store.models import User

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
    return user_by_name(engine, username)


def user_by_name(engine: Engine, username: str) -> Account | None:
    with engine.connect() as conn:
        return _account(conn.execute(select(User).where(User.username == username)).first())


def user_by_id(engine: Engine, user_id: int) -> Account | None:
    with engine.connect() as conn:
        return _account(conn.execute(select(User).where(User.id == user_id)).first())


def list_users(engine: Engine) -> list[Account]:
    with engine.connect() as conn:
        return [_account(r) for r in conn.execute(select(User).order_by(User.username))]


def set_password(engine: Engine, username: str, password_hash: str) -> None:
    with engine.begin() as conn:
        if (
            conn.execute(update(User).where(User.username == username).values(password_hash=password_hash)).rowcount
            == 0
        ):
            raise UserError(f"no user named {username!r}")


def remove_user(engine: Engine, username: str) -> None:
    with engine.begin() as conn:
        if conn.execute(delete(User).where(User.username == username)).rowcount == 0:
            raise UserError(f"no user named {username!r}")
