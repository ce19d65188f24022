"""Java services: choosing an installed JDK, fetching artifacts with Maven into the cache."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .common import CACHE, SCRIPTS, ServiceError, apt_install

MAVEN_DIR = SCRIPTS / "maven"
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"


def pick_version(
    versions: tuple[tuple[str, int, int | None], ...], jdks: dict[int, Path]
) -> tuple[str, Path]:
    """Return the first (version, java home) whose Java range an installed JDK satisfies,
    preferring the newest such JDK."""
    for version, minimum, maximum in versions:
        usable = [m for m in jdks if m >= minimum and (maximum is None or m <= maximum)]
        if usable:
            return version, jdks[max(usable)]
    wanted = ", ".join(f"{v} (Java {lo}-{hi or ''})" for v, lo, hi in versions)
    raise ServiceError(f"no installed JDK runs any of {wanted}")


def java_major(release_text: str) -> int | None:
    """Major Java version from a JDK's `release` file (JAVA_VERSION="17.0.15" -> 17)."""
    match = re.search(r'^JAVA_VERSION="(?:1\.)?(\d+)', release_text, re.MULTILINE)
    return int(match.group(1)) if match else None


def installed_jdks() -> dict[int, Path]:
    """Installed JDKs by major version: JAVA_HOME and every /usr/lib/jvm/* with a `release`."""
    homes = list(Path("/usr/lib/jvm").glob("*"))
    if os.environ.get("JAVA_HOME"):
        homes.insert(0, Path(os.environ["JAVA_HOME"]))
    jdks: dict[int, Path] = {}
    for home in homes:
        release = home / "release"
        if (home / "bin" / "java").exists() and release.exists():
            major = java_major(release.read_text(errors="replace"))
            if major:
                jdks.setdefault(major, home.resolve())
    return jdks


def maven(args: list[str], tmp: Path, log_name: str) -> None:
    """Run Maven in `tmp` with a throwaway local repository inside it: parallel downloads
    never share a repository, and the cache keeps only what the services run."""
    if not shutil.which("mvn"):
        apt_install("maven")
    cmd = ["mvn", "-B", "-q", f"-Dmaven.repo.local={tmp / 'm2'}", *args]
    result = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)  # noqa: S603
    shutil.rmtree(tmp / "m2", ignore_errors=True)
    (CACHE / "logs").mkdir(parents=True, exist_ok=True)
    log = CACHE / "logs" / f"{log_name}.log"
    log.write_text(result.stdout + result.stderr)
    if result.returncode:
        raise ServiceError(f"Maven could not fetch {log_name}", log)


def cached(name: str, fill: Callable[[Path], None]) -> Path:
    """CACHE/name, filled once by `fill(tmpdir)` and renamed into place, so a download that
    was interrupted never looks complete."""
    target = CACHE / name
    if not target.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=CACHE, prefix=f".{name}-"))
        try:
            fill(tmp)
            tmp.chmod(0o755)
            tmp.rename(target)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def maven_classpath(artifact: str, version: str) -> Path:
    """Cached directory of every runtime jar of scripts/maven/<artifact>/pom.xml at `version`."""
    pom = MAVEN_DIR / artifact / "pom.xml"
    goal = ["dependency:copy-dependencies", "-DincludeScope=runtime"]
    return cached(
        f"{artifact}-{version}",
        lambda tmp: maven(
            [
                "-f",
                str(pom),
                f"-D{artifact}.version={version}",
                *goal,
                f"-DoutputDirectory={tmp / 'lib'}",
            ],
            tmp,
            f"{artifact}-{version}",
        ),  # fmt: skip
    )


def unzip(archive: Path, dest: Path) -> None:
    """Extract keeping Unix permissions (zipfile drops them, and bin/ needs its exec bits)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            path = Path(zf.extract(info, dest))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                path.chmod(mode)
