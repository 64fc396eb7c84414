"""Take the screenshots of the main pages shown in the README (`make screenshots`).

Serves the demo network with gunicorn on a SQLite file of its own, then drives Debian's Chromium
through Playwright: public, member and secretariat pages, in English and Arabic, on a desktop
(1280 px) and a phone (375 px). The PNG files are written beside this script.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIZES = {"desktop": {"width": 1280, "height": 860}, "phone": {"width": 375, "height": 760}}
LANGUAGES = ("en", "ar")
DOCUMENT = "principles-for-collaboration"
# (file name, who, path): who is None for the public, else a demo account's e-mail and password.
MEMBER = ("karim@maghreb.example.org", "demo-member")
SECRETARIAT = ("secretariat@example.org", "demo-secretariat")
SHOTS = [
    ("public-home", None, "/"),
    ("public-principles", None, "/principles/"),
    ("member-draft", MEMBER, f"/documents/{DOCUMENT}"),
    ("member-amendments", MEMBER, f"/documents/{DOCUMENT}/amendments"),
    ("secretariat-home", SECRETARIAT, "/"),
    ("secretariat-moderation", SECRETARIAT, "/moderation/comments"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def demo_server():
    """Migrate a new SQLite file, load the demo and serve it; yield the base address."""
    folder = Path(tempfile.mkdtemp(prefix="principles-screenshots-"))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite'}",
        "SECRET_KEY": "screenshots",
        "SESSION_COOKIE_SECURE": "0",
        "TWO_FACTOR_REQUIRED_ROLES": "",
    }
    flask = [sys.executable, "-m", "flask", "--app", "principles_app"]
    subprocess.run([*flask, "db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*flask, "demo", "load"], env=env, check=True, cwd=ROOT, capture_output=True)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "principles_app:create_app()",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/principles/", timeout=2)
                break
            time.sleep(0.2)
        else:
            raise SystemExit("The demo server did not start.")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def sign_in(page: Page, base: str, account: tuple[str, str]) -> None:
    page.goto(base + "/sign-in")
    page.locator("#email").fill(account[0])
    page.locator("#password").fill(account[1])
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()


def choose_language(page: Page, language: str) -> None:
    """Switch the interface language with the header's form (public pages take ?lang=)."""
    if page.locator("#language-select").count():
        page.locator("#language-select").select_option(language)
        with page.expect_navigation():
            page.locator(".language-switch button").click()


def main() -> None:
    written = []
    with demo_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size_name, viewport in SIZES.items():
            for language in LANGUAGES:
                for name, account, path in SHOTS:
                    context = browser.new_context(viewport=viewport, locale=language)
                    page = context.new_page()
                    if account:
                        sign_in(page, base, account)
                    page.goto(base + path)
                    choose_language(page, language)
                    if path.startswith("/principles/"):
                        page.goto(f"{base}{path}?lang={language}")
                    target = HERE / f"{name}-{language}-{size_name}.png"
                    page.screenshot(path=str(target))
                    written.append(target.name)
                    context.close()
        browser.close()
    print(f"{len(written)} screenshots written to {HERE.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
