"""Mobile Medical Clinics dashboard: `python app.py` serves it; gunicorn serves `app:server`."""

from __future__ import annotations

import sys

from dash import Dash

from dashboard.config import Settings


def create_app(settings: Settings | None = None, production: bool = False) -> Dash:
    """The Dash app for `settings` (by default, read from the environment); `production`: as gunicorn serves it
    (dashboard.factory.build says what that changes)."""
    from dashboard.factory import build

    return build(settings or Settings.from_env(), production=production)


def __getattr__(name: str):
    # `server` is built on first use, so importing this module loads nothing (gunicorn asks for app:server).
    if name == "server":
        try:
            globals()["server"] = create_app(production=True).server
        except Exception as exc:  # one line saying why, and gunicorn stops ("App failed to load", its exit code 4)
            print(f"error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
            raise SystemExit(4) from None
        return globals()["server"]
    raise AttributeError(name)


def main() -> int:
    try:
        settings = Settings.from_env()
        app = create_app(settings)
    except Exception as exc:  # a plain message for a bad setting, file or database, not a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
    return 0


if __name__ == "__main__":
    sys.exit(main())
