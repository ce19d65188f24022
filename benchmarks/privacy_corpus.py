"""Synthetic, labelled clinical snippets for the text-privacy benchmark (and its tests).

``planted(n)`` yields snippets that each carry identifiers of one kind at known spans;
``clean(n)`` yields snippets full of clinical look-alikes (doses, ratios, staging, lab values,
scores, eponyms, drug and gene names, age bands, reference web sites) and no identifier.
Everything is generated from a seed: no real person, number or address is used, and numbers
with check digits are made valid on purpose.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass

FIRST = [
    "Mary",
    "James",
    "Aisha",
    "Mohammed",
    "Olivia",
    "Jack",
    "Priya",
    "Rajesh",
    "Sofia",
    "Liam",
    "Chloe",
    "Oscar",
    "Hannah",
    "Daniel",
    "Fatima",
    "Wei",
    "Mei",
    "Lucas",
    "Grace",
    "Ahmed",
    "Emily",
    "George",
    "Isla",
    "Noah",
    "Zara",
    "Kwame",
    "Ewan",
    "Niamh",
    "Siobhan",
    "Tomasz",
    "Agnieszka",
    "Pedro",
    "Lucia",
    "Yusuf",
    "Leila",
    "Harriet",
    "Rhys",
    "Carys",
    "Dmitri",
]
SURNAMES = [
    "Jones",
    "Smith",
    "Thornton",
    "Patel",
    "Okafor",
    "Nguyen",
    "Kowalski",
    "Murray",
    "Fitzgerald",
    "O'Brien",
    "MacLeod",
    "Hughes",
    "Evans",
    "Williams",
    "Chen",
    "Garcia",
    "Rossi",
    "Ahmed",
    "Hussain",
    "Dubois",
    "Novak",
    "Lindqvist",
    "Anderson",
    "Campbell",
    "Stewart",
    "Morrison",
    "Baker",
    "Walsh",
    "Kaur",
    "Singh",
    "Adeyemi",
    "Mensah",
    "Gallagher",
]
STREETS = [
    "Acacia",
    "Elm",
    "Station",
    "Church",
    "Victoria",
    "Mill",
    "Park",
    "Queen's",
    "Kingsway",
    "Orchard",
    "High",
    "Meadow",
    "Willow",
    "Chapel",
    "Castle",
]
STREET_TYPES = [
    "Street",
    "Road",
    "Avenue",
    "Lane",
    "Drive",
    "Close",
    "Crescent",
    "Terrace",
    "Way",
    "Gardens",
    "Court",
]
TOWNS = [
    "Leeds",
    "Glasgow",
    "Cardiff",
    "Bristol",
    "Norwich",
    "Boston",
    "Denver",
    "Austin",
    "Portland",
    "Dundee",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Mr.", "Mrs.", "Sister", "Nurse"]
STATES = ["CA", "NY", "TX", "MA", "WA", "IL", "OH", "FL", "CO", "OR"]

OPENERS = [
    "A patient presented with central chest pain radiating to the left arm;",
    "Referred from the emergency department with sudden onset headache,",
    "History of type 2 diabetes on metformin 1 g twice daily;",
    "Presented with a two-week history of productive cough and fever,",
    "Known to the renal team with CKD stage 3b (eGFR 38);",
    "Admitted with a fall and a shortened, externally rotated left leg;",
    "On examination GCS 15/15, BP 138/84, HR 96, SpO2 94% on air;",
    "CT showed a 3.2 cm spiculated mass in the right upper lobe;",
]
CLOSERS = [
    "and was started on treatment.",
    "which settled with supportive care.",
    "and the family were updated.",
    "before transfer to the ward.",
    "pending the biopsy result.",
    "and follow-up was arranged in clinic.",
]


@dataclass(frozen=True)
class Snippet:
    """``text`` with the identifiers planted in it: (kind, start, end) each."""

    text: str
    spans: tuple[tuple[str, int, int], ...]


def nhs_number(rng: random.Random, *, first: str | None = None) -> str:
    while True:
        digits = (first or str(rng.randint(4, 9))) + "".join(
            str(rng.randint(0, 9)) for _ in range(8)
        )
        total = sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check == 10:
            continue
        return digits + str(0 if check == 11 else check)


def chi_number(rng: random.Random) -> str:
    while True:
        prefix = f"{rng.randint(1, 28):02d}{rng.randint(1, 12):02d}{rng.randint(30, 99):02d}"
        body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(3))
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = 11 - total % 11
        if check != 10:
            return body + str(0 if check == 11 else check)


def spaced(number: str, rng: random.Random) -> str:
    style = rng.choice(["space", "none", "dash"])
    if style == "none":
        return number
    sep = " " if style == "space" else "-"
    return sep.join([number[:3], number[3:6], number[6:]])


def a_date(rng: random.Random) -> str:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1990, 2025)
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(day, "th")
    name = MONTHS[month - 1]
    forms = [
        f"{day:02d}/{month:02d}/{year}",
        f"{day}/{month}/{year % 100:02d}",
        f"{year}-{month:02d}-{day:02d}",
        f"{day}{suffix} {name} {year}",
        f"{day} {name[:3]} {year}",
        f"{name} {day}{suffix}, {year}",
        f"{name} {day}, {year}",
        f"{day}.{month:02d}.{year}",
        f"{month}/{day}/{year}",
        f"{day}-{name[:3]}-{year}",
        f"the {day}{suffix} of {name}",
        f"{rng.choice(WEEKDAYS)} {day} {name}",
        f"{name} {year}",
        f"{day:02d}-{month:02d}-{year}",
        f"{year}{month:02d}{day:02d}",
    ]
    return rng.choice(forms)


def a_time(rng: random.Random) -> str:
    hour, minute = rng.randint(0, 23), rng.choice([0, 5, 10, 15, 20, 30, 45, 50])
    return rng.choice([f"{hour:02d}:{minute:02d}", f"{hour % 12 or 12}.{minute:02d}pm"])


def a_phone(rng: random.Random) -> str:
    forms = [
        lambda: f"020 7946 0{rng.randint(100, 999)}",
        lambda: f"0113 496 0{rng.randint(100, 999)}",
        lambda: f"07700 900{rng.randint(100, 999)}",
        lambda: f"+44 7700 900{rng.randint(100, 999)}",
        lambda: f"(617) {rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
        lambda: f"617-{rng.randint(200, 989)}-{rng.randint(1000, 9999)}",
        lambda: f"+1 303 {rng.randint(200, 989)} {rng.randint(1000, 9999)}",
        lambda: f"0161 496 0{rng.randint(100, 999)}",
    ]
    return rng.choice(forms)()


def surname(rng: random.Random) -> str:
    """A surname as it would appear in an address: lower case, no apostrophe."""
    return rng.choice(SURNAMES).lower().replace("'", "")


def a_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"


def mbi(rng: random.Random) -> str:
    letters = "ACDEFGHJKMNPQRTUVWXY"
    alnum = letters + "0123456789"
    parts = [
        str(rng.randint(1, 9)),
        rng.choice(letters),
        rng.choice(alnum),
        str(rng.randint(0, 9)),
        rng.choice(letters),
        rng.choice(alnum),
        str(rng.randint(0, 9)),
        rng.choice(letters),
        rng.choice(letters),
        str(rng.randint(0, 9)),
        str(rng.randint(0, 9)),
    ]
    text = "".join(parts)
    return rng.choice([text, f"{text[:4]}-{text[4:7]}-{text[7:]}"])


def au_medicare(rng: random.Random) -> str:
    digits = str(rng.randint(2, 6)) + "".join(str(rng.randint(0, 9)) for _ in range(7))
    check = sum(int(d) * w for d, w in zip(digits, (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10
    issue = rng.randint(1, 9)
    return f"{digits[:4]} {digits[4:]}{check} {issue}"


def an_ssn(rng: random.Random) -> str:
    area = rng.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"


def a_postcode(rng: random.Random) -> str:
    area = rng.choice(["SW", "N", "E", "LS", "G", "EH", "CF", "M", "B", "BS", "NR", "DD"])
    outward = f"{area}{rng.randint(1, 20)}"
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"{outward} {inward}" if rng.random() < 0.85 else f"{outward}{inward}"


# kind -> list of templates: "{x}" is the planted identifier, made by the kind's generator.
PLANTED_TEMPLATES: dict[str, tuple] = {
    "date": (
        a_date,
        [
            "Seen in clinic on {x} with worsening breathlessness.",
            "First presented {x}; biopsy confirmed the diagnosis.",
            "Admission date {x}.",
            "The MRI of {x} showed progression.",
            "Discharged home on {x} with district nurse follow-up.",
        ],
    ),
    "datetime": (
        lambda rng: rng.choice(
            [f"{a_date(rng)} at {a_time(rng)}", f"{a_time(rng)} on {a_date(rng)}"]
        ),
        [
            "Arrived in ED at {x} by ambulance.",
            "Cardiac arrest called {x}; ROSC after two cycles.",
            "The scan was performed {x}.",
        ],
    ),
    "age": (
        lambda rng: rng.choice(
            [
                f"{rng.randint(90, 104)}-year-old",
                f"{rng.randint(90, 104)} year old",
                f"aged {rng.randint(90, 104)}",
                f"{rng.randint(90, 104)} yo",
                f"{rng.randint(90, 104)} y/o",
                f"age {rng.randint(90, 104)}",
                f"{rng.randint(90, 104)} years old",
            ]
        ),
        [
            "A {x} woman from a care home with reduced intake.",
            "Patient {x}, independent at baseline, fell at home.",
            "This {x} man had a witnessed collapse.",
        ],
    ),
    "nhs_number": (
        lambda rng: spaced(nhs_number(rng), rng),
        [
            "NHS number {x} confirmed with the GP.",
            "Referral letter quotes {x} at the top.",
            "(NHS no. {x}) admitted under medicine.",
            "Her number is {x}.",
        ],
    ),
    "chi_number": (
        lambda rng: rng.choice([chi_number(rng), spaced(chi_number(rng), rng)]),
        [
            "CHI {x} on the request form.",
            "CHI number: {x}.",
            "Labelled with {x} in Glasgow.",
        ],
    ),
    "ssn": (
        an_ssn,
        [
            "SSN {x} on the insurance form.",
            "Social security number {x} was written on the request.",
            "ID card shows {x}.",
        ],
    ),
    "medicare": (
        lambda rng: rng.choice([mbi(rng), au_medicare(rng)]),
        [
            "Medicare {x} verified at registration.",
            "Medicare number {x}.",
            "Billing under {x} was declined.",
        ],
    ),
    "record_number": (
        lambda rng: rng.choice(
            [
                f"{rng.randint(1000000, 99999999)}",
                f"RX{rng.randint(100000, 9999999)}",
                f"K{rng.randint(1000000, 9999999)}",
                f"{rng.randint(100, 999)} {rng.randint(1000, 9999)}",
            ]
        ),
        [
            "MRN {x}, transferred from the district hospital.",
            "Hospital number: {x}.",
            "Her hospital no. is {x}.",
            "ID {x} on the wristband.",
            "Patient ID: {x}.",
            "Record number {x} was used for the request.",
            "MRN: {x}.",
            "Unit number {x} on the old notes.",
        ],
    ),
    "phone": (
        a_phone,
        [
            "Daughter's mobile {x} for updates.",
            "Call {x} with results.",
            "The GP surgery ({x}) was informed.",
            "Contact the family on {x}.",
            "Tel: {x}.",
        ],
    ),
    "email": (
        lambda rng: (
            f"{rng.choice(FIRST).lower()}.{surname(rng)}{rng.randint(1, 99)}@"
            f"{rng.choice(['example.com', 'mail.example.org', 'nhs.example.net'])}"
        ),
        [
            "Family asked for updates by email to {x}.",
            "Results sent to {x}.",
            "Contact: {x}",
        ],
    ),
    "url": (
        lambda rng: rng.choice(
            [
                f"https://www.{surname(rng)}-family.co.uk/blog",
                f"www.{rng.choice(FIRST).lower()}{rng.randint(1, 99)}.com",
                f"facebook.com/{rng.choice(FIRST).lower()}.{surname(rng)}",
                f"http://example.org/gofundme/{rng.randint(1000, 9999)}",
            ]
        ),
        [
            "The family's fundraising page {x} shows the photos.",
            "She wrote about it at {x} last year.",
            "Video posted on {x}.",
        ],
    ),
    "postcode": (
        a_postcode,
        [
            "Lives alone in {x} with no carers.",
            "Transferred from a care home at {x}.",
            "Home postcode {x}.",
        ],
    ),
    "zip_code": (
        lambda rng: rng.choice(
            [
                f"{rng.choice(TOWNS)}, {rng.choice(STATES)} {rng.randint(10000, 99999)}",
                f"ZIP {rng.randint(10000, 99999)}",
                f"zip code {rng.randint(10000, 99999)}-{rng.randint(1000, 9999)}",
                f"{rng.randint(10000, 99999)}-{rng.randint(1000, 9999)}",
            ]
        ),
        [
            "Lives in {x} with her son.",
            "Home address ends {x}.",
            "Transferred from a clinic in {x}.",
        ],
    ),
    "address": (
        lambda rng: rng.choice(
            [
                f"{rng.randint(1, 250)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}",
                f"Flat {rng.randint(1, 30)}, {rng.randint(1, 250)} {rng.choice(STREETS)} "
                f"{rng.choice(STREET_TYPES)}",
                f"{rng.choice(STREETS)} {rng.choice(['Street', 'Road', 'Avenue', 'Lane'])}",
            ]
        ),
        [
            "Found collapsed at home, {x}, by a neighbour.",
            "Lives at {x} with her husband.",
            "Ambulance called to {x}.",
        ],
    ),
    "name": (
        lambda rng: rng.choice(
            [
                f"{rng.choice(TITLES)} {rng.choice(SURNAMES)}",
                f"{rng.choice(TITLES)} {a_name(rng)}",
                f"patient {a_name(rng)}",
                f"the patient, {a_name(rng)},",
                f"named {rng.choice(FIRST)}",
                f"{rng.choice(TITLES)} {rng.choice(SURNAMES).upper()}",
            ]
        ),
        [
            "Seen by {x} in the acute medical unit.",
            "Reviewed with {x} on the ward round.",
            "Discussed {x} at the MDT.",
            "We admitted {x} overnight.",
        ],
    ),
}

# Clinical look-alikes: none of these is an identifier.
CLEAN_SENTENCES = [
    "Paracetamol 1 g QDS and ibuprofen 400 mg TDS.",
    "Adrenaline 1:1000 0.5 mL IM given twice.",
    "Infant aged 10/12 with bronchiolitis; feeding 2/3 of normal volume.",
    "Staged T2N1M0 after EUS; CA 19-9 was 412.",
    "MRI: disc prolapse at L4/5 and C5/6 with cord signal change.",
    "HbA1c 48 mmol/mol, eGFR 62, K+ 5.1, Na 134.",
    "BP 120/80, HR 72, RR 16, SpO2 98% on air, temperature 37.8.",
    "GCS 14/15 (E4 V4 M6) on arrival, then 15/15.",
    "Murphy's sign positive; Rovsing's sign negative.",
    "Known Parkinson disease and Crohn's disease on azathioprine.",
    "BRCA1 and TP53 variants; HER2 negative, ER 8/8.",
    "EGFR exon 19 deletion; started osimertinib 80 mg OD.",
    "Age band 80-89; lives with family.",
    "Aged 85-89 band, independent with a stick.",
    "Viral load 1500000 copies/mL; CD4 count 210 cells/mm3.",
    "Platelets 250 x 10^9/L, WBC 11.2, Hb 98 g/L.",
    "Troponin 48 ng/L rising to 1250 ng/L at 3 hours.",
    "INR 2.5 on warfarin; target 2-3.",
    "Guidelines at https://www.nice.org.uk/guidance/ng185 were followed.",
    "See doi.org/10.1136/bmj.m1234 and pubmed.ncbi.nlm.nih.gov/31234567 for the trial.",
    "Described on radiopaedia.org as a classic sign.",
    "Dose 5 mg/kg/day in 3 divided doses for 7/7.",
    "Gestation 34+2 weeks, G2P1, fundal height 33 cm.",
    "Lesion measured 12 x 8 x 6 mm; Bosniak IIF.",
    "Apgar 7/9/10; birth weight 3.2 kg.",
    "Morphine 2.5-5 mg PRN, max 4-hourly.",
    "FEV1/FVC 0.62, FEV1 54% predicted.",
    "Ejection fraction 35-40% with grade 2 diastolic dysfunction.",
    "The patient was reviewed by the medical registrar.",
    "Patient education leaflet on inhaler technique given.",
    "Mr and Mrs were not used; the consultant reviewed the scans.",
    "Wells score 6, PERC positive, D-dimer 2.4 mg/L FEU.",
    "Follow-up in 6 weeks with repeat CT; clinic letter to GP.",
    "ECG: sinus rhythm 72 bpm, PR 180 ms, QTc 460 ms.",
    "Hartmann's procedure in 2019; stoma reversed a year later.",
    "Child-Pugh B, MELD 14; varices grade 2 on OGD.",
    "Glasgow-Blatchford score 12; Rockall 5 after endoscopy.",
    "Cannula 18G in the left ACF; 1 L 0.9% saline over 4 hours.",
    "Ventilated with PEEP 8, FiO2 0.4, tidal volume 450 mL.",
    "Blood cultures grew E. coli sensitive to co-amoxiclav.",
    "Day 3 of 5 of antibiotics; CRP 180 falling to 45.",
    "ASA 3, Clinical Frailty Scale 5, MMSE 24/30.",
    "Metoprolol 25 mg BD titrated to 50 mg BD over 2/52.",
    "Vitamin D 25 nmol/L; started colecalciferol 20000 units weekly.",
    "Tumour markers: AFP 8, CEA 3.4, CA-125 35.",
    "Left ventricle 5.8 cm in diastole; LVEF 30%.",
    "Lumbar puncture: opening pressure 32 cmH2O, protein 0.9 g/L.",
    "Bilirubin 45 umol/L, ALT 312 IU/L, ALP 140 IU/L.",
    "Schober's test 3 cm; HLA-B27 positive; Achilles enthesitis.",
    "Kernig's and Brudzinski's signs were negative.",
    "Stage IIIA, Gleason 4+3=7, PSA 12.4 ng/mL.",
    "Weight 72 kg, height 1.68 m, BMI 25.5.",
    "Dermatome C6/C7 sensory loss and reduced biceps reflex.",
    "Grade 3/6 ejection systolic murmur radiating to the carotids.",
    "Salbutamol 2.5 mg nebulised 4-hourly; ipratropium 500 mcg QDS.",
    "Ratio 2:1 of crystalloid to colloid was not used.",
    "Addison's disease on hydrocortisone 10/5/5 mg.",
    "Parkland formula: 4 mL/kg/%TBSA over 24 hours.",
    "Chest X-ray: 5 cm right pneumothorax; 12F drain inserted.",
    "HIV negative; hepatitis B surface antigen negative.",
    "Sodium valproate 500 mg BD; levels 65 mg/L.",
    "Seen on day 10 post-op; drain output 120 mL/24 h.",
    "ST elevation in V1-V4 with reciprocal change in II, III and aVF.",
    "Ferritin 12 ug/L, transferrin saturation 9%.",
    "TSH 0.01 mU/L, free T4 38 pmol/L.",
    "A 67-year-old man with a 40 pack-year smoking history.",
    "Grade 2 Clavien-Dindo complication; recovered by week 3.",
    "Kocher's criteria 3 of 4; hip aspirate sent.",
    "Crohn disease activity index 320; started infliximab 5 mg/kg.",
    "UKMEC 3 for the combined pill; switched to a progestogen-only method.",
    "ICD-10 I21.4 and SNOMED CT 22298006 were coded.",
    "PMID 31234567 describes the NCT01234567 trial.",
    "Wolff-Parkinson-White pattern; Mallory-Weiss tear at OGD.",
    "St John's wort stopped; Patient Reported Outcome Measures collected.",
    "Reference range 3.5-5.0 mmol/L; 2.5/5/10 mg tablets available.",
    "Door-to-needle 45 min; door-to-balloon 62 min; ROSC at 02:15.",
    "Zoledronic acid 4 mg every 12 weeks; eGFR 45-59 (G3a).",
    "Hb 132 g/L (130-180); MCV 84 fL; MCH 28 pg.",
    "QRISK3 14.2%; CHA2DS2-VASc 4; HAS-BLED 2.",
    "Target saturations 88-92%; 15 L/min via non-rebreathe mask.",
    "CD4:CD8 ratio 0.8; 3/4 blood culture bottles positive at 36 h.",
    "The Parkinson's UK leaflet and the Crohn's and Colitis UK helpline were offered.",
    "Seen at 6/52 and 3/12 post-op; sutures out at 10/7.",
    "Laboratory accession numbers are not given here.",
    "Dr and patient agreed a plan; the Mayo Clinic criteria were met.",
]


def _build(rng: random.Random, template: str, value: str, kind: str) -> Snippet:
    opener, closer = rng.choice(OPENERS), rng.choice(CLOSERS)
    before, after = template.split("{x}")
    text = f"{opener} {before}"
    start = len(text)
    text += value
    end = start + len(value.rstrip(","))
    text += f"{after} {rng.choice(CLEAN_SENTENCES)} {closer}"
    return Snippet(text, ((kind, start, end),))


def planted(count_per_kind: int = 30, seed: int = 12) -> Iterator[Snippet]:
    """``count_per_kind`` snippets for each kind, each with one planted identifier."""
    rng = random.Random(seed)
    for kind, (make, templates) in PLANTED_TEMPLATES.items():
        for index in range(count_per_kind):
            yield _build(rng, templates[index % len(templates)], make(rng), kind)


def clean(count: int = 450, seed: int = 21) -> Iterator[Snippet]:
    """Snippets of two or three look-alike sentences between an opener and a closer."""
    rng = random.Random(seed)
    for _ in range(count):
        body = " ".join(rng.sample(CLEAN_SENTENCES, rng.randint(2, 3)))
        yield Snippet(f"{rng.choice(OPENERS)} {body} {rng.choice(CLOSERS)}", ())
