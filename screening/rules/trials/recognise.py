"""Recognising the common eligibility bullets, deterministically and aware of negation.

A bullet is cut into clauses (at semicolons and sentence ends). In each clause the target
phrases are found (antigen positivity, relapsed/refractory disease, prior lines, prior CAR-T or
same-target therapy, an allogeneic transplant within N months, CNS disease, ECOG, age, active
infection); then, NegEx-style, the words around each target decide its polarity:

- the section gives the default: an inclusion bullet requires, an exclusion bullet excludes;
- a negation trigger shortly before the target flips it ("no prior CAR-T", "without CNS
  involvement"), unless a terminator ("but", "except", "unless") stands between;
- words after it can forbid ("... not allowed", "... excluded") or permit ("... allowed",
  "... permitted", "is not required"): a permission is recorded as met;
- text in parentheses is an aside: no target or trigger inside it counts;
- an unreadable alternative next to a target ("high-risk or relapsed"), a cohort limit ("in the
  main cohort") or an investigator's judgment ("judged high-risk") guards it: a contradiction
  then goes to the trial team rather than ruling the person out;
- a clause that limits itself to some participants ("aged 12-17 only at higher doses") is not
  read at all.

Whatever a bullet says beyond the recognised targets is listed for the trial team.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .conditions import PHRASES, normalise
from .eligibility import EXCLUSION, INCLUSION, Bullet
from .findings import (
    ALLOWS,
    ANY_CAR_T,
    MUST,
    MUST_NOT,
    TARGETED_CAR_T,
    ActiveInfection,
    AgeText,
    AllogeneicTransplant,
    AntigenPositive,
    CnsDisease,
    Ecog,
    Finding,
    PriorLines,
    PriorTherapy,
    Progressed,
    RelapsedRefractory,
    SecondRelapse,
)

NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
NUM = r"(?:\d+|one|two|three|four|five|six|seven|eight)"
ANTIGEN = r"(?:cd19|cd22|cd7|bcma|gprc5d|cd20|cd30|cd5|cd33|cd123)"
ANTIGEN_LIST = rf"{ANTIGEN}(?:\s*(?:/|,|and/or|or|and)\s*{ANTIGEN})*"

_PRE_NEGATION = re.compile(
    r"\b(no|not|without|never|absence of|free of|lack of|loss of|none|neither|nor|"
    r"negative for|excluding|must not have|cannot have|may not have)\b[^.;]*$"
)
_TERMINATOR = re.compile(
    r"\b(but|however|except|unless|although|apart from|aside from|other than)\b"
)
_FORBIDS = re.compile(
    r"^[^.;]{0,40}?\b(not (be )?(allowed|permitted|eligible)|excluded|ineligible|prohibited)\b"
)
_PERMITS = re.compile(
    r"^[^.;]{0,40}?\b(allowed|permitted|eligible|acceptable|(is|are) not required|"
    r"not an exclusion)\b"
)
_EXAMPLE_CUE = re.compile(r"\b(including|includes|such as|e\.g\.|for example)\b")
_COHORT = re.compile(
    r"\bin (the )?(main|primary|expansion|escalation|dose[- ]\w+|phase \w+|part \w+|\w+) "
    r"(cohort|arm|part|portion)\b|\bcohorts?\b"
)
_JUDGMENT = re.compile(
    r"\b(judged|investigator|opinion|high[- ]risk|clinically significant|significant|symptomatic|"
    r"uncontrolled|serious|severe|requiring|untreated|progressive)\b"
)
_LIMITED = re.compile(
    r"\bonly (at|in|for|during|if|when)\b|\b(not verified|unverified|to be confirmed|tbd)\b"
)
_EXAMPLES = re.compile(r"^(examples?|e\.g\.|for example|such as|including|includes?)\b", re.I)
_NEUROLOGICAL = re.compile(
    r"epilep|seizure|stroke|dementia|neurolog|psychiatr|cerebrovascular|paresis|aphasia|parkinson"
)

_ANTIGEN_POSITIVE = re.compile(
    rf"\b(?P<ags>{ANTIGEN_LIST})\s*[- ]?\s*(?:\+|positive\b|pos\b|expressing\b|expression\b)"
    rf"|\bexpress(?:es|ing|ion of)?\s+(?P<ags2>{ANTIGEN_LIST})\b(?![- ](?:directed|targeted|car))"
)
_ANTIGEN_NEGATIVE = re.compile(rf"\b(?P<ags>{ANTIGEN_LIST})\s*[- ]?\s*(?:negative\b|neg\b|−)")
_RR = re.compile(
    r"\b(relapsed(?:\s*(?:/|or|and/or|and)\s*(?:is |are |has been |have been |"
    r"was )?refractory)?|refractory(?:\s*(?:/|or|and/or)\s*"
    r"relapsed)?|r/r|recurrent|relapses?|did not respond|not responding|no response|"
    r"not cured by|resistant disease|failed to achieve (?:a )?remission)\b"
)
_SECOND_RELAPSE = re.compile(
    r"\b(second|2nd)(?: or (?:later|greater|subsequent|more))? relapse|\b(≥|>=)\s*2(nd)? relapse"
)
_PROGRESSED = re.compile(r"\b(progressive disease|disease progression|progressed)\b")
_LINES = (
    re.compile(
        rf"\b(?P<q>at least|a minimum of|minimum of|≥|>=|more than|greater than|>)\s*(?P<n>{NUM})"
        r"\s*(?:\(\d+\)\s*)?(?:(?:prior|previous|different|systemic|standard|or more)\s+)*"
        r"(?:lines?|regimens?)\b"
    ),
    re.compile(
        rf"\b(?P<n>{NUM})\s*(?:\(\d+\)\s*)?or more\s+(?:(?:prior|previous|systemic)\s+)*"
        r"(?:lines?|regimens?)\b"
    ),
    re.compile(
        rf"\b(?P<n>{NUM})\s*(?:-|–|to)\s*(?P<m>{NUM})\s+(?:(?:prior|previous|systemic)\s+)*"
        r"(?:lines?|regimens?)\b"
    ),
)
_PRIOR_CUE = re.compile(
    r"\b(prior|previous|previously|received|receipt of|history of|exposure to|exposed to|"
    r"treated with|treatment with|before|after)\b"
)
_THERAPY = re.compile(
    rf"\b(?:anti[- ]?)?(?P<ag>{ANTIGEN})[- ](?:directed|targeted|targeting|specific|based|car)\b"
    rf"|\banti[- ](?P<ag2>{ANTIGEN})\b"
    r"|\b(?P<car>car[- ]?t\b|car t[- ]cells?|chimeric antigen receptor|car[- ]modified|"
    r"car therap(?:y|ies))"
    r"|\b(?P<same>same (?:target|antigen)|targeting the same)"
)
_ALLO_HSCT = re.compile(
    r"\ballo(?:geneic|genic)?[- ]?(?:(?:hematopoietic|haematopoietic|stem|cell|bone|marrow|"
    r"progenitor)\s+)*(?:hsct|sct|hct|transplant\w*)\b|\ballo[- ]?(?:hsct|sct|hct)\b"
)
_WITHIN = re.compile(
    rf"\b(?:within|in the (?:last|past|previous)|less than|<)\s*(?P<n>{NUM})\s*(?P<u>months?|"
    rf"weeks?|days?)"
)
_CNS = re.compile(
    r"\b(?:cns|central nervous system)[- ](?:involvement|disease|lymphoma|leuk\w*|relapse|"
    r"metastas\w*|infiltration|localization)\b|\bcns[- ]?3\b|\bleptomeningeal\b"
)
_ECOG = re.compile(r"\becog\b(?:\s+(?:performance\s+status|performance|ps|score|status))*")
_INFECTION = re.compile(
    r"\b(?:active|uncontrolled|ongoing|serious|severe|systemic)\s+(?:\w+\s+){0,2}?infections?\b"
)
_AGE_PATTERNS = (
    # (pattern, kind): "min" => group 1 is a minimum; "range" => 1..2; "range_under" => 1..<2
    (
        re.compile(r"\bage[sd]?\s*(?:of\s*)?(\d+)\s*(?:-|–|to)\s*(?:under|less than|<)\s*(\d+)"),
        "range_under",
    ),
    (re.compile(r"\bage[sd]?\s*(?:of\s*)?(\d+)\s*(?:-|–|to)\s*(\d+)"), "range"),
    (re.compile(r"\bage[sd]?\s*(?:of\s*)?(?:≥|>=|at least|over)\s*(\d+)"), "min"),
    (
        re.compile(
            r"\bage[sd]?\s*(?:of\s*)?(\d+)\s*(?:years?\s*)?(?:or older|and older|or above|"
            r"or over|\+)"
        ),
        "min",
    ),
    (re.compile(r"\b(\d+)\s*years?(?: of age)?\s*(?:or older|and older|or above)"), "min"),
    (re.compile(r"(?:≥|>=)\s*(\d+)\s*years"), "min"),
    (re.compile(r"^(?:an? )?adults?\b(?! and children)"), "adult"),
)

# Classes of the profile's treatment vocabulary that each therapy mention stands for. Classes
# the vocabulary does not (yet) have are dropped by PriorTherapy.
THERAPY_CLASSES = {
    "CAR-T": ("cd19_car_t", "bcma_car_t"),
    "CD19": ("cd19_car_t", "blinatumomab"),
    "CD22": ("inotuzumab",),
    "BCMA": ("bcma_car_t", "bcma_bispecific", "bcma_adc"),
    "GPRC5D": ("gprc5d_directed",),
    "CD20": ("anti_cd20", "cd20_bispecific"),
}
CAR_CLASSES = {"CD19": ("cd19_car_t",), "BCMA": ("bcma_car_t",), "GPRC5D": ("gprc5d_directed",)}

_NEUTRAL_WORDS = frozenset(
    "a an the and or of with to in for by at on as is are be been must have has had who that "
    "which patients patient participants participant subjects subject disease diseases "
    "documented confirmed histologically diagnosed diagnosis defined per criteria according "
    "prior therapy therapies treatment treatments any other than after before including "
    "least more years year age aged old older adult adults following history evidence "
    "known current currently active within months month weeks days not no is are was has been "
    "leukemic leukaemic blasts blast cells cell malignant malignancy malignancies "
    "relapsed refractory standard line lines first second third stage".split()
)


_ASIDE = re.compile(r"[(\[][^()\[\]]*[)\]]")


def _mask_parentheses(text: str) -> str:
    """Blank out (asides) so neither targets nor triggers inside them count; innermost first,
    keeping every offset."""
    while True:
        masked = _ASIDE.sub(lambda m: " " * len(m.group(0)), text)
        if masked == text:
            return masked
        text = masked


def _clauses(text: str) -> list[str]:
    masked = _mask_parentheses(text.lower())
    parts = re.split(r";|(?<!\b[a-z])\.(?=\s|$)(?!\d)", masked)
    return [part for part in parts if part.strip()]


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBERS[word]


class _Clause:
    def __init__(self, text: str, section: str):
        self.text = text
        self.section = section
        self.spans: list[tuple[int, int]] = []

    def polarity(self, start: int, end: int) -> str:
        before = self.text[max(0, start - 60) : start]
        cut = list(_TERMINATOR.finditer(before))
        if cut:
            before = before[cut[-1].end() :]
        after = self.text[end:]
        base = MUST if self.section == INCLUSION else MUST_NOT
        negated = _PRE_NEGATION.search(before) is not None
        if _FORBIDS.search(after):
            return MUST_NOT
        if _EXAMPLE_CUE.search(before):
            return ALLOWS  # "including patients who relapsed after CD19 therapy": an example
        if _PERMITS.search(after) and not negated:
            return ALLOWS
        if negated:
            return MUST_NOT if base == MUST else MUST
        return base

    def alternative_nearby(self, start: int, end: int, same_kind: re.Pattern) -> bool:
        """An 'or' joining this target to words that are not the same kind of target."""
        after = self.text[end : end + 40]
        before = self.text[max(0, start - 40) : start]
        following = re.match(r"^[\s,]*(?:or|and/or)\s+(.*)", after)
        if following and not same_kind.match(following.group(1)):
            return True
        preceding = re.search(r"(\S+(?:\s+\S+)?)[\s,]+(?:or|and/or)[\s,]*$", before)
        return bool(preceding and not same_kind.search(preceding.group(1) + " "))

    def segment(self, start: int, end: int) -> str:
        """The target with the words that belong to it: up to the neighbouring 'or', 'and'
        or comma, so "active CNS lymphoma or uncontrolled infection" keeps its parts apart."""
        boundary = re.compile(r",|\bor\b|\band\b")
        before = self.text[:start]
        cuts = list(boundary.finditer(before))
        left = cuts[-1].end() if cuts else 0
        cut = boundary.search(self.text, end)
        right = cut.start() if cut else len(self.text)
        return self.text[left:right]

    def guard(self, start, end, kind_pattern, *, judgment=False) -> tuple[bool, str]:
        if self.section == INCLUSION and self.alternative_nearby(start, end, kind_pattern):
            return True, "The criterion offers an alternative Navigator cannot read."
        if _COHORT.search(self.text):
            return True, "The criterion applies to some cohorts only."
        if judgment and _JUDGMENT.search(self.segment(start, end)):
            return True, "The criterion needs the trial team's judgment."
        return False, ""


def recognise(
    bullet: Bullet, *, targets=(), structured=(False, False)
) -> tuple[list[Finding], bool]:
    """(findings, leftover): the recognised requirements of one bullet, and whether it says
    more than they cover (then the bullet is also listed for the trial team).

    Memoised: registries repeat the same bullets across studies, and findings are read-only
    once made."""
    findings, leftover = _recognise(bullet, tuple(targets), tuple(structured))
    return list(findings), leftover


@lru_cache(maxsize=65536)
def _recognise(bullet: Bullet, targets: tuple, structured: tuple) -> tuple[tuple, bool]:
    if bullet.section not in (INCLUSION, EXCLUSION) or bullet.alternative:
        return (), True
    if _EXAMPLES.match(bullet.text):
        return (), True  # a list of examples is a list of alternatives
    findings: list[Finding] = []
    leftover = False
    for text in _clauses(bullet.text):
        if _LIMITED.search(text):
            leftover = True
            continue
        clause = _Clause(text, bullet.section)
        found = _recognise_clause(clause, bullet, targets, structured)
        findings += found
        leftover = leftover or _has_leftover(clause)
    states = [f for f in findings if isinstance(f, RelapsedRefractory)]
    if len(states) > 1:
        # Several disease states in one bullet are alternatives ("primary refractory; second
        # relapse; relapse after transplant"): none of them alone is required.
        for finding in states:
            finding.guarded = True
            finding.guard_reason = "The criterion lists alternatives Navigator cannot weigh."
    return tuple(findings), leftover or not findings


def _add(clause, findings, finding_class, match, *args, judgment=False, kind=None, bullet=None):
    start, end = match.span()
    clause.spans.append((start, end))
    polarity = clause.polarity(start, end)
    guarded, reason = clause.guard(start, end, kind or re.compile(r"$^"), judgment=judgment)
    findings.append(finding_class(*args, bullet.section, bullet.source, polarity, guarded, reason))


def _recognise_clause(clause: _Clause, bullet: Bullet, targets, structured) -> list[Finding]:
    text = clause.text
    found: list[Finding] = []
    for match in _ANTIGEN_POSITIVE.finditer(text):
        names = match.group("ags") or match.group("ags2")
        antigens = [a.upper() for a in re.findall(ANTIGEN, names)]
        any_of = bool(re.search(r"/|\bor\b", names)) or len(antigens) == 1
        _add(
            clause,
            found,
            AntigenPositive,
            match,
            antigens,
            any_of,
            kind=_ANTIGEN_POSITIVE,
            bullet=bullet,
        )
    for match in _ANTIGEN_NEGATIVE.finditer(text):
        antigens = [a.upper() for a in re.findall(ANTIGEN, match.group("ags"))]
        start, end = match.span()
        clause.spans.append((start, end))
        polarity = clause.polarity(start, end)
        # "CD19-negative" is the absence of CD19 expression: the opposite polarity.
        flipped = {MUST: MUST_NOT, MUST_NOT: MUST}.get(polarity, polarity)
        found.append(AntigenPositive(antigens, False, bullet.section, bullet.source, flipped))
    therapy_matches = list(_THERAPY.finditer(text))
    for match in therapy_matches:
        if not _PRIOR_CUE.search(text[: match.start()]):
            continue
        label, classes, car = _therapy(match, text, targets)
        _add(clause, found, PriorTherapy, match, label, classes, car, kind=_THERAPY, bullet=bullet)
    if bullet.section == INCLUSION:
        for match in _SECOND_RELAPSE.finditer(text):
            _add(clause, found, SecondRelapse, match, kind=_RR, bullet=bullet)
        covered = [span for span in clause.spans]
        for match in _RR.finditer(text):
            if any(s <= match.start() < e for s, e in covered):
                continue
            if (
                _PRIOR_CUE.search(text[max(0, match.start() - 12) : match.start()])
                and "therap" in text[match.end() : match.end() + 20]
            ):
                continue
            if any(isinstance(f, RelapsedRefractory) for f in found):
                clause.spans.append(match.span())  # one finding per clause: the rest restate it
                continue
            _add(clause, found, RelapsedRefractory, match, kind=_RR, bullet=bullet)
    else:
        for match in _PROGRESSED.finditer(text):
            _add(clause, found, Progressed, match, bullet=bullet)
            break
    for pattern in _LINES:
        match = pattern.search(text)
        if match:
            low = _number(match.group("n"))
            high = _number(match.group("m")) if "m" in pattern.groupindex else None
            if "q" in pattern.groupindex and match.group("q") in ("more than", "greater than", ">"):
                low += 1
            _add(clause, found, PriorLines, match, low, high, bullet=bullet)
            break
    for match in _ALLO_HSCT.finditer(text):
        window = text[max(0, match.start() - 50) : match.end() + 50]
        within = _WITHIN.search(window)
        period = f"{_number(within.group('n'))} {within.group('u')}" if within else ""
        _add(clause, found, AllogeneicTransplant, match, period, bullet=bullet)
        if bullet.section == INCLUSION and found[-1].polarity == MUST:
            # An inclusion naming a transplant is nearly always one route among several.
            found[-1].guarded = True
            found[-1].guard_reason = "Whether a transplant is required is for the trial team."
        break
    if not _NEUROLOGICAL.search(text):
        for match in _CNS.finditer(text):
            _add(clause, found, CnsDisease, match, judgment=True, bullet=bullet)
            break
    for match in _INFECTION.finditer(text):
        _add(clause, found, ActiveInfection, match, judgment=True, bullet=bullet)
        break
    ecog = _ECOG.search(text)
    if ecog:
        bounds = _ecog_bounds(text[ecog.end() : ecog.end() + 30])
        if bounds:
            _add(clause, found, Ecog, ecog, bounds[0], bounds[1], bullet=bullet)
            clause.spans.append((ecog.end(), ecog.end() + bounds[2]))
    if bullet.section == INCLUSION:
        _recognise_age(clause, bullet, found, structured)
    return found


def _therapy(match, text, targets) -> tuple[str, tuple[str, ...], str]:
    """The mention's label, the profile classes it stands for, and whether it names a CAR-T of
    any target (ANY_CAR_T), of one target (TARGETED_CAR_T) or no CAR-T ("")."""
    antigen = (match.group("ag") or match.group("ag2") or "").upper()
    if match.group("same"):
        classes = tuple(c for t in targets for c in THERAPY_CLASSES.get(t, ()))
        return f"therapy against the same target ({', '.join(targets) or 'not named'})", classes, ""
    if match.group("car"):
        preceding = re.search(rf"({ANTIGEN})[- ]*$", text[: match.start()])
        if preceding:
            antigen = preceding.group(1).upper()
            return f"{antigen} CAR-T therapy", CAR_CLASSES.get(antigen, ()), TARGETED_CAR_T
        return "CAR-T therapy", THERAPY_CLASSES["CAR-T"], ANY_CAR_T
    if match.group(0).endswith("car"):
        return f"{antigen} CAR-T therapy", CAR_CLASSES.get(antigen, ()), TARGETED_CAR_T
    return f"{antigen}-directed therapy", THERAPY_CLASSES.get(antigen, ()), ""


def _ecog_bounds(text: str) -> tuple[int, int, int] | None:
    """(low, high, characters read) from the words after 'ECOG'."""
    lead = r"^[\s:]*(?:(?:of|is|must be|score|status|ps|=)\s*)*"
    patterns = (
        (lead + r"(?:≤|<=|=<)\s*([0-4])", lambda m: (0, int(m.group(1)))),
        (lead + r"<\s*([1-5])", lambda m: (0, int(m.group(1)) - 1)),
        (lead + r"(?:≥|>=)\s*([0-4])", lambda m: (int(m.group(1)), 4)),
        (lead + r">\s*([0-3])", lambda m: (int(m.group(1)) + 1, 4)),
        (lead + r"([0-4])\s*(?:-|–|to)\s*([0-4])", lambda m: (int(m.group(1)), int(m.group(2)))),
        (
            lead + r"([0-4])(?:\s*,\s*[0-4])*,?\s*(?:or|and)\s*([0-4])\b",
            lambda m: (int(m.group(1)), int(m.group(2))),
        ),
        (lead + r"([0-4])\s*or\s*(?:less|lower|better|below)", lambda m: (0, int(m.group(1)))),
        (
            lead + r"([0-4])\s*or\s*(?:more|higher|greater|worse|above)",
            lambda m: (int(m.group(1)), 4),
        ),
    )
    for pattern, bounds in patterns:
        match = re.match(pattern, text)
        if match:
            low, high = bounds(match)
            if 0 <= low <= high <= 4:
                return low, high, match.end()
    return None


def _recognise_age(clause, bullet, found, structured) -> None:
    text = clause.text.strip()
    for pattern, kind in _AGE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        if kind == "adult":
            low, high, exclusive = 18.0, None, False
        elif kind == "min":
            low, high, exclusive = float(match.group(1)), None, False
        else:
            low, high = float(match.group(1)), float(match.group(2))
            exclusive = kind == "range_under"
        offset = len(clause.text) - len(clause.text.lstrip())
        start, end = match.start() + offset, match.end() + offset
        clause.spans.append((start, end))
        found.append(AgeText(low, high, exclusive, structured, bullet.section, bullet.source, MUST))
        return


_ANY_PHRASE = re.compile("|".join(f"(?:{phrase.pattern.pattern})" for phrase in PHRASES))


def _has_leftover(clause: _Clause) -> bool:
    """Whether the clause says something beyond its recognised targets and disease names."""
    chars = list(clause.text)
    for start, end in clause.spans:
        chars[start:end] = " " * (end - start)
    rest = _ANY_PHRASE.sub(" ", " " + normalise("".join(chars)) + " ")
    words = [w for w in re.findall(r"[a-z][a-z0-9-]+", rest) if w not in _NEUTRAL_WORDS]
    return len(words) >= 2
