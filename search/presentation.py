"""How facets and their values are labelled on the search page (values stay as indexed)."""

from cases.models.choices import AgeBand, CaseMode, Certainty, Sex
from search.results import Facet

FACET_LABELS = {
    "specialty": "Specialty",
    "condition": "Diagnosis",
    "body_systems": "Body system",
    "modalities": "Imaging modality",
    "age_band": "Patient age",
    "sex": "Patient sex",
    "certainty": "Diagnostic certainty",
    "case_mode": "Case type",
    "tags": "Tags",
    "has_images": "Has images",
    "featured": "Featured",
    "peer_reviewed": "Peer reviewed",
}
_YES_NO = {"true": "Yes", "false": "No"}
VALUE_LABELS: dict[str, dict[str, str]] = {
    "age_band": dict(AgeBand.choices),
    "sex": dict(Sex.choices),
    "certainty": dict(Certainty.choices),
    "case_mode": dict(CaseMode.choices),
    "has_images": _YES_NO,
    "featured": _YES_NO,
    "peer_reviewed": _YES_NO,
}


def labelled_facets(facets: tuple[Facet, ...]) -> list[dict]:
    """Facets that have values, each as {name, label, values: [{value, label, count,
    selected}]}, in the order the page shows them."""
    by_name = {facet.name: facet for facet in facets}
    shown = []
    for name, label in FACET_LABELS.items():
        facet = by_name.get(name)
        if facet is None or not facet.values:
            continue
        labels = VALUE_LABELS.get(name, {})
        values = [
            {
                "value": value.value,
                "label": labels.get(value.value, value.value),
                "count": value.count,
                "selected": value.selected,
            }
            for value in facet.values
        ]
        shown.append({"name": name, "label": label, "values": values})
    return shown
