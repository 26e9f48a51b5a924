"""PDF of a report page through headless Chromium's print (``me report --pdf``).

nbconvert's ``webpdf`` cannot be pointed at the system browser and would try to download
one, so the HTML is printed with Debian's ``chromium`` directly: headless, no network
services, a throw-away profile, no header/footer added by the browser. The PDF is written
aside and renamed, like every report output.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from me_utils.core.atomic import atomic_path

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
)


def find_chromium() -> str:
    """Path of the Chromium executable (env ``ME_CHROMIUM`` first); raises FileNotFoundError."""
    env = os.environ.get("ME_CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in CHROMIUM_CANDIDATES:
        p = shutil.which(name)
        if p:
            return p
    raise FileNotFoundError("no Chromium found (install Debian's `chromium`: make browser)")


def print_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike, timeout: int = 120) -> Path:
    """Print the local page ``html_path`` to ``pdf_path`` (A4 per the page CSS); return it.

    Raises RuntimeError when Chromium fails or writes no PDF.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="me-chromium-") as profile:
        with atomic_path(pdf_path) as tmp:
            cmd = [
                find_chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={tmp}",
                html_path.as_uri(),
            ]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            data = Path(tmp).read_bytes()
            if proc.returncode != 0 or not data.startswith(b"%PDF"):
                raise RuntimeError(f"chromium print failed (exit {proc.returncode}): {proc.stderr[-300:]}")
    return pdf_path
