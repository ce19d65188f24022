"""Seeded synthetic case documents and search requests for the search benchmarks.

``synthetic_cases(n)`` yields documents in the ``search.documents`` shape (56 conditions,
varied text, facets); ``query_params(n)`` varied requests (names, lay terms, typos, findings,
symptom + background, empty; random facet filters, every sort, pages 1-3). ``cached_cases``
keeps generated documents (negations split off, as ``case_document`` does) in a JSON-lines
file, so repeated runs at 100,000 cases skip generating them.
"""

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

CACHE_DIR = Path(__file__).resolve().parent.parent / ".bench-cache"


# "condition | specialty | body system | modalities" lines, each followed by an indented
# characteristic finding
_CONDITION_TABLE = """
Myocardial infarction | Cardiology | Cardiovascular | CT,US
    ST elevation in the inferior leads with troponin rise
Aortic dissection | Cardiology | Cardiovascular | CT
    intimal flap in the ascending aorta
Atrial fibrillation | Cardiology | Cardiovascular | US
    irregularly irregular rhythm without P waves
Infective endocarditis | Cardiology | Cardiovascular | US
    vegetation on the mitral valve leaflet
Hypertrophic cardiomyopathy | Cardiology | Cardiovascular | MR,US
    asymmetric septal hypertrophy
Pericardial effusion | Cardiology | Cardiovascular | US,CT
    global pericardial collection with diastolic collapse
Pneumonia | Respiratory medicine | Respiratory | XR,CT
    lobar consolidation with air bronchograms
Pulmonary embolism | Respiratory medicine | Respiratory | CT
    filling defects in the segmental pulmonary arteries
Pneumothorax | Respiratory medicine | Respiratory | XR
    visible visceral pleural edge without lung markings
Sarcoidosis | Respiratory medicine | Respiratory | CT,XR
    bilateral hilar lymphadenopathy with perilymphatic nodules
Idiopathic pulmonary fibrosis | Respiratory medicine | Respiratory | CT
    basal subpleural honeycombing and traction bronchiectasis
Lung cancer | Oncology | Respiratory | CT,PET
    spiculated mass in the right upper lobe
Tuberculosis | Infectious diseases | Respiratory | XR,CT
    cavitating upper lobe lesion with tree-in-bud nodules
Ischaemic stroke | Neurology | Nervous | CT,MR
    restricted diffusion in the middle cerebral artery territory
Subarachnoid haemorrhage | Neurology | Nervous | CT
    hyperdense blood in the basal cisterns
Multiple sclerosis | Neurology | Nervous | MR
    periventricular ovoid lesions perpendicular to the ventricles
Glioblastoma | Neurosurgery | Nervous | MR
    ring-enhancing mass crossing the corpus callosum
Subdural haematoma | Neurosurgery | Nervous | CT
    crescentic extra-axial collection with midline shift
Meningitis | Infectious diseases | Nervous | CT,MR
    leptomeningeal enhancement
Appendicitis | General surgery | Gastrointestinal | US,CT
    non-compressible appendix with periappendiceal fat stranding
Small bowel obstruction | General surgery | Gastrointestinal | XR,CT
    dilated small bowel loops with a transition point
Acute pancreatitis | Gastroenterology | Gastrointestinal | CT,US
    peripancreatic fluid and fat stranding
Cholecystitis | General surgery | Gastrointestinal | US
    thickened gallbladder wall with pericholecystic fluid
Crohn's disease | Gastroenterology | Gastrointestinal | MR,CT
    terminal ileal wall thickening with skip lesions
Ulcerative colitis | Gastroenterology | Gastrointestinal | Endoscopy
    continuous mucosal inflammation from the rectum
Hepatocellular carcinoma | Hepatology | Gastrointestinal | CT,MR
    arterial enhancement with portal venous washout
Liver cirrhosis | Hepatology | Gastrointestinal | US,CT
    nodular liver surface with splenomegaly and ascites
Diverticulitis | General surgery | Gastrointestinal | CT
    inflamed sigmoid diverticulum with pericolic stranding
Renal colic | Urology | Renal | CT
    obstructing calculus at the vesicoureteric junction
Pyelonephritis | Nephrology | Renal | CT,US
    striated nephrogram
Renal cell carcinoma | Urology | Renal | CT
    enhancing solid renal mass
Testicular torsion | Urology | Renal | US
    absent intratesticular flow with a twisted cord
Scaphoid fracture | Orthopaedics | Musculoskeletal | XR,MR
    lucent line through the scaphoid waist
Neck of femur fracture | Orthopaedics | Musculoskeletal | XR
    displaced intracapsular femoral neck fracture
Osteosarcoma | Oncology | Musculoskeletal | XR,MR
    sunburst periosteal reaction in the distal femur
Septic arthritis | Orthopaedics | Musculoskeletal | US,MR
    joint effusion with synovial thickening
Rheumatoid arthritis | Rheumatology | Musculoskeletal | XR
    periarticular erosions of the metacarpophalangeal joints
Gout | Rheumatology | Musculoskeletal | XR,Photo
    punched-out erosions with overhanging edges
Psoriasis | Dermatology | Skin | Photo
    well-demarcated plaques with silvery scale
Melanoma | Dermatology | Skin | Photo
    asymmetric pigmented lesion with irregular border
Cellulitis | Dermatology | Skin | Photo
    spreading erythema with warmth and swelling
Herpes zoster | Dermatology | Skin | Photo
    dermatomal vesicular eruption
Basal cell carcinoma | Dermatology | Skin | Photo
    pearly nodule with telangiectasia
Ectopic pregnancy | Obstetrics and gynaecology | Reproductive | US
    adnexal mass with an empty uterus
Ovarian torsion | Obstetrics and gynaecology | Reproductive | US
    enlarged ovary with peripheral follicles
Placenta praevia | Obstetrics and gynaecology | Reproductive | US
    placenta covering the internal os
Breast cancer | Oncology | Reproductive | MG,US
    irregular spiculated mass with microcalcifications
Thyroid nodule | Endocrinology | Endocrine | US
    hypoechoic nodule with microcalcifications
Diabetic ketoacidosis | Endocrinology | Endocrine | XR
    high anion gap metabolic acidosis with ketonaemia
Pituitary adenoma | Endocrinology | Endocrine | MR
    sellar mass elevating the optic chiasm
Intussusception | Paediatrics | Gastrointestinal | US
    target sign in the right upper quadrant
Pyloric stenosis | Paediatrics | Gastrointestinal | US
    thickened elongated pylorus
Bronchiolitis | Paediatrics | Respiratory | XR
    hyperinflation with peribronchial cuffing
Kawasaki disease | Paediatrics | Cardiovascular | US,Photo
    coronary artery aneurysms
Retinal detachment | Ophthalmology | Eye | US,Photo
    undulating membrane in the vitreous
Acute angle closure glaucoma | Ophthalmology | Eye | Photo
    fixed mid-dilated pupil with corneal oedema
"""


