"""Read one clause with medspaCy: which markers it names and what it says about each.

The pipeline is a blank English spaCy tokenizer (no model), a component that makes each clause
one sentence (the clauses come from text.py, which knows report layout better than a sentence
splitter trained on notes), medspaCy's target matcher and its ConText component with the rules
of data/lexicon.py. Built once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from screening.documents.facts.data import lexicon

# Categories that make a mention something other than a result on this specimen, with the
# reason the bench and the tests can read.
NOT_A_RESULT = {
    "THRESHOLD": "a limit of the assay",
    "HISTORICAL": "history",
    "HYPOTHETICAL": "pending or recommended",
    "POSSIBLE_EXISTENCE": "uncertain",
    "METHOD": "method or panel",
}

_PLUS_SIGN = re.compile(r"(?<=[A-Za-z0-9)])\+(?=[\s,;/).:]|$)")
_MINUS_SIGN = re.compile(r"(?<=[A-Za-z0-9])-(?=[\s,;/).:]|$)")
_MARKER_SLASH = re.compile(r"(?<=[A-Z0-9+])/(?=[A-Z])")
_BELOW = re.compile(r"^\s*(?:<|<=|≤|less than|below)", re.IGNORECASE)
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*%")
_SCIENTIFIC = re.compile(r"(\d+(?:\.\d+)?)\s*(?:x\s*10\s*\^?|e)\s*-\s*(\d+)", re.IGNORECASE)
_POWER_OF_TEN = re.compile(r"10\s*\^\s*-\s*(\d+)")


@dataclass(frozen=True, slots=True)
class Mention:
    """A marker named in a clause and what the clause says about it.

    value: True / False for a biomarker, a percentage for MRD, None when the clause states no
    result. excluded: why the mention is not a result on this specimen ("" when it is).
    """

    label: str
    field: str
    value: bool | float | None
    excluded: str = ""

    @property
    def weak(self) -> bool:
        # A KMT2A partial tandem duplication says "not rearranged" only by convention; any
        # statement of a real rearrangement outweighs it.
        return self.label == "KMT2A_PTD"


def analysis_text(clause: str) -> str:
    """The clause with signs spelled out for the tokenizer: CD19+ → CD19 pos, CD20- → CD20 neg,
    CD19/CD10 → CD19 / CD10."""
    text = _PLUS_SIGN.sub(" pos", clause)
    text = _MINUS_SIGN.sub(" neg", text)
    return _MARKER_SLASH.sub(" / ", text)


@lru_cache(maxsize=1)
def pipeline():
    """The medspaCy pipeline; built once (about a second), then reused."""
    return build_pipeline()


def build_pipeline(*, packaged_rules: bool = False):
    """A new pipeline. packaged_rules adds ConText's packaged English rules (written for
    clinical notes) to ours; bench/facts.py measures the difference."""
    from loguru import logger

    # medspaCy's sentence splitter logs every token at DEBUG through loguru; it is not used here.
    logger.disable("PyRuSH")
    import medspacy  # noqa: F401 - registers the medspacy_* factories and span extensions
    import spacy
    from medspacy.context import ConTextRule
    from medspacy.ner import TargetRule
    from spacy.language import Language

    if "navigator_one_sentence" not in Language.factories:

        @Language.component("navigator_one_sentence")
        def one_sentence(doc):
            for index, token in enumerate(doc):
                token.is_sent_start = index == 0
            return doc

    nlp = spacy.blank("en")
    nlp.add_pipe("navigator_one_sentence")
    matcher = nlp.add_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(**rule) for rule in lexicon.TARGET_RULES])
    rules = "default" if packaged_rules else None
    context = nlp.add_pipe("medspacy_context", config={"rules": rules, "span_attrs": None})
    context.add([ConTextRule(**rule) for rule in lexicon.CONTEXT_RULES])
    return nlp


def _distance(target, modifier) -> int:
    start, end = modifier.modifier_span
    if end <= target.start:
        return target.start - end
    return max(0, start - target.end)


def _nearest(target, modifiers, categories):
    chosen = [m for m in modifiers if m.category in categories]
    return min(chosen, key=lambda m: _distance(target, m)) if chosen else None


def _stated_beside(target, modifiers) -> bool:
    """Is an explicit result right beside the target ("BCR::ABL1 negative", "CD19: positive")?"""
    result = _nearest(target, modifiers, {"POSITIVE", "NEGATIVE"})
    return result is not None and _distance(target, result) <= 1


def _boolean(target, modifiers) -> bool | None:
    result = _nearest(target, modifiers, {"POSITIVE", "NEGATIVE"})
    negated = any(m.category == "NEGATED_EXISTENCE" for m in modifiers)
    if result is not None and result.category == "NEGATIVE":
        return False
    if negated:
        return False
    if result is not None or target.label_ in lexicon.IMPLICIT:
        return True
    if _nearest(target, modifiers, {"POSITIVE_HINT"}) is not None:
        return True
    return None


def level_percent(text: str) -> float | None:
    """A level as a percentage: "0.12 %" → 0.12, "1.2 x 10^-3" → 0.12, "< 0.01 %" → 0."""
    if _BELOW.match(text):
        return 0.0
    if match := _PERCENT.search(text):
        value = Decimal(match.group(1))
    elif match := _SCIENTIFIC.search(text):
        value = Decimal(match.group(1)).scaleb(-int(match.group(2))) * 100
    elif match := _POWER_OF_TEN.search(text):
        value = Decimal(1).scaleb(-int(match.group(1))) * 100
    else:
        return None
    return float(value.normalize())


def _mrd(target, modifiers, levels) -> float | None:
    if _boolean(target, modifiers) is False:
        # "MRD not detected", "MRD negative": 0 whatever limit follows ("at a sensitivity of
        # 10^-6"); the schema's convention.
        return 0.0
    usable = [level for level in levels if not level[1]]
    if usable:
        after = [level for level in usable if level[0].start >= target.end]
        span = min(after or usable, key=lambda level: abs(level[0].start - target.end))[0]
        return level_percent(span.text)
    return None


def read_clauses(clauses: list[str], nlp=None) -> list[list[Mention]]:
    """The mentions of each clause, in order (with the shared pipeline unless given one)."""
    nlp = nlp or pipeline()
    results = []
    for doc in nlp.pipe(analysis_text(clause) for clause in clauses):
        by_target: dict[tuple[int, int], list] = {}
        for target, modifier in doc._.context_graph.edges:
            by_target.setdefault((target.start, target.end), []).append(modifier)
        levels = []
        for ent in doc.ents:
            if ent.label_ == "LEVEL":
                modifiers = by_target.get((ent.start, ent.end), [])
                blocked = any(m.category in NOT_A_RESULT for m in modifiers)
                levels.append((ent, blocked))
        mentions = []
        for ent in doc.ents:
            field = lexicon.FIELD_OF.get(ent.label_)
            if field is None:
                continue
            modifiers = [
                m
                for m in by_target.get((ent.start, ent.end), [])
                # A limit names the assay's MRD when it comes first ("sensitivity of the MRD
                # assay"); after a result ("MRD negative; sensitivity 10^-6") it is the assay's.
                if m.category != "THRESHOLD" or m.modifier_span[1] <= ent.start
            ]
            excluded = next(
                (NOT_A_RESULT[m.category] for m in modifiers if m.category in NOT_A_RESULT), ""
            )
            if excluded == NOT_A_RESULT["METHOD"] and _stated_beside(ent, modifiers):
                excluded = ""  # "FISH panel for B-ALL: BCR::ABL1 negative" is a result
            population = _nearest(ent, modifiers, {"NORMAL", "DISEASE"})
            if not excluded and population is not None and population.category == "NORMAL":
                excluded = "normal population"
            if ent.label_ == "MRD":
                value = _mrd(ent, modifiers, levels)
            else:
                value = _boolean(ent, modifiers)
            mentions.append(Mention(ent.label_, field, value, excluded))
        results.append(mentions)
    return results
