"""Regenerate the screenshots in docs/screenshots: every page, as the public and as a coordinator, at the widths the
product is built for (a projector at 1920x1080 and 1024x768, a laptop at 1366x900, a phone at 390x844), in headless
Chromium on the synthetic demo data.

    .venv/bin/python scripts/screenshots.py            # a fresh demo database in a temporary folder
    .venv/bin/python scripts/screenshots.py --url http://127.0.0.1:8050 --user carol --password ...
    .venv/bin/python scripts/screenshots.py --languages ar,ckb   # each page in Arabic and Kurdish (name-ar-1366.png)

Needs Chromium and its driver (apt-get install chromium chromium-driver). Look at the pictures after a change: they
are what a WHO representative would put on a projector.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (path, name, widths); "@" signs in first
PAGES = [
    ("/", "overview", ("1366x900", "390x844")),
    ("/trends", "trends", ("1366x900", "390x844")),
    ("/briefing?screen=figures", "briefing-figures", ("1920x1080", "1024x768", "390x844")),
    ("/briefing?screen=map", "briefing-map", ("1920x1080", "1024x768")),
    ("/briefing?screen=trends", "briefing-trends", ("1920x1080", "1024x768")),
    ("@/coordinator", "coordinator", ("1366x900",)),
    ("@/coordinator/data", "data", ("1366x900",)),
]
PASSWORD = "screenshots-only-password"


def _demo_server(folder: Path) -> tuple[str, str, str]:
    """The app on a new SQLite database with the demo data and a coordinator, served on a free local port."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # (not a line per request)

    from app import create_app
    from dashboard.config import Settings
    from dashboard.data import users
    from dashboard.server import auth

    settings = Settings.from_env(
        database_url=f"sqlite:///{folder / 'screens.db'}", secret_key="screenshots", load_demo=True
    )
    app = create_app(settings)
    users.add_user(app.server.config["MMC_ENGINE"], "carol", auth.hash_password(PASSWORD), "coordinator")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", "carol", PASSWORD


def _in(path: str, language: str) -> str:
    if language == "en":
        return path
    return path + ("&" if "?" in path else "?") + f"lang={language}"


def take(url: str, user: str, password: str, out: Path, wait: float, language: str = "en") -> list[Path]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options)
    written = []
    try:
        signed_in = False
        for path, name, sizes in PAGES:
            if path.startswith("@") and not signed_in:
                driver.get(url + _in("/login", language))
                time.sleep(wait / 2)
                driver.find_element("id", "login-username").send_keys(user)
                driver.find_element("id", "login-password").send_keys(password)
                driver.find_element("id", "login-submit").click()
                time.sleep(wait / 2)
                signed_in = True
            for size in sizes:
                width, height = (int(v) for v in size.split("x"))
                driver.set_window_size(width, height)
                driver.get(url + _in(path.lstrip("@"), language))
                time.sleep(wait)
                # the window's inner size is the screen's: set it so (the browser's frame takes some of the window)
                inner = driver.execute_script("return [innerWidth, innerHeight]")
                driver.set_window_size(width + (width - inner[0]), height + (height - inner[1]))
                time.sleep(1)
                target = out / (f"{name}-{width}.png" if language == "en" else f"{name}-{language}-{width}.png")
                driver.save_screenshot(str(target))
                written.append(target)
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    finally:
        driver.quit()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running app (default: start one on fresh demo data)")
    parser.add_argument("--user", default="carol")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--wait", type=float, default=6.0, help="seconds for a page to draw")
    parser.add_argument("--languages", default="en", help="languages to take, e.g. en,ar,ckb (default: en)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        url, user, password = (args.url, args.user, args.password) if args.url else _demo_server(Path(folder))
        for language in args.languages.split(","):
            take(url, user, password, out, args.wait, language.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
