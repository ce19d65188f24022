"""One pass over a dataset, at every depth, applying the profile element by element.

Decisions use only the tag and VR, so elements that are removed are never decoded. The order
of the rules is the contract:

1. private tags (creators included), group lengths, command, file-meta and directory groups
   (0000-0004), curve (50xx) and overlay (60xx) groups, and ``ALWAYS_REMOVED`` are removed;
2. Patient's Name and Patient ID become the case pseudonym;
3. tags that are neither in Table E.1-1 nor in pydicom's dictionary are removed, whatever their
   VR (unknown means not known to be safe), and so is every UN element or one whose VR is not
   a standard VR at all (damaged bytes);
4. SQ: removed or emptied as the table says, otherwise kept and cleaned recursively;
5. DA/DT: every date is shifted by the case offset (Modified Dates option), whatever the table
   action, except patient-level dates (group 0010), which are removed or emptied;
6. the table's X removes; TM is emptied (times of day are not retained); UI is remapped unless
   a well-known value; Z empties; D writes a fixed dummy value;
7. otherwise text VRs not on the ``SAFE_TEXT`` whitelist are removed, and so are binary VRs
   (OB, OW, OF, OD, OL, OV) not on the ``SAFE_BINARY`` whitelist: an ICC profile or an
   embedded document can hold any text;
8. a value left that does not look like its VR is removed (see :mod:`.conformance`); the
   rest is kept.
"""

from collections.abc import Callable
from functools import cache

from pydicom.datadict import DicomDictionary
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.valuerep import STANDARD_VR

from media_pipeline.core.dicom import profile
from media_pipeline.core.dicom.conformance import conforms, value_text
from media_pipeline.core.dicom.dates import shift_dates

PATIENT_NAME, PATIENT_ID = 0x00100010, 0x00100020

REMOVE, EMPTY, DUMMY, KEEP_CLEANED = "X", "Z", "D", "K"


def _resolve(action: str) -> str:
    """Pick one action from a composite: removal when allowed, else empty, else dummy."""
    if action == "X/Z/U*":
        return KEEP_CLEANED  # references stay; the walk remaps every UID inside them
    for choice in (REMOVE, EMPTY, DUMMY):
        if choice in action.split("/"):
            return choice
    return action  # "U"


COMPILED: dict[int, str] = {tag: _resolve(row[0]) for tag, row in profile.TABLE_E1_1.items()}
COMPILED.update(dict.fromkeys(profile.ALWAYS_REMOVED, REMOVE))


def _always_removed(tag: int) -> bool:
    group = tag >> 16
    return (
        group & 1 == 1 or tag & 0xFFFF == 0 or group <= 0x0004 or group & 0xFF00 in (0x5000, 0x6000)
    )


@cache
def _usable_vr(vr: str | None) -> bool:
    """A standard VR other than UN (or a dictionary choice of them): not damaged bytes."""
    return vr not in (None, "UN") and all(choice in STANDARD_VR for choice in vr.split(" or "))


def _off_the_whitelists(tag: int, vr: str) -> bool:
    """Whether a text or binary value that the table does not name must go."""
    if vr in profile.TEXT_VRS:
        return tag not in profile.SAFE_TEXT
    return _is_binary(vr) and tag not in profile.SAFE_BINARY


def _is_binary(vr: str) -> bool:
    # Implicit VR data gets the dictionary's VR, which may be ambiguous: "OB or OW", "US or OW".
    if vr in profile.BINARY_VRS:
        return True
    return " or " in vr and any(choice in profile.BINARY_VRS for choice in vr.split(" or "))


def _set_ascii(ds: Dataset, tag: int, vr: str, elem, text: str) -> None:
    """Replace ``elem`` with the ASCII ``text`` (empty: no value).

    A raw element stays raw, with the new bytes padded to even length: the writer copies raw
    values as they are, which is far cheaper than building and validating a new element.
    """
    if getattr(elem, "is_raw", False):
        value = text.rstrip("\\").encode("ascii") if text.strip("\\") else b""
        if len(value) % 2:
            value += b"\0" if vr == "UI" else b" "
        ds[tag] = elem._replace(value=value, length=len(value))
    else:
        ds[tag] = DataElement(tag, vr, text or None)


