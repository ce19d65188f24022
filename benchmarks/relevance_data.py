# ruff: noqa: E501 - the condition table reads best one condition per line
"""A labelled relevance set for peer search: synthetic cases, queries and their answers.

Written for the benchmark, not taken from the demo cases. 84 conditions; each has four cases
that name it differently (in the title by name; only by abbreviation; only by lay term; only
in the findings; only in the diagnosis field, the text describing it without naming it),
plus 48 distractor cases about something else that rule one of the conditions out ("no
evidence of ...", "... was excluded"). Every case also carries generic words ("acute",
"heart", "system", "family") that a search expanding to loose words would match. Queries come
in six categories: exact name, abbreviation, lay term, typo, partial word, and facet words
("pneumonia child"). A query's relevant cases are those whose diagnosis is its condition
(and, for facet queries, that pass the facet). Reproducible: no randomness.

Conditions in the taxonomy have no synonyms of their own here: abbreviations and lay terms
must come from the product's synonym file (``search/data/medical_synonyms.txt``).
"""

from dataclasses import dataclass, field
from typing import Any

# name | specialty | body system | characteristic finding | abbreviation | lay term
_TABLE = """
Myocardial infarction | Cardiology | Cardiovascular | ST elevation in the inferior leads with a troponin rise | MI | heart attack
Aortic dissection | Cardiology | Cardiovascular | an intimal flap in the ascending aorta | | dissecting aneurysm
Atrial fibrillation | Cardiology | Cardiovascular | an irregularly irregular rhythm without P waves | AF |
Infective endocarditis | Cardiology | Cardiovascular | a vegetation on the mitral valve leaflet | | bacterial endocarditis
Hypertrophic cardiomyopathy | Cardiology | Cardiovascular | asymmetric septal hypertrophy | HCM |
Deep vein thrombosis | Cardiology | Cardiovascular | a non-compressible popliteal vein | DVT |
Abdominal aortic aneurysm | Vascular surgery | Cardiovascular | a 6 cm infrarenal aortic dilatation | AAA |
Hypertension | Cardiology | Cardiovascular | left ventricular hypertrophy on echo | HTN | high blood pressure
Pneumonia | Respiratory medicine | Respiratory | lobar consolidation with air bronchograms | | chest infection
Pulmonary embolism | Respiratory medicine | Respiratory | filling defects in the segmental pulmonary arteries | PE |
Pneumothorax | Respiratory medicine | Respiratory | a visible visceral pleural edge without lung markings | PTX | collapsed lung
Sarcoidosis | Respiratory medicine | Respiratory | bilateral hilar lymphadenopathy with perilymphatic nodules | |
Idiopathic pulmonary fibrosis | Respiratory medicine | Respiratory | basal subpleural honeycombing | IPF |
Lung cancer | Oncology | Respiratory | a spiculated mass in the right upper lobe | | lung carcinoma
Tuberculosis | Infectious diseases | Respiratory | a cavitating upper lobe lesion with tree-in-bud nodules | TB |
Chronic obstructive pulmonary disease | Respiratory medicine | Respiratory | hyperinflated lungs with reduced FEV1 ratio | COPD |
Asthma | Respiratory medicine | Respiratory | widespread polyphonic wheeze reversible with salbutamol | |
Cystic fibrosis | Paediatrics | Respiratory | bronchiectasis with a raised sweat chloride | CF |
Croup | Paediatrics | Respiratory | subglottic narrowing with a steeple sign | |
Ischaemic stroke | Neurology | Nervous | restricted diffusion in the middle cerebral artery territory | | cerebral infarction
Subarachnoid haemorrhage | Neurology | Nervous | hyperdense blood in the basal cisterns | SAH |
Multiple sclerosis | Neurology | Nervous | periventricular ovoid lesions perpendicular to the ventricles | MS |
Glioblastoma | Neurosurgery | Nervous | a ring-enhancing mass crossing the corpus callosum | GBM |
Subdural haematoma | Neurosurgery | Nervous | a crescentic extra-axial collection with midline shift | SDH |
Meningitis | Infectious diseases | Nervous | leptomeningeal enhancement and a turbid CSF | | inflammation of the meninges
Epilepsy | Neurology | Nervous | generalised spike and wave discharges on EEG | | seizure disorder
Migraine | Neurology | Nervous | recurrent unilateral throbbing headaches with aura | |
Motor neurone disease | Neurology | Nervous | widespread fasciculations with denervation on EMG | MND |
Guillain-Barre syndrome | Neurology | Nervous | ascending weakness with albuminocytological dissociation | GBS |
Myasthenia gravis | Neurology | Nervous | fatigable ptosis with acetylcholine receptor antibodies | |
Appendicitis | General surgery | Gastrointestinal | a non-compressible appendix with periappendiceal fat stranding | | inflamed appendix
Small bowel obstruction | General surgery | Gastrointestinal | dilated small bowel loops with a transition point | SBO |
Cholecystitis | General surgery | Gastrointestinal | a thickened gallbladder wall with pericholecystic fluid | | gallbladder inflammation
Crohn's disease | Gastroenterology | Gastrointestinal | terminal ileal wall thickening with skip lesions | | regional enteritis
Ulcerative colitis | Gastroenterology | Gastrointestinal | continuous mucosal inflammation from the rectum | UC |
Hepatocellular carcinoma | Hepatology | Gastrointestinal | arterial enhancement with portal venous washout | HCC | primary liver cancer
Liver cirrhosis | Hepatology | Gastrointestinal | a nodular liver surface with splenomegaly and ascites | |
Diverticulitis | General surgery | Gastrointestinal | an inflamed sigmoid diverticulum with pericolic stranding | |
Gastro-oesophageal reflux disease | Gastroenterology | Gastrointestinal | distal oesophagitis at endoscopy | GORD | heartburn
Irritable bowel syndrome | Gastroenterology | Gastrointestinal | normal colonoscopy with alternating bowel habit | IBS |
Intussusception | Paediatrics | Gastrointestinal | a target sign in the right upper quadrant | | bowel telescoping
Pyloric stenosis | Paediatrics | Gastrointestinal | a thickened elongated pylorus | |
Renal colic | Urology | Renal | an obstructing calculus at the vesicoureteric junction | | kidney stone pain
Pyelonephritis | Nephrology | Renal | a striated nephrogram | | kidney infection
Renal cell carcinoma | Urology | Renal | an enhancing solid renal mass | RCC | kidney cancer
Testicular torsion | Urology | Renal | absent intratesticular flow with a twisted cord | |
Acute kidney injury | Nephrology | Renal | a creatinine rise to three times baseline | AKI |
Urinary tract infection | Nephrology | Renal | nitrites and leucocytes on dipstick with a pure growth | UTI | bladder infection
Benign prostatic hyperplasia | Urology | Renal | a smoothly enlarged prostate with a raised post-void residual | BPH | enlarged prostate
Scaphoid fracture | Orthopaedics | Musculoskeletal | a lucent line through the scaphoid waist | |
Neck of femur fracture | Orthopaedics | Musculoskeletal | a displaced intracapsular femoral neck fracture | | hip fracture
Osteosarcoma | Oncology | Musculoskeletal | a sunburst periosteal reaction in the distal femur | |
Septic arthritis | Orthopaedics | Musculoskeletal | a joint effusion with synovial thickening and pus on aspiration | | joint infection
Rheumatoid arthritis | Rheumatology | Musculoskeletal | periarticular erosions of the metacarpophalangeal joints | RA |
Gout | Rheumatology | Musculoskeletal | punched-out erosions with overhanging edges | |
Osteoarthritis | Rheumatology | Musculoskeletal | joint space narrowing with osteophytes | OA |
Osteoporosis | Rheumatology | Musculoskeletal | a T score below minus 2.5 | | brittle bones
Systemic lupus erythematosus | Rheumatology | Musculoskeletal | a malar rash with positive anti-dsDNA | SLE | lupus
Polymyalgia rheumatica | Rheumatology | Musculoskeletal | proximal girdle stiffness with a high ESR | PMR |
Psoriasis | Dermatology | Skin | well-demarcated plaques with silvery scale | |
Melanoma | Dermatology | Skin | an asymmetric pigmented lesion with an irregular border | |
Cellulitis | Dermatology | Skin | spreading erythema with warmth and swelling | | skin infection
Herpes zoster | Dermatology | Skin | a dermatomal vesicular eruption | | shingles
Basal cell carcinoma | Dermatology | Skin | a pearly nodule with telangiectasia | BCC | rodent ulcer
Urticaria | Dermatology | Skin | transient itchy wheals | | hives
Impetigo | Dermatology | Skin | honey-crusted erosions around the mouth | | school sores
Ectopic pregnancy | Obstetrics and gynaecology | Reproductive | an adnexal mass with an empty uterus | | tubal pregnancy
Ovarian torsion | Obstetrics and gynaecology | Reproductive | an enlarged ovary with peripheral follicles | |
Placenta praevia | Obstetrics and gynaecology | Reproductive | a placenta covering the internal os | | low lying placenta
Breast cancer | Oncology | Reproductive | an irregular spiculated mass with microcalcifications | |
Pre-eclampsia | Obstetrics and gynaecology | Reproductive | new hypertension with proteinuria at 34 weeks | | toxaemia of pregnancy
Endometriosis | Obstetrics and gynaecology | Reproductive | deposits on the uterosacral ligaments at laparoscopy | |
Polycystic ovary syndrome | Obstetrics and gynaecology | Reproductive | enlarged ovaries with peripheral follicles and hirsutism | PCOS |
Thyroid nodule | Endocrinology | Endocrine | a hypoechoic nodule with microcalcifications | | thyroid lump
Diabetic ketoacidosis | Endocrinology | Endocrine | a high anion gap metabolic acidosis with ketonaemia | DKA |
Pituitary adenoma | Endocrinology | Endocrine | a sellar mass elevating the optic chiasm | | pituitary tumour
Hypothyroidism | Endocrinology | Endocrine | a raised TSH with low free thyroxine | | underactive thyroid
Addison's disease | Endocrinology | Endocrine | a low morning cortisol with a raised ACTH | | primary adrenal insufficiency
Bronchiolitis | Paediatrics | Respiratory | hyperinflation with peribronchial cuffing | |
Kawasaki disease | Paediatrics | Cardiovascular | coronary artery aneurysms | |
Retinal detachment | Ophthalmology | Eye | an undulating membrane in the vitreous | | detached retina
Acute angle closure glaucoma | Ophthalmology | Eye | a fixed mid-dilated pupil with corneal oedema | AACG |
Cataract | Ophthalmology | Eye | a dense nuclear lens opacity | | lens opacity
Conjunctivitis | Ophthalmology | Eye | injected conjunctivae with a mucopurulent discharge | | pink eye
Acute otitis media | ENT | Ear | a bulging red tympanic membrane | AOM | middle ear infection
"""

