"""A plain-text table of screening outputs, for people reading a terminal."""

from __future__ import annotations

from .data import PRODUCTS
from .results import MEDICAL_ADVICE_NOTICE

VERDICT_WORDS = {
    "eligible": "likely eligible",
    "needs_review": "needs review",
    "not_eligible": "not eligible",
}


def _deciding(key: str, result: dict) -> str:
    """The indications that carry the product's verdict, or the reasons it fails."""
    verdict = result["verdict"]
    if verdict != "not_eligible":
        return ", ".join(
            i["id"] + (f" (with {' and '.join(i['given_with'])})" if i.get("given_with") else "")
            for i in result["indications"]
            if i["verdict"] == verdict
        )
    reasons = []
    for indication in result["indications"]:
        failed = next(c for c in indication["criteria"] if c["outcome"] == "not_met")
        if failed["name"] != "diagnosis":
            reasons.append(f"{indication['id']}: {failed['explanation']}")
    if not reasons:
        return f"no indication covers this diagnosis (labelled for: {PRODUCTS[key].labelled_for})"
    return " | ".join(reasons)


def render_table(outputs: list[dict]) -> str:
    lines = []
    width = max(len(product.brand) for product in PRODUCTS.values())
    for number, output in enumerate(outputs, start=1):
        title = output.get("id") or f"case {number}"
        if "errors" in output:
            lines.append(f"{title}: INVALID")
            lines += [f"  - {error}" for error in output["errors"]]
            lines.append("")
            continue
        lines.append(f"{title}  (ruleset {output['ruleset']})")
        for key, result in output["results"].items():
            brand = PRODUCTS[key].brand
            verdict = VERDICT_WORDS[result["verdict"]]
            lines.append(f"  {brand:<{width}}  {verdict:<15}  {_deciding(key, result)}")
            for fact in result["missing"]:
                lines.append(
                    f"  {'':<{width}}  {'':<15}  missing: {fact['fact']} ({fact['document']})"
                )
        lines.append("")
    lines.append(MEDICAL_ADVICE_NOTICE)
    return "\n".join(lines)
