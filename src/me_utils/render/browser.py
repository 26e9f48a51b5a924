"""Open report pages in a real headless Chromium (Playwright) and check them offline.

For each page: console errors and uncaught page errors, every request that is not a
``file:`` or ``data:`` URL (such requests are also aborted, so nothing leaves the machine
while checking), images that did not decode (``naturalWidth == 0``), and a full-page
screenshot for review. Used by the real-browser test and usable by hand::

    python -m me_utils.render.browser reports/index.html reports/vi/SL/*.html
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from me_utils.render.pdf import find_chromium

LOCAL_SCHEMES = ("file:", "data:", "about:", "blob:")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class PageCheck:
    """What one page did: ``console_errors``, ``page_errors``, ``external_requests`` (URLs),
    ``broken_images`` (src of images with naturalWidth 0), ``images`` (count), ``links``
    (local hrefs of ``<a>``), ``screenshot`` (path or None)."""

    path: str
    console_errors: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    external_requests: list = field(default_factory=list)
    broken_images: list = field(default_factory=list)
    images: int = 0
    links: list = field(default_factory=list)
    screenshot: str | None = None

    @property
    def ok(self) -> bool:
        return not (self.console_errors or self.page_errors or self.external_requests or self.broken_images)


def _listen(page, chk: PageCheck) -> None:
    # Playwright passes as many arguments as a handler accepts, so handlers take exactly one
    # and close over ``chk`` (no default-argument trick).
    def on_route(route):
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            if url not in chk.external_requests:
                chk.external_requests.append(url)
            route.abort()

    def on_request(request):
        if not request.url.startswith(LOCAL_SCHEMES) and request.url not in chk.external_requests:
            chk.external_requests.append(request.url)

    def on_console(msg):
        if msg.type == "error":
            chk.console_errors.append(msg.text)

    def on_pageerror(err):
        chk.page_errors.append(str(err))

    page.route("**/*", on_route)
    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", on_pageerror)


def check_pages(pages, screenshot_dir=None, executable_path: str | None = None) -> list[PageCheck]:
    """Open each local HTML file in ``pages`` from ``file://`` and return one
    :class:`PageCheck` per page; screenshots go to ``screenshot_dir`` when given."""
    from playwright.sync_api import sync_playwright

    exe = executable_path or find_chromium()
    results = []
    shots = Path(screenshot_dir) if screenshot_dir else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="me-pw-"):
        browser = pw.chromium.launch(executable_path=exe, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 900})
            for page_path in pages:
                page_path = Path(page_path).resolve()
                chk = PageCheck(str(page_path))
                page = context.new_page()

                _listen(page, chk)
                page.goto(page_path.as_uri(), wait_until="load")
                # Images decode asynchronously; wait until each one has either loaded or failed.
                page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=15000)
                imgs = page.evaluate(
                    "Array.from(document.images).map(i => [i.currentSrc.slice(0, 80), i.naturalWidth])"
                )
                chk.images = len(imgs)
                chk.broken_images = [src for src, w in imgs if not w]
                chk.links = page.evaluate(
                    "Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))"
                )
                if shots:
                    name = f"{len(results):02d}_" + "_".join(page_path.parts[-3:]).replace(".html", ".png")
                    target = shots / name
                    page.screenshot(path=str(target), full_page=True)
                    chk.screenshot = str(target)
                page.close()
                results.append(chk)
        finally:
            browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    bad = 0
    for c in check_pages(argv, screenshot_dir="tests/artifacts"):
        status = "ok" if c.ok else "PROBLEM"
        print(
            f"{status:8} {c.path}: images {c.images}, console {c.console_errors}, page {c.page_errors}, "
            f"external {c.external_requests}, broken {c.broken_images}"
        )
        bad += not c.ok
    return 1 if bad else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