def _parse_conditions(table: str) -> list[tuple[str, str, str, list[str], str]]:
    lines = table.strip().splitlines()
    conditions = []
    for header, finding in zip(lines[::2], lines[1::2], strict=True):
        name, specialty, system, modalities = (part.strip() for part in header.split("|"))
        conditions.append(
            (name, specialty, system, [m for m in modalities.split(",") if m], finding.strip())
        )
    return conditions


CONDITIONS = _parse_conditions(_CONDITION_TABLE)
LAY_TERMS = ["heart attack", "stroke", "clot on the lung", "collapsed lung", "kidney stone",
             "broken hip", "water on the brain", "blood poisoning", "shingles",
             "chest infection"]  # fmt: skip
HISTORY = ["presented with", "was referred with", "attended the emergency department with",
           "reported a two week history of", "was found on routine review to have"]  # fmt: skip
SYMPTOMS = ["chest pain", "breathlessness", "fever", "abdominal pain", "headache", "weakness",
            "weight loss", "cough", "vomiting", "a rash", "swelling", "back pain", "confusion",
            "palpitations", "syncope", "reduced vision", "joint pain", "haematuria"]  # fmt: skip
BACKGROUND = ["hypertension", "type 2 diabetes", "smoking", "chronic kidney disease", "asthma",
              "previous surgery", "no significant past history", "immunosuppression",
              "atrial fibrillation on anticoagulation", "recent travel"]  # fmt: skip
DISCUSSION = ["The key imaging feature was", "Management was guided by",
              "The differential included", "Follow-up imaging showed", "Histology confirmed",
              "Early recognition matters because of", "The case illustrates",
              "Pitfalls include"]  # fmt: skip
AGE_BANDS = ["0-1", "1-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
             "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89",
             "90+"]  # fmt: skip
