"""The media core must import and run without Django (workers and the CLI stay light)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CORE_MODULES = (
    "media_pipeline.core.cli",
    "media_pipeline.core.pipeline",
    "media_pipeline.core.archive",
    "media_pipeline.core.dicom.anonymise",
    "media_pipeline.core.dicom.validate",
    "media_pipeline.core.dicom.profile",
    "media_pipeline.core.dicom.uids",
    "media_pipeline.core.photos",
    "media_pipeline.core.render",
    "media_pipeline.core.privacy.text",
)
PROBE = (
    f"import sys, {', '.join(CORE_MODULES)}\n"
    "print(','.join(sorted(m for m in sys.modules if m.split('.')[0].startswith('django'))))\n"
)


def test_core_imports_no_django_module():
    completed = subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""
