"""A FHIR R4 Bundle -> the intake's structured document (screening/intake/structured.py).

The bundle is parsed and validated by `fhir.resources` (its R4B models, which read R4
resources: Patient, Condition, Observation, MedicationStatement, MedicationAdministration and
Procedure are the same in both), then read through the code tables in codes.py:

- Patient: the date of birth (required) and the name;
- Condition: the diagnosis (ICD-10-CM or SNOMED CT). Two conditions naming different diseases
  leave the diagnosis unknown ("not sure");
- Observation (final, amended or corrected): CD19, CD22, BCMA, KMT2A, NPM1, BCR::ABL1 as a
  positive / negative result, MRD as a percentage or "not detected", the disease status and
  the four status questions. For a fact reported twice, the latest result counts;
- MedicationStatement / MedicationAdministration (RxNorm, or the drug's name): the treatment
  lines. A line is the set of medications that carry the same `treatment-line` extension
  value; FHIR has no standard way to say which drugs made one line, and counting lines is
  never guessed: if any medication has no line, the history's lines and classes stay unknown
  (the form's "not sure");
- Procedure (SNOMED CT): stem cell transplants.

Every resource is reported as mapped (with what it gave) or not (with why); what is not
mapped stays unknown. Problems that make the bundle unusable (not a FHIR R4 Bundle, not a
transaction or collection, no Patient or more than one, no date of birth, invalid resources)
raise InvalidBundle with the field and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from screening.intake.fhir import codes
from screening.intake.fhir.nulls import misplaced_nulls
from screening.intake.forms.treatment import LINE_CLASS_CHOICES
from screening.rules.vocabulary import BIOMARKERS

BUNDLE_TYPES = ("transaction", "collection")
USED_TYPES = (
    "Patient",
    "Condition",
    "Observation",
    "MedicationStatement",
    "MedicationAdministration",
    "Procedure",
)
FINAL_OBSERVATION = {"final", "amended", "corrected"}
TAKEN_STATEMENT = {"active", "completed", "stopped", "on-hold"}
GIVEN_ADMINISTRATION = {"completed", "in-progress", "stopped", "on-hold"}
DONE_PROCEDURE = {"completed"}
MAX_VALIDATION_ERRORS = 20
LINE_CLASSES = {key for key, _label in LINE_CLASS_CHOICES}


@dataclass(frozen=True)
class BundleProblem:
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


class InvalidBundle(ValueError):
    def __init__(self, problems: list[BundleProblem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


@dataclass
class MappedBundle:
    """The clinical sections of the intake document, and the report of what was read."""

    document: dict[str, Any]
    mapped: list[str] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)


def _problem(where: str, code: str, message: str) -> InvalidBundle:
    return InvalidBundle([BundleProblem(where, code, message)])


def _path(location) -> str:
    text = "bundle"
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def parse_bundle(raw: Any):
    """Validate `raw` as a FHIR R4 transaction or collection Bundle; return the model."""
    from fhir.resources.R4B.bundle import Bundle

    if not isinstance(raw, dict):
        raise _problem("bundle", "invalid", "Send the Bundle as a JSON object.")
    if raw.get("resourceType") != "Bundle":
        raise _problem(
            "bundle.resourceType", "not_a_bundle", "The resource must be a FHIR R4 Bundle."
        )
    if raw.get("type") not in BUNDLE_TYPES:
        raise _problem(
            "bundle.type", "invalid_choice", "The Bundle's type must be transaction or collection."
        )
    nulls = misplaced_nulls(raw, limit=MAX_VALIDATION_ERRORS)
    if nulls:
        raise InvalidBundle(
            [BundleProblem(_path(where), "fhir_invalid", message) for where, message in nulls]
        )
    try:
        return Bundle.model_validate(raw)
    except ValidationError as invalid:
        problems = [
            BundleProblem(_path(item["loc"]), "fhir_invalid", f"Not valid FHIR R4: {item['msg']}.")
            for item in invalid.errors()[:MAX_VALIDATION_ERRORS]
        ]
        raise InvalidBundle(problems) from None
    except KeyError as unknown:  # the library's lookup of a resourceType it does not know
        raise _problem(
            "bundle.entry", "fhir_invalid", f"Not valid FHIR R4: unknown resource type {unknown}."
        ) from None
    except (TypeError, ValueError, AttributeError, RecursionError) as invalid:
        # The library's own checks on odd input, outside pydantic's error list.
        raise _problem("bundle", "fhir_invalid", f"Not valid FHIR R4: {invalid}") from None


def _name(resource, index: int) -> str:
    return f"{resource.get_resource_type()}/{resource.id or f'entry-{index}'}"


def _codings(concept) -> list:
    return list(getattr(concept, "coding", None) or ()) if concept is not None else []


def _month(value) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text[:7] if len(text) >= 7 else None


def _period_months(resource, field_prefix: str) -> tuple[str | None, str | None]:
    when = getattr(resource, f"{field_prefix}DateTime", None)
    period = getattr(resource, f"{field_prefix}Period", None)
    if period is not None:
        return _month(period.start), _month(period.end)
    return _month(when), _month(when)


def _effective(resource) -> str:
    when = resource.effectiveDateTime or (
        resource.effectivePeriod.start if resource.effectivePeriod else None
    )
    if when is None:
        when = resource.issued
    return when.isoformat() if when is not None else ""


def _result(resource) -> bool | None:
    if resource.valueBoolean is not None:
        return resource.valueBoolean
    for coding in _codings(resource.valueCodeableConcept):
        value = codes.RESULT_VALUES.get((coding.system, coding.code))
        if value is not None:
            return value
    for concept in resource.interpretation or ():
        for coding in _codings(concept):
            value = codes.RESULT_VALUES.get((coding.system, coding.code))
            if value is not None:
                return value
    return None


class _Reader:
    def __init__(self):
        self.report = MappedBundle({})
        self.patient = None
        self.diseases: dict[str, str] = {}  # disease key -> resource name
        self.facts: dict[str, tuple[str, Any, str]] = {}  # fact -> (when, value, resource)
        self.medications: list[dict] = []
        self.unlined: list[str] = []
        self.transplants: list[dict] = []

    def mapped(self, text: str) -> None:
        self.report.mapped.append(text)

    def skipped(self, text: str) -> None:
        self.report.not_mapped.append(text)

    # --- resources ---------------------------------------------------------------------------

    def patient_resource(self, resource, name: str) -> None:
        if self.patient is not None:
            raise _problem("bundle.entry", "two_patients", "The Bundle has more than one Patient.")
        self.patient = (resource, name)

    def condition(self, resource, name: str) -> None:
        found, reasons = None, []
        for coding in _codings(resource.code):
            label = f"{codes.SYSTEM_NAMES.get(coding.system, coding.system)} {coding.code}"
            if coding.system == codes.ICD10CM:
                disease, reason = codes.icd10cm_disease(coding.code)
            elif coding.system == codes.SNOMED:
                disease = codes.SNOMED_DISEASES.get(coding.code)
                reason = "" if disease else "not recognised"
            else:
                disease, reason = None, "not a code system Navigator reads"
            if disease:
                found = (disease, label)
                break
            reasons.append(f"{label} {reason}")
        if found is None:
            self.skipped(f"{name}: " + ("; ".join(reasons) or "no code"))
            return
        self.diseases.setdefault(found[0], name)
        self.mapped(f"{name}: {found[1]} → diagnosis {found[0]}")

    def observation(self, resource, name: str) -> None:
        if resource.status not in FINAL_OBSERVATION:
            self.skipped(f"{name}: status '{resource.status}' is not a final result")
            return
        fact, label = None, ""
        for coding in _codings(resource.code):
            label = f"{codes.SYSTEM_NAMES.get(coding.system, coding.system)} {coding.code}"
            if coding.system == codes.LOINC:
                fact = codes.LOINC_FACTS.get(coding.code)
            elif coding.system == codes.NAVIGATOR_FACTS:
                fact = codes.NAVIGATOR_FACT_CODES.get(coding.code)
            if fact:
                break
        if fact is None:
            self.skipped(f"{name}: {label or 'no code'} not recognised")
            return
        value = self._observation_value(resource, fact, name, label)
        if value is None:
            return
        when = _effective(resource)
        previous = self.facts.get(fact)
        if previous is not None and previous[0] > when:
            self.skipped(f"{name}: {label} superseded by the later {previous[2]}")
            return
        if previous is not None:
            self.skipped(f"{previous[2]}: {label} superseded by the later {name}")
        self.facts[fact] = (when, value, name)
        self.mapped(f"{name}: {label} → {fact} = {value}")

    def _observation_value(self, resource, fact: str, name: str, label: str):
        if fact == "status":
            for coding in _codings(resource.valueCodeableConcept):
                if coding.system == codes.NAVIGATOR_STATUS and (
                    coding.code in codes.NAVIGATOR_STATUS_CODES
                ):
                    return coding.code
            self.skipped(f"{name}: {label} value is not a Navigator disease status")
            return None
        if fact == "mrd":
            quantity = resource.valueQuantity
            if quantity is not None and quantity.value is not None:
                if (quantity.code or quantity.unit) != "%" or not 0 <= quantity.value <= 100:
                    self.skipped(f"{name}: {label} value is not a percentage from 0 to 100")
                    return None
                return float(quantity.value)
            if _result(resource) is False:
                return 0.0
            self.skipped(f"{name}: {label} has neither a percentage nor 'not detected'")
            return None
        result = _result(resource)
        if result is None:
            self.skipped(
                f"{name}: {label} does not say positive or negative (a coded result, an "
                "interpretation or a boolean is needed)"
            )
        return result

    def medication(self, resource, name: str, kind: str) -> None:
        allowed = TAKEN_STATEMENT if kind == "MedicationStatement" else GIVEN_ADMINISTRATION
        if resource.status not in allowed:
            self.skipped(f"{name}: status '{resource.status}' means it was not given")
            return
        concept = resource.medicationCodeableConcept
        if concept is None:
            self.skipped(f"{name}: a medication reference is not read; give the drug's code")
            return
        drug_name, classes, coded = "", (), ""
        for coding in _codings(concept):
            if coding.system == codes.RXNORM:
                coded = f"RxNorm {coding.code}"
                if coding.code in codes.RXNORM_DRUGS:
                    drug_name, classes = codes.RXNORM_DRUGS[coding.code]
                    break
        text = concept.text or next((c.display for c in _codings(concept) if c.display), "")
        if not drug_name:
            if not text:
                self.skipped(f"{name}: {coded or 'the drug'} not recognised and has no name")
                self.unlined.append(name)
                return
            drug_name = text.strip()
            self.skipped(f"{name}: {coded or 'no RxNorm code'} not recognised; passed on by name")
        line = next(
            (
                ext.valueString or (str(ext.valueInteger) if ext.valueInteger is not None else "")
                for ext in resource.extension or ()
                if ext.url == codes.TREATMENT_LINE_EXTENSION
            ),
            "",
        )
        start, end = _period_months(resource, "effective")
        if not line:
            self.unlined.append(name)
        self.medications.append(
            {"line": line, "name": drug_name, "classes": classes, "start": start, "end": end}
        )
        self.mapped(f"{name}: {drug_name} (line {line or 'not given'})")

    def procedure(self, resource, name: str) -> None:
        if resource.status not in DONE_PROCEDURE:
            self.skipped(f"{name}: status '{resource.status}' is not a completed procedure")
            return
        for coding in _codings(resource.code):
            kind = (
                codes.SNOMED_TRANSPLANTS.get(coding.code) if coding.system == codes.SNOMED else None
            )
            if kind:
                start, _end = _period_months(resource, "performed")
                self.transplants.append({"kind": kind, "date": start})
                self.mapped(f"{name}: SNOMED CT {coding.code} → {kind} stem cell transplant")
                return
        label = next(
            (
                f"{codes.SYSTEM_NAMES.get(c.system, c.system)} {c.code}"
                for c in _codings(resource.code)
            ),
            "no code",
        )
        self.skipped(f"{name}: {label} not recognised")

    # --- the document ------------------------------------------------------------------------

    def lines(self) -> list[dict] | None:
        if self.unlined:
            self.skipped(
                "Treatment lines: "
                + ", ".join(self.unlined)
                + " carry no treatment-line extension, so the number of lines and the drugs "
                "received stay unknown"
            )
            return None
        grouped: dict[str, dict] = {}
        for med in self.medications:
            line = grouped.setdefault(
                med["line"], {"names": [], "classes": [], "starts": [], "ends": []}
            )
            if med["name"] not in line["names"]:
                line["names"].append(med["name"])
            line["classes"] += [c for c in med["classes"] if c in LINE_CLASSES]
            line["starts"].append(med["start"])
            line["ends"].append(med["end"])
        lines = []
        for group in grouped.values():
            starts = [s for s in group["starts"] if s]
            ends = [e for e in group["ends"] if e]
            lines.append(
                {
                    "name": " + ".join(group["names"])[:200],
                    "classes": sorted(set(group["classes"])),
                    "start": min(starts) if starts else None,
                    # A line still running has no end; the latest end otherwise.
                    "end": max(ends) if ends and len(ends) == len(group["ends"]) else None,
                }
            )
        return sorted(lines, key=lambda line: (line["start"] is None, line["start"] or ""))


def _patient_section(reader: _Reader) -> dict:
    if reader.patient is None:
        raise _problem("bundle.entry", "no_patient", "The Bundle has no Patient resource.")
    resource, name = reader.patient
    if resource.birthDate is None:
        raise _problem(
            f"{name}.birthDate", "required", "The Patient's birthDate is needed to screen."
        )
    born = resource.birthDate
    if not isinstance(born, date):
        raise _problem(
            f"{name}.birthDate", "partial_date", "The Patient's birthDate must be a full date."
        )
    names = resource.name or []
    section = {"date_of_birth": born.isoformat()}
    if names:
        first = names[0]
        given = " ".join(part for part in (first.given or ()) if part)
        if given or first.family:
            section["first_name"] = given[:100]
            section["last_name"] = (first.family or "")[:100]
        elif first.text:
            section["name"] = first.text[:200]
    reader.mapped(f"{name}: date of birth {born.isoformat()}")
    return section


def _flag(reader: _Reader, key: str):
    entry = reader.facts.get(key)
    return entry[1] if entry else None


def map_bundle(raw: Any) -> MappedBundle:
    """Read the bundle into the clinical sections of an intake document (patient, diagnosis,
    biomarkers, status, treatment) with the report of what was and was not mapped."""
    bundle = parse_bundle(raw)
    reader = _Reader()
    for index, entry in enumerate(bundle.entry or ()):
        resource = entry.resource
        if resource is None:
            continue
        kind = resource.get_resource_type()
        name = _name(resource, index)
        if kind == "Patient":
            reader.patient_resource(resource, name)
        elif kind == "Condition":
            reader.condition(resource, name)
        elif kind == "Observation":
            reader.observation(resource, name)
        elif kind in ("MedicationStatement", "MedicationAdministration"):
            reader.medication(resource, name, kind)
        elif kind == "Procedure":
            reader.procedure(resource, name)
        else:
            reader.skipped(f"{name}: a {kind} is not read")

    patient = _patient_section(reader)
    if len(reader.diseases) == 1:
        disease = next(iter(reader.diseases))
    else:
        disease = "unsure"
        if len(reader.diseases) > 1:
            reader.skipped(
                "Diagnosis: "
                + ", ".join(f"{v} says {k}" for k, v in reader.diseases.items())
                + "; the diagnosis stays unknown"
            )
    mrd = reader.facts.get("mrd")
    status = {
        "status": _flag(reader, "status") or "unknown",
        "mrd": None if mrd is None else ("negative" if mrd[1] == 0 else "detectable"),
        "mrd_percent": None if mrd is None or mrd[1] == 0 else mrd[1],
    }
    for key in (
        "in_consolidation_phase",
        "transplant_eligible",
        "lenalidomide_refractory",
        "no_satisfactory_alternative",
    ):
        status[key] = _flag(reader, key)
    lines = reader.lines() if reader.medications or reader.unlined else None
    if lines:
        treatment = {"had_treatment": "yes", "lines": lines, "transplants": reader.transplants}
    else:
        treatment = {"had_treatment": "unknown", "lines": [], "transplants": reader.transplants}
    reader.report.document = {
        "patient": patient,
        "diagnosis": {"disease": disease},
        "biomarkers": {key: _flag(reader, key) for key in BIOMARKERS},
        "status": status,
        "treatment": treatment,
    }
    return reader.report
