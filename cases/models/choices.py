"""Fixed vocabularies of a case. Values are stored and indexed; labels are shown."""

from django.db import models


class Certainty(models.TextChoices):
    POSSIBLE = "possible", "Possible"
    PROBABLE = "probable", "Probable"
    ALMOST_CERTAIN = "almost_certain", "Almost certain"
    CERTAIN = "certain", "Certain"


class AgeBand(models.TextChoices):
    """Bands, never an exact age or date of birth."""

    INFANT = "0-1", "Under 1"
    A1_4 = "1-4", "1–4"
    A5_9 = "5-9", "5–9"
    A10_14 = "10-14", "10–14"
    A15_19 = "15-19", "15–19"
    A20_24 = "20-24", "20–24"
    A25_29 = "25-29", "25–29"
    A30_34 = "30-34", "30–34"
    A35_39 = "35-39", "35–39"
    A40_44 = "40-44", "40–44"
    A45_49 = "45-49", "45–49"
    A50_54 = "50-54", "50–54"
    A55_59 = "55-59", "55–59"
    A60_64 = "60-64", "60–64"
    A65_69 = "65-69", "65–69"
    A70_74 = "70-74", "70–74"
    A75_79 = "75-79", "75–79"
    A80_84 = "80-84", "80–84"
    A85_89 = "85-89", "85–89"
    A90_PLUS = "90+", "90 and over"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other / intersex"
    NOT_STATED = "not_stated", "Not stated"


class CaseMode(models.TextChoices):
    OPINION = "opinion", "Seeking an opinion"
    TEACHING = "teaching", "Teaching case"


class Licence(models.TextChoices):
    CC_BY_NC_SA_4 = "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0"
    CC_BY_4 = "CC-BY-4.0", "CC BY 4.0"
    CC_BY_NC_4 = "CC-BY-NC-4.0", "CC BY-NC 4.0"
    ALL_RIGHTS = "all-rights-reserved", "All rights reserved"
