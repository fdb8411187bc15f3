"""Command line: python -m dashboard {init-db,demo} ... (python -m dashboard --help)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from dashboard.config import Settings


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date as YYYY-MM-DD: {value!r}") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m dashboard",
        description="Mobile Medical Clinics dashboard: "
        "database, data and user commands. The database is DATABASE_URL (default: data/mmc.db).",
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("init-db", help="create the schema, or upgrade an existing database to the newest one")
    d = sub.add_parser("demo", help="load the synthetic demo data (replaces earlier demo data)")
    d.add_argument("--seed", type=int, default=2016, help="random seed; the same seed gives the same data")
    d.add_argument(
        "--scale",
        choices=["programme", "large"],
        default="programme",
        help="programme: 27 MMCs, 30 ambulances, 31 sites; large: a benchmark set (see --camps, --units)",
    )
    d.add_argument("--camps", type=int, default=10_000, help="sites in the large set (default 10,000)")
    d.add_argument("--units", type=int, default=1_000, help="units in the large set (default 1,000)")
    d.add_argument("--start", type=_date, default=dt.date(2016, 1, 1), help="first day (default 2016-01-01)")
    d.add_argument("--end", type=_date, default=dt.date(2018, 12, 31), help="last day (default 2018-12-31)")
    u = sub.add_parser("users", help="accounts of coordinators and admins")
    users_sub = u.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user; the password is asked for without echo")
    add.add_argument("name")
    add.add_argument("--role", choices=["coordinator", "admin"], required=True)
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    pw = users_sub.add_parser("set-password", help="change a user's password")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users_sub.add_parser("list", help="list the users and their roles")
    rm = users_sub.add_parser("remove", help="remove a user (signs them out)")
    rm.add_argument("name")
    return p


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("Again: ") != first:
        raise ValueError("the two passwords differ")
    return first


def _users(engine, args) -> None:
    from dashboard.auth import hash_password
    from dashboard.store import users

    if args.users_command == "add":
        account = users.add_user(engine, args.name, hash_password(_read_password(args.password_stdin)), args.role)
        print(f"User {account.username} added as {account.role}.")
    elif args.users_command == "set-password":
        users.set_password(engine, args.name, hash_password(_read_password(args.password_stdin)))
        print(f"Password of {args.name} changed.")
    elif args.users_command == "list":
        for account in users.list_users(engine):
            print(f"{account.username}\t{account.role}")
    elif args.users_command == "remove":
        users.remove_user(engine, args.name)
        print(f"User {args.name} removed.")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from dashboard import demo
    from dashboard.store import access, schema

    try:
        settings = Settings.from_env()
        engine = schema.make_engine(settings.database_url)
        schema.upgrade(engine)
        access.ensure_reference(engine)
        if args.command == "init-db":
            print(f"Database ready at the newest schema: {engine.url.render_as_string(hide_password=True)}")
        elif args.command == "users":
            _users(engine, args)
        elif args.command == "demo":
            started = time.monotonic()
            dataset = demo.generate(
                seed=args.seed, scale=args.scale, start=args.start, end=args.end, n_camps=args.camps, n_units=args.units
            )

            def progress(n: int) -> None:
                print(f"\r  {n:,} records loaded", end="", file=sys.stderr, flush=True)

            summary = access.load_dataset(engine, dataset, progress=progress)
            print(file=sys.stderr)
            print(
                f"Demo data loaded: {summary.camps} sites, {summary.clinics} units, {summary.records:,} records "
                f"in {time.monotonic() - started:.0f} s."
            )
    except Exception as exc:  # a plain message and a non-zero exit, never a traceback, for a user's mistake
        message = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        print(f"error: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
