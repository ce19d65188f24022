"""Role names. Roles are Django groups whose permissions a data migration sets."""

CLINICIAN = "Clinician"
EDITOR = "Editor"
MODERATOR = "Moderator"
ADMIN = "Admin"

ALL_ROLES = (CLINICIAN, EDITOR, MODERATOR, ADMIN)
