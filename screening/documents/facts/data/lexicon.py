"""What the extractor looks for (targets) and the words around them that decide what a mention
means (medspaCy ConText modifiers), written for laboratory reports.

Targets are the markers of the screening profile. A few targets are findings in themselves
(IMPLICIT): an ISCN karyotype's t(9;22), a named KMT2A fusion, an NPM1 cDNA change, a KMT2A
partial tandem duplication. The others need a result word.

Modifier categories (ConText scopes them within one clause and lets the nearer one win where
two could apply, see reading.py):
- POSITIVE / NEGATIVE: an explicit result ("positive", "detected", "not detected", "wild-type").
- POSITIVE_HINT: a word that names the finding without stating a result ("fusion", "mutation",
  "expression"); used only when no explicit result covers the target.
- NEGATED_EXISTENCE: ConText's negation ("no", "not", "without", "excluded"); makes a finding
  false.
- HISTORICAL, HYPOTHETICAL (pending, recommended, to rule out), POSSIBLE_EXISTENCE (equivocal),
  METHOD (antibody panels, probes, gating): the statement is not a result on this specimen.
- NORMAL / DISEASE: the population a marker is reported on ("residual normal B cells" vs
  "blasts"); the nearer wins, and a marker on a normal population is not a result.
- THRESHOLD: a number that is a limit, cut-off or sensitivity, not an MRD level.
- TERMINATE and PSEUDO: ConText's own scope stops and non-modifiers ("negative control").

ConText's packaged English rules come from clinical notes, where "test for", "checked for" and
"evaluate for" mean "not found"; in a lab report they introduce the test whose result follows,
and "negative" in "internal negative control" is not a result. The rules below take ConText's
negation, history and uncertainty words that apply to reports and leave those out (bench/facts.py
measures both rule sets).
"""

from __future__ import annotations


def _target(literal, category, pattern=None):
    """A medspaCy TargetRule's arguments; reading.py builds the rules when the pipeline is
    first needed, so importing this module does not import spaCy (web processes never do)."""
    return {"literal": literal, "category": category, "pattern": pattern}


# Target labels -> profile field. IMPLICIT targets are findings in themselves.
FIELD_OF = {
    "CD19": "biomarkers.cd19_positive",
    "CD22": "biomarkers.cd22_positive",
    "BCMA": "biomarkers.bcma_positive",
    "KMT2A": "biomarkers.kmt2a_rearranged",
    "KMT2A_FUSION": "biomarkers.kmt2a_rearranged",
    "KMT2A_PTD": "biomarkers.kmt2a_rearranged",
    "NPM1": "biomarkers.npm1_mutated",
    "NPM1_VARIANT": "biomarkers.npm1_mutated",
    "PH": "biomarkers.philadelphia_positive",
    "PH_KARYOTYPE": "biomarkers.philadelphia_positive",
    "MRD": "mrd_percent",
}
IMPLICIT = frozenset({"KMT2A_FUSION", "KMT2A_PTD", "NPM1_VARIANT", "PH_KARYOTYPE"})
ANTIGENS = {"CD19", "CD22", "BCMA"}
GENES = {"KMT2A", "KMT2A_FUSION", "KMT2A_PTD", "NPM1", "NPM1_VARIANT", "PH", "PH_KARYOTYPE"}
REARRANGEMENTS = {"KMT2A", "KMT2A_FUSION", "PH", "PH_KARYOTYPE"}
MUTATIONS = {"NPM1", "NPM1_VARIANT"}
MARKERS = ANTIGENS | GENES | {"MRD"}

