"""Command line: python -m dashboard {init-db,worker,demo,import,export,imports,remove-demo,users} ... (--help)."""

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
    sub.add_parser(
        "init-db",
        help="create the schema or upgrade it to the newest, add the reference rows and, in an empty database, the "
        "demo data (unless LOAD_DEMO=false): the release step before app servers start on a new version",
    )
    w = sub.add_parser("worker", help="run the checks and loads of the data page's files, from the queue in REDIS_URL")
    w.add_argument("--burst", action="store_true", help="stop when the queue is empty")
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
    imp = sub.add_parser("import", help="check a file and load it (all rows or none); formats: README, data/templates")
    imp.add_argument("kind", choices=["camps", "clinics", "records", "weekly", "rota", "boundaries"])
    imp.add_argument("file", help="CSV (UTF-8, comma or semicolon) or XLSX; boundaries: GeoJSON, GeoPackage or .zip")
    imp.add_argument("--dry-run", action="store_true", help="check only: list the errors, write nothing")
    imp.add_argument("--user", default=None, help="who loads the file, for the import history (default: $USER)")
    exp = sub.add_parser("export", help="write the database's camps, clinics, records or rota in the import format")
    exp.add_argument("kind", choices=["camps", "clinics", "records", "rota"])
    exp.add_argument("file", help="a .csv or .xlsx file to write")
    sub.add_parser("imports", help="the import history: who loaded which file, when, and how many rows")
    sub.add_parser("remove-demo", help="delete the synthetic demo data (imported data is never touched)")
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
    from dashboard.data import users
    from dashboard.server.auth import hash_password

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


def _bar(phase: str, done: int, total: int) -> None:
    """A progress bar on a terminal's standard error: [#######.............]  35%  350,000 / 1,000,000 rows writing."""
    if not sys.stderr.isatty():
        return
    if total:
        filled = int(20 * done / total)
        text = f"[{'#' * filled}{'.' * (20 - filled)}] {100 * done // total:3d}%  {done:,} / {total:,} rows {phase}"
    else:
        text = f"{phase}..."
    end = "\n" if phase == "done" else ""
    print(f"\r{text:<70}", end=end, file=sys.stderr, flush=True)


def _import(engine, args, limit: int, first_day: int) -> int:
    import getpass
    from pathlib import Path

    from dashboard.ingest import pipeline

    path = Path(args.file)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if path.stat().st_size > limit:  # refused before it is read
        raise ValueError(f"{path.name}: {pipeline.too_large(path.stat().st_size, limit)}")
    user = args.user or f"{getpass.getuser()} (command line)"
    outcome = pipeline.run(
        engine,
        args.kind,
        path,  # (read from the disk a slice at a time: a large file is never held whole)
        path.name,
        user=user,
        dry_run=args.dry_run,
        progress=_bar,
        first_day=first_day,
    )
    for note in outcome.notes:
        print(note)
    report = pipeline.problems_text(outcome)
    if report:
        print(report)
    if not outcome.ok:
        print(f"{path.name}: nothing was loaded; correct the errors and load the file again.", file=sys.stderr)
        return 1
    if args.dry_run:
        print(f"{path.name}: {outcome.rows:,} rows, no errors (dry run: nothing written).")
    else:
        demo = " The demo data was removed." if outcome.removed_demo else ""
        rows = "row" if outcome.added == 1 else "rows"
        print(f"{path.name}: {outcome.added:,} {rows} added, {outcome.replaced:,} replaced.{demo}")
    return 0


def _export(engine, args) -> None:
    from pathlib import Path

    from dashboard.data import loading
    from dashboard.ingest import formats
    from dashboard.services import exports

    path = Path(args.file)
    rows = loading.export_rows(engine, args.kind)
    columns = formats.template_columns(args.kind)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(exports.to_xlsx(rows, columns, args.kind))
    else:
        with path.open("w", encoding="utf-8-sig", newline="") as out:  # (with the mark a spreadsheet needs)
            exports.write_csv(out, rows, columns)
    print(f"Wrote {path}.")


def _init_db(engine, settings: Settings) -> None:
    """(The schema and reference rows are done by main.) The demo data, once, into a database that never held any."""
    from dashboard.data import queries
    from dashboard.ingest import demo

    print(f"Database ready at the newest schema: {engine.url.render_as_string(hide_password=True)}")
    if settings.load_demo and not queries.ever_loaded(engine) and not queries.data_status(engine).has_data:
        summary = queries.load_dataset(engine, demo.generate())
        print(f"Empty database: synthetic demo data loaded ({summary.records:,} records; none with LOAD_DEMO=false).")


def _worker(engine, settings: Settings, burst: bool) -> int:
    """Take the data page's checks and loads from the queue (the app queues them there when REDIS_URL is set)."""
    import logging

    from dashboard.data import schema
    from dashboard.ingest import jobs
    from dashboard.ingest.boundaries import load_boundaries

    if not settings.redis_url:
        raise ValueError("the worker takes its jobs from Redis: set REDIS_URL (without it, the app runs them itself)")
    if not schema.is_current(engine):
        raise ValueError("the database's schema is not the newest: run `python -m dashboard init-db` first")
    load_boundaries(settings.boundaries_file or None)
    engine.dispose()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    print(f"Worker: taking checks and loads from {jobs.QUEUE} (stop with Ctrl-C).", file=sys.stderr)
    jobs.serve_worker(
        settings.database_url,
        settings.redis_url,
        max_bytes=settings.max_upload_mb * 2**20,
        first_day=settings.first_day,
        burst=burst,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from dashboard.data import queries, schema
    from dashboard.domain import aliases
    from dashboard.ingest import demo

    try:
        settings = Settings.from_env()
        aliases.configure(settings.aliases_file or None)
        engine = schema.make_engine(settings.database_url)
        if args.command == "worker":
            return _worker(engine, settings, args.burst)
        schema.upgrade(engine)
        queries.ensure_reference(engine)
        if args.command == "init-db":
            _init_db(engine, settings)
        elif args.command == "users":
            _users(engine, args)
        elif args.command == "import":
            return _import(engine, args, settings.max_upload_mb * 2**20, settings.first_day)
        elif args.command == "export":
            _export(engine, args)
        elif args.command == "imports":
            from dashboard.data import loading

            for b in loading.history(engine):
                print(
                    f"{b['created_at']:%Y-%m-%d %H:%M}\t{b['created_by']}\t{b['kind']}\t{b['status']}\t{b['source']}\t"
                    f"added {b['rows_added']}\treplaced {b['rows_replaced']}\trejected {b['rows_rejected']}\t"
                    f"{b['sha256'] or ''}" + (f"\t{b['note']}" if b["note"] else "")
                )
        elif args.command == "remove-demo":
            from dashboard.data import loading

            print("Demo data removed." if loading.remove_demo(engine) else "There is no demo data to remove.")
        elif args.command == "demo":
            started = time.monotonic()
            dataset = demo.generate(
                seed=args.seed, scale=args.scale, start=args.start, end=args.end, n_camps=args.camps, n_units=args.units
            )

            def progress(n: int) -> None:
                print(f"\r  {n:,} records loaded", end="", file=sys.stderr, flush=True)

            summary = queries.load_dataset(engine, dataset, progress=progress)
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
