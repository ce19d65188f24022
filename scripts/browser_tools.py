#!/usr/bin/env python3
"""Install what the browser tests need, where it is missing: Debian's Chromium and the npm
packages (axe-core).

    python3 scripts/browser_tools.py [--optional]

Chromium comes from Debian's package (apt-get, as root), never from a test tool's own
download. The npm packages come from `npm ci` with the lockfile. Without root or npm this
fails, or with --optional says why and exits 0 (the browser tests then skip locally; CI,
with CASEBOOK_REQUIRE_SERVICES=1, counts such a skip as a failure). Standard library only.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from casebook_services.common import ROOT, ServiceError, apt_install

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def ensure_chromium() -> str:
    if CHROMIUM.exists():
        return f"chromium       {CHROMIUM}"
    apt_install("chromium")
    if not CHROMIUM.exists():
        raise ServiceError(f"the chromium package did not install {CHROMIUM}")
    return f"chromium       installed {CHROMIUM}"


def ensure_npm_packages() -> str:
    if AXE.exists():
        return f"npm packages   {AXE.parent.parent}"
    npm = shutil.which("npm")
    if npm is None:
        raise ServiceError("npm is missing: install Node.js and npm")
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, capture_output=True, text=True
    )
    if result.returncode != 0 or not AXE.exists():
        raise ServiceError(f"npm ci failed: {result.stderr.strip()[-400:]}")
    return "npm packages   installed with npm ci"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optional", action="store_true", help="report a failure, exit 0")
    options = parser.parse_args()
    failed = False
    for step in (ensure_chromium, ensure_npm_packages):
        try:
            sys.stdout.write(step() + "\n")
        except ServiceError as error:
            verdict = "skipped (--optional), failed" if options.optional else "FAILED"
            sys.stderr.write(f"{step.__name__}: {verdict}: {error}\n")
            failed = failed or not options.optional
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