class DatasetCleaner:
    """Apply the profile in place to a dataset and every nested item.

    ``map_uid`` maps one UID string; ``date_shift_days`` shifts DA/DT; ``pseudonym`` replaces
    Patient's Name and Patient ID at any depth. ``untyped`` tells afterwards whether any
    element was read without a VR (implicit VR data, even where the transfer syntax says
    explicit), which an explicit VR writer needs typed first: see :func:`type_raw_elements`.
    """

    def __init__(self, map_uid: Callable[[str], str], date_shift_days: int, pseudonym: str):
        self._map_uid = map_uid
        self._days = date_shift_days
        self._pseudonym = pseudonym
        self.untyped = False

    def clean(self, ds: Dataset) -> None:
        """Clean ``ds`` in place, recursing into every kept sequence item."""
        # Plain ints: pydicom's BaseTag compares in Python, ints compare in C.
        for tag in list(map(int, ds.keys())):
            self._clean_element(ds, tag)

    def _clean_element(self, ds: Dataset, tag: int) -> None:
        if _always_removed(tag):
            del ds[tag]
            return
        if tag in (PATIENT_NAME, PATIENT_ID):
            ds[tag] = DataElement(tag, "PN" if tag == PATIENT_NAME else "LO", self._pseudonym)
            return
        action = COMPILED.get(tag)
        known = DicomDictionary.get(tag)
        elem = ds.get_item(tag)
        self.untyped = self.untyped or elem.VR is None
        vr = elem.VR or (known[0] if known else None)
        if (action is None and known is None) or not _usable_vr(vr):
            del ds[tag]
        elif vr == "SQ":
            self._clean_sequence(ds, tag, action)
        elif vr in ("DA", "DT"):
            self._clean_date(ds, tag, vr, elem, action)
        elif action == REMOVE:
            del ds[tag]
        elif vr == "TM":
            _set_ascii(ds, tag, vr, elem, "")
        elif vr == "UI":
            mapped = "\\".join(self._map_uid(uid) for uid in value_text(elem.value).split("\\"))
            _set_ascii(ds, tag, vr, elem, mapped)
        elif action == EMPTY:
            _set_ascii(ds, tag, vr, elem, "")
        elif action == DUMMY:
            ds[tag] = DataElement(tag, vr, profile.DUMMY_BY_VR.get(vr))
        elif _off_the_whitelists(tag, vr) or not conforms(elem, vr, known):
            del ds[tag]

    def _clean_sequence(self, ds: Dataset, tag: int, action: str | None) -> None:
        if action == REMOVE:
            del ds[tag]
            return
        if action in (EMPTY, DUMMY):
            # A dummy item would have to be invented; an empty sequence says nothing.
            ds[tag] = DataElement(tag, "SQ", Sequence())
            return
        for item in ds[tag].value:
            self.clean(item)

    def _clean_date(self, ds: Dataset, tag: int, vr: str, elem, action: str | None) -> None:
        if tag >> 16 == profile.PATIENT_GROUP:
            if action == REMOVE:
                del ds[tag]
            else:
                _set_ascii(ds, tag, vr, elem, "")
            return
        _set_ascii(ds, tag, vr, elem, shift_dates(value_text(elem.value), self._days))


def type_raw_elements(ds: Dataset) -> None:
    """Give every element read without a VR its dictionary VR, at every depth.

    Only unknown tags lack a dictionary VR, and the cleaner has removed those.
    """
    for tag in list(ds.keys()):
        elem = ds.get_item(tag)
        if getattr(elem, "is_raw", False) and elem.VR is None:
            elem = ds[tag]  # pydicom converts the raw element and keeps the result
        if elem.VR == "SQ":
            for item in elem.value:
                type_raw_elements(item)
