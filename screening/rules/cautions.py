"""Cautions: what a coordinator must see about a product, which never changes its verdict."""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import Product
from .profile import Profile


@dataclass(frozen=True, slots=True)
class Caution:
    code: str
    text: str

    def to_dict(self) -> dict:
        return {"code": self.code, "text": self.text}


# FDA removed the CAR-T REMS (and so the center certification) in June 2025 and shortened the
# time patients stay near the center to at least two weeks.
CAR_T_CENTER = Caution(
    "car_t_center",
    "CAR-T is given at a treatment center able to manage cytokine release syndrome and "
    "neurologic toxicity; patients stay near the center for at least two weeks after the "
    "infusion.",
)
CAR_T_MANUFACTURING = Caution(
    "car_t_manufacturing",
    "Each CAR-T dose is made from the patient's own cells, which takes about three to six "
    "weeks; the treating team needs to plan bridging therapy for that time.",
)
TECARTUS_AGE_70 = Caution(
    "tecartus_age_70",
    "In real-world data, neurologic side effects of brexucabtagene autoleucel were more common "
    "in patients aged 70 and over.",
)
INOTUZUMAB_HEPATOTOXICITY = Caution(
    "inotuzumab_hepatotoxicity",
    "Boxed warning: liver toxicity, including veno-occlusive disease (VOD/SOS); the risk and "
    "the risk of death without relapse are higher in patients who have a stem cell transplant.",
)
BISPECIFIC_STEP_UP = Caution(
    "bispecific_step_up",
    "Boxed warning: cytokine release syndrome (and for most of these antibodies neurologic "
    "toxicity, including ICANS); treatment starts with step-up doses under close monitoring.",
)
DIFFERENTIATION_SYNDROME = Caution(
    "differentiation_syndrome",
    "Boxed warning: differentiation syndrome, which can be fatal; the treating team watches for "
    "it from the first weeks of treatment.",
)
ECOG_3_4 = Caution(
    "ecog_3_4",
    "Performance status ECOG 3-4: the pivotal trials enrolled fitter patients; the treating team "
    "weighs whether treatment is feasible (clinical review, C9).",
)
ACTIVE_INFECTION = Caution(
    "active_infection",
    "Active infection reported: treatment usually waits until it is controlled (clinical "
    "review, C9).",
)
CNS_INVOLVEMENT = Caution(
    "cns_involvement",
    "Central nervous system involvement: flagged for clinical review (C9).",
)

ALL_CAUTIONS = (
    CAR_T_CENTER,
    CAR_T_MANUFACTURING,
    TECARTUS_AGE_70,
    INOTUZUMAB_HEPATOTOXICITY,
    BISPECIFIC_STEP_UP,
    DIFFERENTIATION_SYNDROME,
    ECOG_3_4,
    ACTIVE_INFECTION,
    CNS_INVOLVEMENT,
)
TECARTUS_CAUTION_AGE = 70
# The T-cell engaging bispecifics added in 2026 (each label's boxed warning names CRS) and the
# menin inhibitors (each label's boxed warning names differentiation syndrome).
STEP_UP_BISPECIFICS = frozenset(
    {"tecvayli", "elrexfio", "talvey", "lynozyfic", "epkinly", "columvi", "lunsumio"}
)
MENIN_INHIBITORS = frozenset({"revuforj", "komzifti"})


def cautions_for(product: Product, p: Profile) -> tuple[Caution, ...]:
    """The cautions that apply to one product for this person."""
    found = []
    if product.is_car_t:
        found += [CAR_T_CENTER, CAR_T_MANUFACTURING]
    if (
        product.key == "tecartus"
        and p.age_years is not None
        and p.age_years >= TECARTUS_CAUTION_AGE
    ):
        found.append(TECARTUS_AGE_70)
    if product.key == "besponsa":
        found.append(INOTUZUMAB_HEPATOTOXICITY)
    if product.key in STEP_UP_BISPECIFICS:
        found.append(BISPECIFIC_STEP_UP)
    if product.key in MENIN_INHIBITORS:
        found.append(DIFFERENTIATION_SYNDROME)
    if p.ecog is not None and p.ecog >= 3:
        found.append(ECOG_3_4)
    if p.active_infection:
        found.append(ACTIVE_INFECTION)
    if p.cns_involvement or p.diagnosis == "pcnsl":
        found.append(CNS_INVOLVEMENT)
    return tuple(found)