NAMED_THERAPIES = {
    "blinatumomab",
    "inotuzumab",
    "tisagenlecleucel",
    "axicabtagene",
    "lisocabtagene",
    "brexucabtagene",
    "obecabtagene",
    "idecabtagene",
    "ciltacabtagene",
    "teclistamab",
    "elranatamab",
    "belantamab",
}
_KMT2A_PARTNERS = r"(?:AFF1|AF4|MLLT\d+|AF9|AF6|AF10|ENL|ELL|AFDN|EPS15|SEPTIN\d+|SEPT\d+|MLLT1)"
_KMT2A_TRANSLOCATIONS = r"t\((?:4;11|9;11|11;19|6;11|10;11|1;11)\)(?:\s*\([^)]*\))?"
_ISCN = r"\b4[4-9],(?:X[XY]?|Y)\b[^\s]{0,200}?"
_NUMBER = r"\d+(?:[.,]\d+)?"

TARGET_RULES = [
    # Therapies named after an antigen are not results about it; matched so the antigen
    # inside them is not (the longest match wins).
    _target(
        "therapy",
        "THERAPY",
        pattern=r"\b(?:anti-?\s?)?(?:CD\s?19|CD\s?22|BCMA)\s?-?\s?(?:directed|targeted"
        r"|targeting|CAR[- ]?T?|chimeric|bispecific|ADC|therapy|antibody)\b"
        r"|\banti-?\s?(?:CD\s?19|CD\s?22|BCMA)\b",
    ),
    # Therapies by name (inert targets, like the ones above; a token pattern).
    _target(
        "named therapy",
        "THERAPY",
        pattern=[{"LOWER": {"IN": sorted(NAMED_THERAPIES)}}],
    ),
    _target("CD19", "CD19", pattern=r"\bCD\s?19\b"),
    _target("CD22", "CD22", pattern=r"\bCD\s?22\b"),
    _target("BCMA", "BCMA", pattern=r"\b(?:BCMA|CD\s?269|TNFRSF17)\b"),
    _target(
        "KMT2A partial tandem duplication",
        "KMT2A_PTD",
        pattern=r"\b(?:KMT2A|MLL)[\s-]*(?:PTD|partial tandem duplication)\b"
        r"|\bpartial tandem duplications?\s+(?:of|in|within)\s+(?:the\s+)?(?:KMT2A|MLL)\b",
    ),
    _target(
        "KMT2A fusion",
        "KMT2A_FUSION",
        pattern=rf"\b(?:KMT2A|MLL)\s*(?:::|-|/)\s*{_KMT2A_PARTNERS}\b"
        rf"|\b{_KMT2A_PARTNERS}\s*(?:::|-|/)\s*(?:KMT2A|MLL)\b|\b{_KMT2A_TRANSLOCATIONS}",
    ),
    _target("KMT2A", "KMT2A", pattern=r"\b(?:KMT2A|MLL1?)\b(?:\s+gene)?"),
    _target(
        "NPM1 variant",
        "NPM1_VARIANT",
        pattern=r"\bNPM1\s*(?:c\.\d+_\d+\w+|mut(?:ated|ant)?\b|c\+)",
    ),
    _target("NPM1", "NPM1", pattern=r"\bNPM1\b(?:\s+gene)?"),
    _target(
        "karyotype with t(9;22)",
        "PH_KARYOTYPE",
        pattern=rf"{_ISCN}t\(9;22\)(?:\([^)]*\))?|\bt\(9;22\)(?:\s*\([^)]*\))?",
    ),
    _target(
        "Philadelphia chromosome",
        "PH",
        # "Ph-like" and "BCR::ABL1-like" ALL is the look-alike without the fusion.
        pattern=r"(?:\bBCR\s*(?:::|-|/)\s*ABL1?\b|\bPhiladelphia(?:\s+chromosome)?\b"
        r"|(?-i:\bPh1?\b))(?![\s-]*like)",
    ),
    _target(
        "MRD",
        "MRD",
        pattern=r"\b(?:MRD|measurable residual disease|minimal residual disease"
        r"|residual (?:clonal cells|leuka?emi[ac](?: cells)?|disease))\b",
    ),
    # A level: 0.12 %, < 0.01 %, 1.2 x 10^-3, 10^-4, 1.2E-03.
    _target(
        "MRD level",
        "LEVEL",
        # Not "10%" after "3.4 x ": that is an exponent OCR lost ("3.4 x 10⁻⁴" read badly).
        pattern=rf"(?<![\d.])(?:(?:<|<=|≤|less than|below)\s*)?(?:(?<!x )(?<!x){_NUMBER}\s*%"
        rf"|{_NUMBER}\s*x\s*10\s*\^?\s*-\s*\d+"
        rf"|(?<![\d.x^ ])\s?10\s*\^\s*-\s*\d+|{_NUMBER}\s*E\s*-\s*\d+)",
    ),
]