AGE_WORDS = {"child": "5-9", "elderly": "80-84", "infant": "0-1", "adolescent": "15-19"}
#: (condition, facet word, facet) for facet queries; their conditions get matching cases.
FACET_QUERIES = [
    ("Pneumonia", "child", "age"),
    ("Ischaemic stroke", "elderly", "age"),
    ("Pulmonary embolism", "Radiology", "specialty"),
    ("Bronchiolitis", "infant", "age"),
    ("Neck of femur fracture", "elderly", "age"),
    ("Asthma", "child", "age"),
    ("Meningitis", "infant", "age"),
    ("Appendicitis", "adolescent", "age"),
    ("Tuberculosis", "Radiology", "specialty"),
    ("Myocardial infarction", "elderly", "age"),
    ("Croup", "child", "age"),
    ("Osteosarcoma", "adolescent", "age"),
    ("Aortic dissection", "Radiology", "specialty"),
    ("Septic arthritis", "child", "age"),
    ("Subdural haematoma", "elderly", "age"),
    ("Intussusception", "infant", "age"),
    ("Melanoma", "elderly", "age"),
    ("Small bowel obstruction", "Radiology", "specialty"),
    ("Pyelonephritis", "child", "age"),
    ("Cellulitis", "elderly", "age"),
]
_PARTIAL = {
    "Cholecystitis": "cholecyst",
    "Appendicitis": "appendic",
    "Diverticulitis": "diverticul",
    "Pneumothorax": "pneumothor",
    "Sarcoidosis": "sarcoido",
    "Glioblastoma": "glioblast",
    "Intussusception": "intussus",
    "Pyelonephritis": "pyelonephr",
    "Osteosarcoma": "osteosarc",
    "Endometriosis": "endometrio",
    "Bronchiolitis": "bronchiol",
    "Hypothyroidism": "hypothyro",
    "Conjunctivitis": "conjunctiv",
    "Osteoporosis": "osteopor",
    "Psoriasis": "psoria",
    "Urticaria": "urticar",
    "Melanoma": "melano",
    "Meningitis": "meningi",
    "Tuberculosis": "tubercul",
    "Cellulitis": "celluli",
    "Aortic dissection": "aortic dissec",
    "Subdural haematoma": "subdural haem",
}
#: Typos as people make them: a swapped pair, a dropped or doubled letter, a wrong vowel.
_TYPOS = {
    "Pneumothorax": "pnuemothorax",
    "Meningitis": "menigitis",
    "Myocardial infarction": "myocardial infraction",
    "Tuberculosis": "tuberclosis",
    "Appendicitis": "appendicits",
    "Cholecystitis": "cholecystits",
    "Diverticulitis": "diverticulits",
    "Pyelonephritis": "pyelonefritis",
    "Sarcoidosis": "sarcoidoisis",
    "Glioblastoma": "glioblastomma",
    "Intussusception": "intususception",
    "Osteosarcoma": "osteosarcomma",
    "Endometriosis": "endometriossis",
    "Bronchiolitis": "bronchiolitus",
    "Psoriasis": "psoraisis",
    "Pulmonary embolism": "pulmonary embolsim",
    "Multiple sclerosis": "multiple sclerossis",
    "Ischaemic stroke": "ischaemic strok",
    "Atrial fibrillation": "atrial fibrilation",
    "Hypothyroidism": "hypothyroidsm",
    "Urticaria": "urticara",
    "Conjunctivitis": "conjuntivitis",
    "Pneumonia": "pneumnia",
    "Melanoma": "melanomma",
    "Cellulitis": "celulitis",
    "Osteoporosis": "osteoperosis",
    "Hypertension": "hypertenssion",
    "Epilepsy": "epilespy",
    "Rheumatoid arthritis": "rheumatiod arthritis",
    "Subarachnoid haemorrhage": "subarachnoid haemorrage",
}
_FILLER = (
    "Acute presentation to the emergency department; family history unremarkable. "
    "Systemic review otherwise normal; heart sounds normal."
)
_SYMPTOMS = [
    "breathlessness",
    "pain",
    "fever",
    "weakness",
    "swelling",
    "a rash",
    "vomiting",
    "headache",
    "reduced vision",
    "a limp",
]


