"""Command line: ``python -m media_pipeline.core anonymise|render IN_DIR OUT_DIR``,
``check-text FILE`` and ``find-text IN_FILE``.

``anonymise`` treats every file under IN_DIR as one case (one UID and date mapping), writes
accepted files to OUT_DIR at the same relative path (zip members under the zip's name without
``.zip``), quarantined ones to ``--quarantine`` (or rejects them when it is not given), and
reports every input. ``render`` writes ``<name>.thumbnail.webp``, ``<name>.preview.webp`` and,
for multi-frame images, ``<name>.frames/NNNN.webp``. Both exit 0 when every input got an
outcome and 2 on an internal error. Messages never include values read from the inputs.

``check-text`` reads UTF-8 text from FILE (``-`` for standard input) and prints a JSON list of
likely identifiers, each ``{"kind", "start", "end", "text"}`` (offsets in characters); it exits
1 when there is a finding, 0 when there is none, 2 when the input cannot be read.

``find-text`` reads burned-in text in a DICOM file (every frame, or 24 evenly spaced frames
of a longer clip) or a photo, and prints a JSON list of boxes ``{"frame", "x", "y", "width",
"height", "text", "confidence"}`` in pixels of the image as displayed; it exits 1 when text
is found, 0 when none, 2 when the file cannot be read or OCR is not available here.
"""

import argparse
import hashlib
import hmac
import json
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

from media_pipeline.core.archive import DistinctNames
from media_pipeline.core.dicom.anonymise import MAX_SHIFT_DAYS, MIN_SHIFT_DAYS, CaseContext
from media_pipeline.core.dicom.validate import read_dicom
from media_pipeline.core.errors import MediaRejected
from media_pipeline.core.pipeline import (
    QUARANTINED,
    REJECTED,
    Outcome,
    check_pixels,
    is_photo_name,
    process_file,
    process_zip,
)

NO_QUARANTINE = "; no quarantine directory was given"


def case_context_from_key(key: bytes) -> CaseContext:
    """A case context whose pseudonym and date shift are derived from ``key``."""
    digest = hmac.new(key, b"casebook case", hashlib.sha256).digest()
    pseudonym = "CASE-" + digest[:6].hex().upper()
    span = MAX_SHIFT_DAYS - MIN_SHIFT_DAYS + 1
    shift = MIN_SHIFT_DAYS + int.from_bytes(digest[6:10], "big") % span
    return CaseContext(key=key, date_shift_days=-shift, pseudonym=pseudonym)


def input_files(root: Path) -> Iterator[tuple[str, Path]]:
    """Every regular file under ``root`` as (relative POSIX path, path), in sorted order."""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def anonymise_tree(
    in_dir: Path, out_dir: Path, quarantine: Path | None, ctx: CaseContext
) -> list[dict]:
    """Process every file under ``in_dir`` as one case; return the report entries."""
    report = []
    # One namespace per run: "a/x.dcm" in the folder and member "x.dcm" of "a.zip", or "x.heic"
    # (written as "x.jpg") next to "x.jpg", must not land on one output path.
    names = DistinctNames()
    for name, path in input_files(in_dir):
        if name.lower().endswith(".zip"):
            outcomes = process_zip(name, str(path), ctx)
        else:
            outcomes = [process_file(name, path.read_bytes(), ctx)]
        for outcome in outcomes:
            report.append(_settle(check_pixels(outcome), out_dir, quarantine, names))
    return report


def _settle(outcome: Outcome, out_dir: Path, quarantine: Path | None, names: DistinctNames) -> dict:
    status, reason, output = outcome.outcome, outcome.reason, outcome.output_name
    if status == QUARANTINED and quarantine is None:
        status, reason, output = REJECTED, f"{reason}{NO_QUARANTINE}", None
    if output is not None:
        output = names.claim(output)
        target = (quarantine if status == QUARANTINED else out_dir) / output
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(outcome.data)
    return _entry(outcome.input_name, status, reason, output)


def _entry(name: str, outcome: str, reason: str | None, output: str | None) -> dict:
    return {"input": name, "outcome": outcome, "reason": reason, "output": output}