def _rule(literal, category, direction="BIDIRECTIONAL", pattern=None, **options):
    """A medspaCy ConTextRule's arguments (built in reading.py, like TargetRule's)."""
    return {
        "literal": literal,
        "category": category,
        "pattern": pattern,
        "direction": direction,
        **options,
    }


def _words(category, words, direction="BIDIRECTIONAL", **options):
    return [_rule(word, category, direction, **options) for word in words]


HISTORY_REACH = 4
_OPPOSITE = {
    "POSITIVE": {"NEGATIVE", "NEGATED_EXISTENCE"},
    "NEGATIVE": {"POSITIVE"},
}
_ANY = {"allowed_types": MARKERS}
# Context that makes a statement not a result applies to the levels in it too.
_ALL = {"allowed_types": MARKERS | {"LEVEL"}}

CONTEXT_RULES = [
    # --- Explicit results ------------------------------------------------------------------
    *_words(
        "POSITIVE",
        ["positive for", "positive:", "pos for"],
        "FORWARD",
        **_ANY,
        terminated_by=_OPPOSITE["POSITIVE"],
    ),
    *_words(
        "POSITIVE",
        ["positive", "positivity"],
        "BACKWARD",
        **_ANY,
        terminated_by=_OPPOSITE["POSITIVE"],
    ),
    *_words("POSITIVE", ["pos"], "BACKWARD", max_scope=1, **_ANY),
    *_words(
        "POSITIVE",
        ["detected", "present", "identified", "demonstrated", "seen", "found", "confirmed"],
        **_ANY,
        terminated_by=_OPPOSITE["POSITIVE"],
    ),
    *_words(
        "POSITIVE",
        [
            "express",
            "expresses",
            "expressed",
            "expressing",
            "retain",
            "retains",
            "co-express",
            "coexpress",
            "co-expressed",
            "highlights",
        ],
        allowed_types=ANTIGENS,
        terminated_by=_OPPOSITE["POSITIVE"],
    ),
    *_words(
        "POSITIVE",
        ["rearranged", "translocated", "split signal", "split signals", "split signal pattern"],
        allowed_types=REARRANGEMENTS,
        terminated_by=_OPPOSITE["POSITIVE"],
    ),
    *_words(
        "POSITIVE",
        ["mutated", "mutant"],
        allowed_types=MUTATIONS,
        terminated_by=_OPPOSITE["POSITIVE"],
    ),
    *_words(
        "NEGATIVE",
        ["negative for", "negative:", "neg for", "negative in"],
        "FORWARD",
        **_ANY,
        terminated_by=_OPPOSITE["NEGATIVE"],
    ),
    *_words(
        "NEGATIVE",
        ["negative", "negativity"],
        "BACKWARD",
        **_ANY,
        terminated_by=_OPPOSITE["NEGATIVE"],
    ),
    *_words("NEGATIVE", ["neg"], "BACKWARD", max_scope=1, **_ANY),
    *_words(
        "NEGATIVE",
        [
            "not detected",
            "none detected",
            "not identified",
            "not seen",
            "not present",
            "not found",
            "undetectable",
            "undetected",
            "absent",
            "not expressed",
            "not rearranged",
            "not mutated",
            "unmutated",
            "non-mutated",
            "wild-type",
            "wild type",
            "wildtype",
            "below the limit of detection",
            "below the limit of quantitation",
            "below the detection limit",
            "below detection",
            "normal signal pattern",
            "normal hybridization pattern",
            "intact",
            "no evidence of",
        ],
        **_ANY,
        terminated_by=_OPPOSITE["NEGATIVE"],
    ),
    _rule("WT", "NEGATIVE", pattern=[{"TEXT": "WT"}], allowed_types=MUTATIONS),
    *_words(
        "NEGATIVE",
        ["loss of", "loss of expression of", "lacks", "lack", "lacking", "lost"],
        allowed_types=ANTIGENS,
        terminated_by=_OPPOSITE["NEGATIVE"],
    ),
    # --- Words that name the finding without stating a result -------------------------------
    *_words(
        "POSITIVE_HINT",
        [
            "expression",
            "bright",
            "dim",
            "dimly",
            "partial",
            "moderate",
            "strong",
            "strongly",
            "heterogeneous",
            "variable",
            "diffuse",
            "uniform",
            "homogeneous",
        ],
        allowed_types=ANTIGENS,
        max_scope=4,
    ),
    # "Expression of CD19, CD10 and CD22" names the whole list.
    *_words(
        "POSITIVE_HINT",
        ["expression of", "expressions of"],
        "FORWARD",
        allowed_types=ANTIGENS,
        terminated_by={"NEGATIVE", "NEGATED_EXISTENCE"},
    ),
    *_words(
        "POSITIVE_HINT",
        ["fusion", "rearrangement", "translocation", "fusion signals", "fusion transcript"],
        allowed_types=REARRANGEMENTS,
    ),
    *_words(
        "POSITIVE_HINT",
        [
            "mutation",
            "mutations",
            "variant",
            "insertion",
            "frameshift",
            "type a",
            "type b",
            "type d",
            "VAF",
        ],
        allowed_types=MUTATIONS,
    ),
    _rule("cDNA change", "POSITIVE_HINT", pattern=r"\bc\.\d+_?\d*\w+", allowed_types=MUTATIONS),
    # --- Negation (ConText's, for reports) ----------------------------------------------------
    *_words(
        "NEGATED_EXISTENCE",
        ["no", "not", "without", "absence of", "free of", "neither", "nor", "never"],
        "FORWARD",
        **_ANY,
    ),
    *_words(
        "NEGATED_EXISTENCE",
        [
            "excluded",
            "is excluded",
            "are excluded",
            "ruled out",
            "has been excluded",
            "is ruled out",
            "not supported",
        ],
        "BACKWARD",
        **_ANY,
    ),
    # "BCR/ABL1: no fusion detected", "Result: no BCR::ABL1 detected".
    *_words("NEGATED_EXISTENCE", [": no", ": none"], max_scope=4, **_ANY),
    *_words("TERMINATE", ["but", "however", "whereas", "while", "although", "except"], "TERMINATE"),
    # --- Not a result on this specimen ---------------------------------------------------------
    # "History of ..." opens the rest of the clause; other history words reach only the few
    # words around them, so "loss of CD22 compared with the prior study (CD22 positive in
    # 01/2025)" keeps its first half.
    *_words("HISTORICAL", ["history", "history of", "h/o", "past history"], "FORWARD", **_ALL),
    *_words(
        "HISTORICAL",
        [
            "previously",
            "previous",
            "prior",
            "earlier",
            "at diagnosis",
            "at initial diagnosis",
            "at original diagnosis",
            "at first diagnosis",
            "at presentation",
            "originally",
            "formerly",
            "known",
            "diagnosed in",
            "diagnosed",
            "before",
            "remote",
            "historical",
            "at relapse in",
        ],
        max_scope=HISTORY_REACH,
        **_ALL,
    ),
    _rule(
        "in <year>",
        "HISTORICAL",
        pattern=r"\b(?:in|since|from|on)\s+(?:\d{1,2}/)?(?:\d{1,2}/)?(?:19|20)\d\d\b",
        max_scope=HISTORY_REACH,
        **_ALL,
    ),
    *_words(
        "HYPOTHETICAL",
        [
            "pending",
            "will be reported",
            "to be reported",
            "reported separately",
            "to follow",
            "recommended",
            "recommend",
            "recommends",
            "correlate",
            "correlation with",
            "if",
            "requested",
            "ordered",
            "consider",
            "considered",
            "to determine",
            "evaluate for",
            "test for",
            "testing for",
            "check for",
            "to exclude",
            "awaited",
            "in progress",
            "sent out",
            "send-out",
            "monitoring",
            "should",
            "would",
            "eligibility",
            "planned",
            "follow-up",
            "repeat",
        ],
        **_ALL,
    ),
    *_words(
        "POSSIBLE_EXISTENCE",
        [
            "possible",
            "possibly",
            "suspicious for",
            "suggestive of",
            "cannot be excluded",
            "cannot exclude",
            "can not be excluded",
            "equivocal",
            "indeterminate",
            "inconclusive",
            "borderline",
            "questionable",
            "uncertain",
            "probable",
            "likely",
            "rule out",
            "r/o",
            "insufficient",
            "not evaluable",
            "failed",
            "could not be",
            "unable to",
        ],
        **_ALL,
    ),
    *_words(
        "METHOD",
        [
            "panel",
            "antibody panel",
            "antibodies",
            "antibody",
            "reagent",
            "reagents",
            "tube",
            "tubes",
            "fluorochrome",
            "fluorochromes",
            "probe",
            "probes",
            "probe set",
            "gating",
            "gated",
            "gate",
            "markers tested",
            "markers evaluated",
            "markers assessed",
            "antigens assessed",
            "included",
            "includes",
            "stains performed",
            "were performed",
            "color",
            "colour",
            "clone",
        ],
        **_ALL,
    ),
    # --- Populations -------------------------------------------------------------------------
    *_words(
        "NORMAL",
        [
            "normal b cells",
            "normal b-cells",
            "normal b cell",
            "normal b-cell precursors",
            "normal b lymphocytes",
            "normal b-lymphocytes",
            "residual normal",
            "normal residual",
            "hematogones",
            "haematogones",
            "polyclonal",
            "mature b cells",
            "mature b-cells",
            "normal plasma cells",
            "background",
            "internal control",
            "normal lymphocytes",
            "non-neoplastic",
            "benign",
            "reactive",
            "normal precursors",
            "normal myeloid",
        ],
        allowed_types=ANTIGENS,
        terminated_by={"DISEASE"},
    ),
    *_words(
        "DISEASE",
        [
            "blasts",
            "blast",
            "lymphoblasts",
            "myeloblasts",
            "leukemic",
            "leukaemic",
            "abnormal",
            "neoplastic",
            "malignant",
            "clonal",
            "myeloma cells",
            "plasma cells",
            "tumor cells",
            "tumour cells",
            "lymphoma cells",
            "blast population",
        ],
        allowed_types=ANTIGENS,
        terminated_by={"NORMAL"},
    ),
    # --- Limits are not levels ----------------------------------------------------------------
    *_words(
        "THRESHOLD",
        [
            "threshold",
            "cutoff",
            "cut-off",
            "cut off",
            "limit of detection",
            "limit of quantitation",
            "limit of quantification",
            "detection limit",
            "LOD",
            "LOQ",
            "LLOQ",
            "sensitivity",
            "lower limit",
            "reportable range",
            "limit",
            "defined as",
            "positivity threshold",
        ],
        # "Sensitivity of the MRD assay: 0.001%": the MRD named is the assay's, not a result.
        allowed_types={"LEVEL", "MRD"},
        max_scope=4,
    ),
    # --- Scope stops and look-alikes ----------------------------------------------------------
    *_words(
        "PSEUDO",
        [
            "internal negative control",
            "negative control",
            "positive control",
            "positive and negative controls",
            "negative and positive controls",
            "controls appropriate",
            "controls are appropriate",
            "controls reacted appropriately",
            "dim to negative",
            "false positive",
            "false negative",
            "not excluded",
            "no longer",
            "ph-like",
            "negative predictive",
            "positive predictive",
            "not otherwise specified",
        ],
        "PSEUDO",
    ),
]
