"""Entry point for ``python -m media_pipeline.core``; see ``cli.py``."""

import sys

from media_pipeline.core.cli import main

sys.exit(main())