def render_tree(in_dir: Path, out_dir: Path) -> list[dict]:
    """Render every image under ``in_dir``; return report entries (outcome rendered/rejected)."""
    from media_pipeline.core.render import render_dicom, render_photo

    report = []
    for name, path in input_files(in_dir):
        try:
            if is_photo_name(name):
                rendered = render_photo(path.read_bytes())
            else:
                rendered = render_dicom(read_dicom(path))
        except MediaRejected as exc:
            report.append(
                {"input": name, "outcome": REJECTED, "reason": exc.reason, "output": None}
            )
            continue
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        Path(f"{target}.thumbnail.webp").write_bytes(rendered.thumbnail)
        Path(f"{target}.preview.webp").write_bytes(rendered.preview)
        if len(rendered.frames) > 1:
            frames_dir = Path(f"{target}.frames")
            frames_dir.mkdir(exist_ok=True)
            for index, frame in enumerate(rendered.frames, start=1):
                (frames_dir / f"{index:04d}.webp").write_bytes(frame)
        report.append(_entry(name, "rendered", None, name))
    return report


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m media_pipeline.core")
    verbs = parser.add_subparsers(dest="verb", required=True)
    anonymise = verbs.add_parser("anonymise", help="anonymise a case folder")
    anonymise.add_argument("in_dir", type=Path)
    anonymise.add_argument("out_dir", type=Path)
    anonymise.add_argument("--report", type=Path, help="write the JSON report here")
    anonymise.add_argument("--quarantine", type=Path, help="folder for files needing review")
    render = verbs.add_parser("render", help="render thumbnails, previews and frames")
    render.add_argument("in_dir", type=Path)
    render.add_argument("out_dir", type=Path)
    render.add_argument("--report", type=Path, help="write the JSON report here")
    check = verbs.add_parser("check-text", help="find likely identifiers in text")
    check.add_argument("file", help="a UTF-8 text file, or - for standard input")
    find = verbs.add_parser("find-text", help="find burned-in text in an image")
    find.add_argument("file", type=Path, help="a DICOM file or a photo")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    args = build_parser().parse_args(argv)
    if args.verb == "check-text":
        return check_text(args.file)
    if args.verb == "find-text":
        return find_text(args.file)
    if not args.in_dir.is_dir():
        sys.stderr.write(f"error: {args.in_dir} is not a directory\n")
        return 2
    try:
        if args.verb == "anonymise":
            ctx = case_context_from_key(secrets.token_bytes(32))
            report = anonymise_tree(args.in_dir, args.out_dir, args.quarantine, ctx)
        else:
            report = render_tree(args.in_dir, args.out_dir)
    except Exception as exc:
        # Only the exception type: its message could quote input values.
        sys.stderr.write(f"internal error: {type(exc).__name__}\n")
        return 2
    text = json.dumps(report, indent=2)
    if args.report:
        args.report.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


def check_text(source: str) -> int:
    """Print the findings in ``source`` (a path or ``-``) as JSON; 1 if any, 0 if none."""
    from media_pipeline.core.privacy.text import find_identifiers

    try:
        data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        sys.stderr.write(f"error: cannot read {source}: {exc.strerror or type(exc).__name__}\n")
        return 2
    except UnicodeDecodeError as exc:
        sys.stderr.write(f"error: {source} is not UTF-8 text (byte {exc.start})\n")
        return 2
    findings = [finding.as_dict() for finding in find_identifiers(text)]
    sys.stdout.write(json.dumps(findings, ensure_ascii=False, indent=2) + "\n")
    return 1 if findings else 0


def find_text(path: Path) -> int:
    """Print the text boxes OCR finds in the image at ``path``; 1 if any, 0 if none."""
    from media_pipeline.core.photos import load_photo
    from media_pipeline.core.privacy.scan import scan_dataset, scan_image

    try:
        data = path.read_bytes()
        if is_photo_name(path.name):
            image, _ = load_photo(data)
            import numpy as np

            result = scan_image(np.asarray(image.convert("RGB")))
        else:
            result = scan_dataset(read_dicom(data), at_risk=True)
    except OSError as exc:
        sys.stderr.write(f"error: cannot read {path}: {exc.strerror or type(exc).__name__}\n")
        return 2
    except MediaRejected as exc:
        sys.stderr.write(f"error: {path}: {exc.reason}\n")
        return 2
    if result.problem or result.failed:
        sys.stderr.write(f"error: {result.note()}\n")
        return 2
    if result.frames_read < result.frame_count:
        sys.stderr.write(f"note: {result.note()}\n")
    boxes = [box.as_dict() for box in result.boxes]
    sys.stdout.write(json.dumps(boxes, ensure_ascii=False, indent=2) + "\n")
    return 1 if boxes else 0