@dataclass(frozen=True)
class Condition:
    name: str
    specialty: str
    system: str
    finding: str
    abbreviation: str
    lay: str


@dataclass(frozen=True)
class Query:
    text: str
    category: str
    condition: str
    relevant: frozenset[int]
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)


def conditions() -> list[Condition]:
    rows = []
    for line in _TABLE.strip().splitlines():
        name, specialty, system, finding, abbreviation, lay = (p.strip() for p in line.split("|"))
        rows.append(Condition(name, specialty, system, finding, abbreviation, lay))
    return rows


def cases() -> list[dict[str, Any]]:
    """Case documents (``search.documents`` shape, before negations are split off)."""
    docs: list[dict[str, Any]] = []
    facet_cases = {(c, word) for c, word, _kind in FACET_QUERIES}
    table = conditions()
    for number, condition in enumerate(table):
        mention = condition.abbreviation or condition.lay or condition.name
        lay = condition.lay or condition.name.lower()
        symptom = _SYMPTOMS[number % len(_SYMPTOMS)]
        variants = [
            # by name, in the title
            (f"{condition.name}: {symptom} and {condition.finding}", "", ""),
            # only by abbreviation (or lay term), in title and summary
            (f"{symptom.capitalize()} in a patient later found to have {mention}", mention, ""),
            # only by lay term, in the summary
            (f"{symptom.capitalize()} after a long journey", f"Labelled {lay} at triage.", ""),
            # only in the findings; the title and summary never name it
            (f"{symptom.capitalize()} with an unusual course", "", f"Imaging: {condition.name}."),
        ]
        if number % 2:  # every other condition: named in the diagnosis field only
            variants[3] = (f"{symptom.capitalize()} and a surprise on imaging", "", "")
        for variant, (title, extra_summary, extra_findings) in enumerate(variants):
            doc_id = len(docs) + 1
            age_band, specialty = "40-44", condition.specialty
            for word, band in AGE_WORDS.items():
                if (condition.name, word) in facet_cases and variant in (1, 2):
                    age_band = band
            if (condition.name, "Radiology") in facet_cases and variant in (0, 3):
                specialty = "Radiology"
            docs.append(
                _document(
                    doc_id,
                    title=title,
                    summary=f"{symptom.capitalize()} for days. {extra_summary}".strip(),
                    findings=f"{condition.finding.capitalize()}. {extra_findings}".strip(),
                    condition=condition,
                    specialty=specialty,
                    age_band=age_band,
                )
            )
    # distractors: about one condition, ruling another out
    for number in range(48):
        about = table[(number * 7 + 3) % len(table)]
        ruled_out = table[number % len(table)]
        if about == ruled_out:
            about = table[(number + 1) % len(table)]
        phrase = (
            f"No evidence of {ruled_out.name.lower()}."
            if number % 2
            else f"{ruled_out.name} was excluded."
        )
        doc = _document(
            len(docs) + 1,
            title=f"{about.finding.capitalize()} in a returning traveller",
            summary=f"Initially thought to be something else. {phrase}",
            findings=f"{about.finding.capitalize()}.",
            condition=about,
            specialty=about.specialty,
            age_band="40-44",
        )
        doc["distractor_for"] = ruled_out.name
        docs.append(doc)
    return docs


