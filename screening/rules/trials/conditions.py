"""From a study's conditions (and their MeSH terms) to the case schema's diagnoses.

Sponsors type conditions freely ("Relapsed/Refractory Large B Cell Lymphoma", "B-cell
Malignancy", "Non Hodgkin's Lymphoma"), so each term is read against an ordered table of
phrases, most specific first; a phrase that matches is removed from the term before the more
general ones are tried, so "T-cell acute lymphoblastic leukemia" is read as T-ALL and not
again as ALL of either lineage. Each phrase says which diagnoses it covers (`met`) and which it
may cover (`unknown`: for the trial team); a recognised disease outside the schema (Hodgkin
lymphoma, MDS) covers none. A term matching no phrase is reported as unmapped, and a trial whose
terms are all unmapped leaves the diagnosis to the trial team rather than ruling anyone out.

One contextual rule: acute lymphoblastic leukemia or lymphoblastic lymphoma named without a
lineage takes the lineage of the trial's other conditions when they name only B-cell (or only
T-cell) diseases, so a CD7 trial for "T-ALL" and "Lymphoblastic Lymphoma" is not offered to a
person with B-ALL, and a CD19 trial for "ALL, CLL and NHL" is not offered for T-ALL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..vocabulary import DIAGNOSES

MET, UNKNOWN, NOT_MET = "met", "unknown", "not_met"

LBCL = {"dlbcl": MET, "hgbcl": MET, "pmbcl": MET, "lbcl_other": MET, "pcnsl": UNKNOWN}
B_LYMPHOMAS = {**LBCL, "fl": MET, "mcl": MET, "mzl": MET, "sll": MET}
B_CELL = {**B_LYMPHOMAS, "b_all": MET, "cll": MET, "mpal": UNKNOWN}
LEUKEMIAS = {"b_all": MET, "t_all": MET, "aml": MET, "mpal": MET, "cll": MET}
EVERYTHING = dict.fromkeys(DIAGNOSES, MET)
NONE: dict[str, str] = {}
GENERIC_ALL = {"b_all": MET, "t_all": MET}

B, T = "B", "T"


@dataclass(frozen=True, slots=True)
class Phrase:
    name: str
    pattern: re.Pattern
    covers: dict[str, str]
    lineage: str | None = None  # B or T: evidence of the trial's lineage
    generic_lymphoblastic: bool = False


def _phrase(name, pattern, covers, lineage=None, generic=False) -> Phrase:
    if not covers:
        # A disease outside the schema takes its noun with it: "Hodgkin lymphoma" must not
        # leave "lymphoma" behind to be read as any lymphoma.
        pattern = rf"(?:{pattern})\w*(?: (?:cell )?(?:lymphomas?|leukemias?|disease|neoplasms?))?"
    return Phrase(name, re.compile(pattern), covers, lineage, generic)


# Most specific first. Patterns run on normalised text (see `normalise`).
PHRASES: tuple[Phrase, ...] = (
    _phrase(
        "primary CNS lymphoma",
        r"\bprimary (cns|central nervous system) (b cell )?lymphoma",
        {"pcnsl": MET},
        B,
    ),
    _phrase(
        "primary mediastinal B-cell lymphoma", r"\bprimary mediastinal|\bpmbcl\b", {"pmbcl": MET}, B
    ),
    _phrase(
        "high-grade B-cell lymphoma",
        r"\bhigh grade b cell lymphoma|\b(double|triple) hit\b|\bhgbcl\b",
        {"hgbcl": MET},
        B,
    ),
    _phrase(
        "transformed lymphoma",
        r"\btransformed (follicular|indolent|marginal zone)( lymphoma)?|\brichter",
        {"dlbcl": MET},
        B,
    ),
    _phrase(
        "diffuse large B-cell lymphoma",
        r"\bdiffuse large (b cell )?lymphoma|\bdlbcl\b|\blymphoma large b cell diffuse",
        {"dlbcl": MET},
        B,
    ),
    _phrase(
        "large B-cell lymphoma",
        r"\blarge b cell lymphoma|\blbcl\b|\bb cell lymphoma large",
        LBCL,
        B,
    ),
    _phrase(
        "follicular lymphoma", r"\bfollicular( lymphoma)?\b|\blymphoma follicular", {"fl": MET}, B
    ),
    _phrase(
        "mantle cell lymphoma",
        r"\bmantle cell( lymphoma)?|\blymphoma mantle cell|\bmcl\b",
        {"mcl": MET},
        B,
    ),
    _phrase(
        "marginal zone lymphoma",
        r"\bmarginal zone( b cell)?( lymphoma)?|\bmalt lymphoma|\bmzl\b",
        {"mzl": MET},
        B,
    ),
    _phrase("small lymphocytic lymphoma", r"\bsmall lymphocytic lymphoma|\bsll\b", {"sll": MET}, B),
    _phrase(
        "chronic lymphocytic leukemia",
        r"\b(b cell )?chronic lymphocytic leukemia|\bchronic lymphoid leukemia|\bcll\b|"
        r"\bleukemia lymphocytic chronic",
        {"cll": MET},
        B,
    ),
    _phrase("multiple myeloma", r"\b(multiple|plasma cell) myeloma|\bmyeloma\b", {"mm": MET}),
    _phrase(
        "mixed-phenotype acute leukemia",
        r"\bmixed phenotype|\bbiphenotypic|\bmpal\b|\bacute leukemia of ambiguous lineage",
        {"mpal": MET},
    ),
    _phrase(
        "acute myeloid leukemia",
        r"\bacute (myeloid|myelogenous|myeloblastic|non lymphocytic|nonlymphocytic) leukemia|"
        r"\baml\b|\bleukemia myeloid acute",
        {"aml": MET},
    ),
    _phrase(
        "B-cell acute lymphoblastic leukemia",
        r"\bb (cell )?(precursor )?(acute )?lympho(blastic|cytic|id) (leukemia|"
        r"lymphoma)( lymphoma)?|\bprecursor b (cell )?lymphoblastic|\bb all\b|\bb lbl\b",
        {"b_all": MET},
        B,
    ),
    _phrase(
        "T-cell acute lymphoblastic leukemia",
        r"\bt (cell )?(acute )?lympho(blastic|cytic|id) (leukemia|lymphoma)( lymphoma)?|"
        r"\bprecursor t (cell )?lymphoblastic|\bearly t cell precursor|\bt all\b|\bt lbl\b",
        {"t_all": MET},
        T,
    ),
    _phrase(
        "acute lymphoblastic leukemia",
        r"\bacute lympho(blastic|cytic|id) leukemia|"
        r"\bprecursor cell lymphoblastic leukemia lymphoma|\bleukemia lymphoblastic acute",
        GENERIC_ALL,
        generic=True,
    ),
    _phrase(
        "lymphoblastic lymphoma", r"\blymphoblastic (leukemia )?lymphoma", GENERIC_ALL, generic=True
    ),
    _phrase(
        "T-cell lymphoma",
        r"\bperipheral t cell|\bptcl\b|\bcutaneous t cell|\bmycosis fungoides|\bsezary|"
        r"\bnk t cell|\banaplastic large cell|\bangioimmunoblastic|\badult t cell",
        NONE,
        T,
    ),
    _phrase(
        "T-cell leukemia or lymphoma",
        r"\bt cell (leukemia|lymphoma|malignanc\w*|neoplasm\w*|hematologic)( lymphoma| leukemia)?",
        {"t_all": UNKNOWN},
        T,
    ),
    _phrase(
        "B-cell malignancy",
        r"\bb cell (malignanc|neoplasm|hematologic|lymphoid|cancer|tumor)|"
        r"\bcd19 (positive )?(hematologic|malignanc|b cell)|\bcd19 (positive )?hematological",
        B_CELL,
        B,
    ),
    _phrase(
        "B-cell lymphoma",
        r"\bb cell (non hodgkin )?lymphoma|\blymphoma b cell|\bb nhl\b",
        B_LYMPHOMAS,
        B,
    ),
    _phrase(
        "non-Hodgkin lymphoma",
        r"\bnon hodgkin( lymphoma)?|\bnhl\b|\blymphoma non hodgkin",
        B_LYMPHOMAS,
    ),
    _phrase("Hodgkin lymphoma", r"\bhodgkin", NONE),
    _phrase(
        "other lymphoid diseases",
        r"\bburkitt|\bwaldenstr|\blymphoplasmacytic|\bhairy cell|\bprolymphocytic|\bcastleman",
        NONE,
    ),
    _phrase(
        "myeloid diseases outside the schema",
        r"\bmyelodysplas|\bmds\b|\bmyeloproliferative|\bchronic myel(oid|ogenous) leukemia|"
        r"\bcml\b|\bmyelofibrosis|\bamyloidosis|\bpolycythemia|\bthrombocythemia|\bmastocytosis",
        NONE,
    ),
    _phrase(
        "conditions outside blood cancer",
        r"\b(solid )?tumors?\b|\bcarcinoma|\bsarcoma|\bglioma|\bglioblastoma|\bneuroblastoma|"
        r"\blupus|\bsclerosis|\barthritis|\bmyasthenia|\bautoimmun|\bgraft versus host|\bgvhd\b|"
        r"\bhiv\b|\bsickle cell|\bthalass",
        NONE,
    ),
    _phrase(
        "acute leukemia", r"\bacute leukemia", {"b_all": MET, "t_all": MET, "aml": MET, "mpal": MET}
    ),
    _phrase(
        "lymphoid malignancy",
        r"\blymphoid (malignanc|neoplasm|cancer)|\blymphoproliferative",
        {**B_CELL, "t_all": MET, "mpal": MET},
    ),
    _phrase(
        "myeloid malignancy",
        r"\bmyeloid (malignanc|neoplasm|leukemia)",
        {"aml": MET, "mpal": UNKNOWN},
    ),
    _phrase("leukemia", r"\bleukemias?\b", LEUKEMIAS),
    _phrase("lymphoma", r"\blymphomas?\b", B_LYMPHOMAS),
    _phrase(
        "hematologic malignancy",
        r"\bhematologic(al)? (malignanc|cancer|neoplasm|disease|tumor)|\bblood cancer|\bhematolog",
        EVERYTHING,
    ),
)
# Words that say nothing about the disease: a term made only of these is not "unmapped".
_NEUTRAL = re.compile(
    r"\b(relapsed?|refractory|recurren(t|ce)|resistant|minimal residual disease|mrd|positive|"
    r"negative|adult|adults|pediatric|paediatric|children|child|young|disease|cancer|cd\d+|"
    r"bcma|gprc5d|high risk|advanced|stage|and|or|of|the|in|with|r r|persistent|progressive|"
    r"untreated|newly diagnosed|malignancies|malignancy)\b"
)
_SPACES = re.compile(r"\s+")


def normalise(term: str) -> str:
    text = term.lower()
    text = text.replace("leukaemia", "leukemia").replace("haemat", "hemat")
    text = text.replace("tumour", "tumor").replace("non-hodgkin", "non hodgkin")
    text = text.replace("'s", "").replace("’s", "")
    text = re.sub(r"[^a-z0-9+]+", " ", text)
    text = text.replace("cd19+", "cd19 positive").replace("cd22+", "cd22 positive")
    return _SPACES.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class TermReading:
    term: str
    phrases: tuple[Phrase, ...]
    unmapped: bool


@lru_cache(maxsize=8192)
def read_term(term: str) -> TermReading:
    text = " " + normalise(term) + " "
    found = []
    for phrase in PHRASES:
        if phrase.pattern.search(text):
            found.append(phrase)
            text = phrase.pattern.sub(" ", text)
    if re.search(r"\bALL\b", term) and not any(
        p.covers.get("b_all") or p.covers.get("t_all") for p in found
    ):
        found.append(PHRASES_BY_NAME["acute lymphoblastic leukemia"])
    leftover = _NEUTRAL.sub(" ", text).strip()
    return TermReading(term, tuple(found), unmapped=not found and bool(leftover))


PHRASES_BY_NAME = {phrase.name: phrase for phrase in PHRASES}


@dataclass(frozen=True, slots=True)
class DiagnosisCoverage:
    """What a trial's conditions say about each schema diagnosis."""

    outcomes: dict[str, str]  # diagnosis -> met / unknown; absent = not covered
    sources: dict[str, str]  # diagnosis -> the term that covers it
    terms: tuple[str, ...]
    unmapped: tuple[str, ...]
    # True when nothing could be read: every diagnosis is then for the trial team.
    unreadable: bool

    def outcome(self, diagnosis: str | None) -> str:
        if self.unreadable or diagnosis is None:
            # Unknown diagnosis: a trial for diseases outside the schema can still rule out.
            if diagnosis is None and not self.unreadable and not self.outcomes:
                return NOT_MET
            return UNKNOWN
        return self.outcomes.get(diagnosis, NOT_MET)


