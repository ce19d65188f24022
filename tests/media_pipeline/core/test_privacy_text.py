"""The text identifier checker: each kind it finds, the look-alikes it leaves, hostile input,
and the ``check-text`` command."""

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from media_pipeline.core.privacy.text import KIND_LABELS, find_identifiers

REPO = Path(__file__).resolve().parents[3]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in find_identifiers(text)]


def test_the_issue_example_finds_all_three():
    text = "seen on 03/03/2024, NHS 943 476 5919, Mrs Jones"
    assert kinds(text) == [
        ("date", "03/03/2024"),
        ("nhs_number", "943 476 5919"),
        ("name", "Mrs Jones"),
    ]
    for finding in find_identifiers(text):
        assert text[finding.start : finding.end] == finding.text


@pytest.mark.parametrize(
    ("text", "kind", "found"),
    [
        ("Seen on 3rd March 2024 with pain.", "date", "3rd March 2024"),
        ("Seen 03/03/24 in clinic.", "date", "03/03/24"),
        ("Scan 2024-03-03 showed it.", "date", "2024-03-03"),
        ("Admitted March 3rd, 2024.", "date", "March 3rd, 2024"),
        ("Arrived at 14:30 on 3 March by ambulance.", "date", "14:30 on 3 March"),
        ("Arrived 2024-03-03T14:30 by ambulance.", "date", "2024-03-03T14:30"),
        ("A 94-year-old woman fell.", "age", "94-year-old"),
        ("She is aged 101 and well.", "age", "aged 101"),
        ("NHS number 9434765919 checked.", "nhs_number", "9434765919"),
        ("CHI 0101011234 on the form.", "chi_number", "0101011234"),
        ("SSN 123-45-6789 on file.", "ssn", "123-45-6789"),
        ("Medicare 1EG4-TE5-MK73 checked.", "medicare", "1EG4-TE5-MK73"),
        ("MRN: 12345678, transferred.", "record_number", "12345678"),
        ("Hospital number K1234567 on the notes.", "record_number", "K1234567"),
        ("Call 020 7946 0958 for results.", "phone", "020 7946 0958"),
        ("Mail jo.bloggs@example.com today.", "email", "jo.bloggs@example.com"),
        ("See www.example.org/jo for photos.", "url", "www.example.org/jo"),
        ("Lives in SW1A 1AA alone.", "postcode", "SW1A 1AA"),
        ("Lives in Boston, MA 02115 now.", "zip_code", "02115"),
        ("Lives at 12 Acacia Avenue with family.", "address", "12 Acacia Avenue"),
        ("Discussed with Dr Smith today.", "name", "Dr Smith"),
        ("The patient, Mary Thornton, was admitted.", "name", "Mary Thornton"),
    ],
)
def test_each_kind(text, kind, found):
    assert (kind, found) in kinds(text)
    assert kind in KIND_LABELS


@pytest.mark.parametrize(
    "text",
    [
        "Infant aged 10/12; adrenaline 1:1000 0.5 mL IM.",
        "Staged T2N1M0; disc prolapse at C5/6 and L4/5.",
        "HbA1c 48, BP 120/80, GCS 14/15, Apgar 7/9/10.",
        "Parkinson disease, Crohn's disease and Murphy's sign.",
        "BRCA1, HER2 and EGFR; osimertinib 80 mg OD.",
        "Age band 80-89; a 67-year-old man.",
        "Viral load 1500000 copies/mL; platelets 250 x 10^9/L.",
        "Guideline https://www.nice.org.uk/guidance/ng185 followed.",
        "The patient presented; Patient Education leaflet given.",
        "it may 2 be",
    ],
)
def test_clinical_look_alikes_are_not_identifiers(text):
    assert kinds(text) == []


def test_an_invalid_check_digit_alone_is_not_an_nhs_number():
    assert "nhs_number" not in [kind for kind, _ in kinds("Batch 943 476 5918 of vaccine.")]
    # With the word NHS in front it is flagged anyway: a typo is still the patient's number.
    assert kinds("NHS no 943 476 5918.")[0][0] == "nhs_number"


def test_zero_width_and_bidi_characters_do_not_hide_a_number():
    hidden = "NHS 943\u200b476\u200d5919 and \u2066Mrs\u2069 Jones"
    findings = find_identifiers(hidden)
    assert [f.kind for f in findings] == ["nhs_number", "name"]
    # Offsets point into the text as given, invisible characters included.
    assert findings[0].text == "943\u200b476\u200d5919"
    assert hidden[findings[0].start : findings[0].end] == findings[0].text


def test_full_width_and_arabic_indic_digits_are_read_as_digits():
    assert kinds("NHS ９４３４７６５９１９")[0][0] == "nhs_number"
    assert kinds("seen on ٠٣/٠٣/٢٠٢٤")[0][0] == "date"


def test_text_of_100000_characters_is_checked_quickly_and_whole():
    sentence = "Troponin 48 ng/L; BP 120/80; GCS 15/15; reviewed on the ward. "
    text = sentence * (100_000 // len(sentence)) + "Mrs Jones"
    began = time.process_time()
    findings = find_identifiers(text)
    elapsed = time.process_time() - began
    assert [f.kind for f in findings] == ["name"]
    assert findings[0].end == len(text)
    assert elapsed < 2.0  # about 0.1 s; the bound only catches runaway backtracking


def test_text_that_is_all_digits_is_one_long_number():
    findings = find_identifiers("7" * 5000)
    assert [(f.kind, f.start, f.end) for f in findings] == [("long_number", 0, 5000)]


def test_empty_text_has_no_findings():
    assert find_identifiers("") == []


def run_cli(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - a fixed command line
        [sys.executable, "-m", "media_pipeline.core", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        check=False,
    )


def test_check_text_command_prints_findings_and_exits_1(tmp_path):
    source = tmp_path / "case.txt"
    source.write_text("seen on 03/03/2024, NHS 943 476 5919, Mrs Jones", encoding="utf-8")
    completed = run_cli("check-text", str(source))
    assert completed.returncode == 1, completed.stderr
    findings = json.loads(completed.stdout)
    assert [f["kind"] for f in findings] == ["date", "nhs_number", "name"]
    assert set(findings[0]) == {"kind", "start", "end", "text"}


def test_check_text_from_standard_input_exits_0_when_clean():
    completed = run_cli("check-text", "-", stdin=b"BP 120/80, GCS 14/15.")
    assert completed.returncode == 0
    assert json.loads(completed.stdout) == []


def test_check_text_refuses_what_it_cannot_read(tmp_path):
    missing = run_cli("check-text", str(tmp_path / "nowhere.txt"))
    assert missing.returncode == 2
    assert b"cannot read" in missing.stderr
    binary = tmp_path / "scan.bin"
    binary.write_bytes(b"\xff\xfe\x00\x81 not text")
    refused = run_cli("check-text", str(binary))
    assert refused.returncode == 2
    assert b"not UTF-8" in refused.stderr