def _document(doc_id, *, title, summary, findings, condition, specialty, age_band):
    return {
        "id": doc_id,
        "url": f"/cases/relevance-{doc_id}/",
        "title": title,
        "summary": summary,
        "history": f"{_FILLER} Symptoms developed over {doc_id % 9 + 2} days.",
        "findings": findings,
        "discussion": "Management followed the local pathway.",
        "learning_points": "Think broadly; examine carefully.",
        "management": "Treated and discharged.",
        "condition": condition.name,
        "condition_synonyms": [],
        "differentials": [],
        "specialty": specialty,
        "body_systems": [condition.system],
        "modalities": ["CT"],
        "age_band": age_band,
        "sex": "female" if doc_id % 2 else "male",
        "certainty": "certain",
        "case_mode": "teaching",
        "tags": [],
        "has_images": True,
        "featured": False,
        "published_at": f"2025-{doc_id % 12 + 1:02d}-{doc_id % 28 + 1:02d}T09:00:00+00:00",
        "comment_count": 0,
        "proposal_count": 0,
        "version": 1,
    }


def queries(docs: list[dict[str, Any]]) -> list[Query]:
    """At least 150 labelled queries in the six categories."""
    by_condition: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        by_condition.setdefault(doc["condition"], []).append(doc)

    def relevant(name: str, keep=lambda doc: True) -> frozenset[int]:
        return frozenset(d["id"] for d in by_condition[name] if keep(d))

    table = conditions()
    found: list[Query] = []
    for condition in table[::2]:  # 42 exact names
        found.append(
            Query(condition.name.lower(), "exact", condition.name, relevant(condition.name))
        )
    for condition in table:
        if condition.abbreviation:
            text = condition.abbreviation
            found.append(Query(text, "abbreviation", condition.name, relevant(condition.name)))
    for condition in table:
        if condition.lay:
            found.append(Query(condition.lay, "lay term", condition.name, relevant(condition.name)))
    for name, typo in _TYPOS.items():
        found.append(Query(typo, "typo", name, relevant(name)))
    for name, part in _PARTIAL.items():
        found.append(Query(part, "partial", name, relevant(name)))
    for name, word, kind in FACET_QUERIES:
        condition = next(c for c in table if c.name == name)
        words = condition.abbreviation or condition.name.lower()
        if kind == "age":
            band = AGE_WORDS[word]
            keep = relevant(name, lambda d, band=band: d["age_band"] == band)
        else:
            keep = relevant(name, lambda d, word=word: d["specialty"] == word)
        found.append(Query(f"{words} {word.lower()}", "facet", name, keep))
    return found


SPECIALTIES = sorted({c.specialty for c in conditions()} | {"Radiology"})
