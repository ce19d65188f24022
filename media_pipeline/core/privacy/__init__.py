"""Identifiers that no metadata profile sees: in free text, burned into pixels, and faces.

Part of the Django-free media core (the import test in ``tests/media_pipeline/core`` covers
it), because the same checks serve the site, the worker and the command line
(``python -m media_pipeline.core check-text|find-text``). ``text`` needs only the standard
library plus ``phonenumbers`` and ``python-stdnum``; ``ocr`` and ``faces`` load Tesseract and
OpenCV lazily, so a process that only checks text never pays for them.
"""