SEXES = ["female", "male", "other", "unknown"]
CERTAINTY = ["possible", "probable", "almost certain", "certain"]
TAGS = ["emergency", "classic", "rare", "pitfall", "quiz", "teaching", "pathology proven",
        "follow-up", "paediatric", "incidental"]  # fmt: skip


def synthetic_cases(count: int, seed: int = 4) -> Iterator[dict[str, Any]]:
    """``count`` case documents in the ``search.documents`` shape, reproducible from ``seed``."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for doc_id in range(1, count + 1):
        name, specialty, system, modalities, finding = rng.choice(CONDITIONS)
        others = rng.sample(CONDITIONS, 3)
        symptoms = rng.sample(SYMPTOMS, 3)
        history = (
            f"A patient {rng.choice(HISTORY)} {symptoms[0]} and {symptoms[1]}. Background of "
            f"{rng.choice(BACKGROUND)} and {rng.choice(BACKGROUND)}. {symptoms[2].capitalize()} "
            f"developed over {rng.randint(1, 14)} days."
        )
        discussion = " ".join(
            f"{rng.choice(DISCUSSION)} {rng.choice(CONDITIONS)[4]}." for _ in range(4)
        )
        yield {
            "id": doc_id,
            "url": f"/cases/{doc_id}/",
            "title": f"{name}: {finding}" if rng.random() < 0.5 else f"{symptoms[0]} in {name}",
            "summary": f"{symptoms[0].capitalize()} with {finding}.",
            "history": history,
            "findings": f"{finding.capitalize()}. Also {others[0][4]}.",
            "discussion": discussion,
            "learning_points": f"Consider {others[1][0].lower()} in the differential.",
            "management": "Managed conservatively." if rng.random() < 0.5 else "Surgery.",
            "condition": name,
            "condition_synonyms": [],
            "differentials": [other[0] for other in others],
            "specialty": specialty,
            "body_systems": [system],
            "modalities": modalities[: rng.randint(0, len(modalities))] or ["Photo"],
            "age_band": rng.choice(AGE_BANDS),
            "sex": rng.choice(SEXES),
            "certainty": rng.choice(CERTAINTY),
            "case_mode": rng.choice(["opinion", "teaching"]),
            "tags": rng.sample(TAGS, rng.randint(0, 3)),
            "has_images": rng.random() < 0.8,
            "featured": rng.random() < 0.02,
            "published_at": (start + timedelta(minutes=7 * doc_id)).isoformat(),
            "comment_count": rng.randint(0, 30),
            "proposal_count": rng.randint(0, 5),
            "version": 1,
        }


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randint(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def query_params(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """Varied search requests: names, lay terms, typos, findings; filters; sorts; pages."""
    rng = random.Random(seed)
    params = []
    for _ in range(count):
        condition = rng.choice(CONDITIONS)
        q = rng.choice(
            [
                condition[0],
                rng.choice(LAY_TERMS),
                " ".join(typo(word, rng) for word in condition[0].lower().split()),
                " ".join(condition[4].split()[:3]),
                f"{rng.choice(SYMPTOMS)} {rng.choice(BACKGROUND)}",
                "",
            ]
        )
        request: dict[str, Any] = {
            "q": q,
            "sort": rng.choice(["relevance"] * 3 + ["newest", "discussed"]),
        }
        if rng.random() < 0.5:
            request["modalities"] = [rng.choice(["CT", "MR", "US", "XR", "Photo"])]
        if rng.random() < 0.3:
            request["age_band"] = [rng.choice(AGE_BANDS)]
        if rng.random() < 0.2:
            request["specialty"] = [condition[1]]
        request["page"] = str(rng.choice([1, 1, 1, 2, 3]))
        params.append(request)
    return params


def cached_cases(count: int, seed: int = 4) -> list[dict[str, Any]]:
    """``synthetic_cases(count, seed)`` with negated mentions split off, from the cache file
    when an earlier run wrote it."""
    from search.negation import with_negations_apart

    path = CACHE_DIR / f"cases-{count}-{seed}.jsonl"
    if path.exists():
        with path.open(encoding="utf-8") as lines:
            return [json.loads(line) for line in lines]
    docs = [with_negations_apart(doc) for doc in synthetic_cases(count, seed)]
    CACHE_DIR.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        for doc in docs:
            out.write(json.dumps(doc) + "\n")
    partial.rename(path)
    return docs
