#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    from django.core.management import execute_from_command_line

    from cms.env import SettingError

    try:
        execute_from_command_line(sys.argv)
    except SettingError as error:  # a bad environment variable: one line, no traceback
        sys.stderr.write(f"Configuration error: {error}\n")
        sys.exit(2)