def map_conditions(
    conditions: tuple[str, ...], browse_terms: tuple[str, ...] = ()
) -> DiagnosisCoverage:
    """Read the conditions; the MeSH terms only when no condition can be read (MeSH lists
    broad parents such as "Lymphoma" that would widen a trial the sponsor wrote narrowly)."""
    readings = [read_term(term) for term in dict.fromkeys(t for t in conditions if t.strip())]
    if not any(r.phrases for r in readings):
        readings += [
            read_term(term)
            for term in dict.fromkeys(t for t in browse_terms if t.strip())
            if term not in conditions
        ]
    lineages = {p.lineage for r in readings for p in r.phrases if p.lineage}
    outcomes: dict[str, str] = {}
    sources: dict[str, str] = {}
    for reading in readings:
        for phrase in reading.phrases:
            covers = phrase.covers
            if phrase.generic_lymphoblastic and len(lineages) == 1:
                only = "b_all" if B in lineages else "t_all"
                covers = {only: covers[only]}
            for diagnosis, outcome in covers.items():
                if outcomes.get(diagnosis) == MET:
                    continue
                if outcome == MET or diagnosis not in outcomes:
                    outcomes[diagnosis] = outcome
                    sources[diagnosis] = reading.term
    return DiagnosisCoverage(
        outcomes=outcomes,
        sources=sources,
        terms=tuple(r.term for r in readings),
        unmapped=tuple(r.term for r in readings if r.unmapped),
        unreadable=not any(r.phrases for r in readings),
    )
