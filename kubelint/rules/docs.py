"""Rule documentation, generated from the rule files (``kubelint explain``, docs/rules.md)."""

from __future__ import annotations

from kubelint.rules.registry import EXPECT_MARK, Rule


def _example(text: str) -> str:
    # The "# expect: rule" markers are test fixtures; in the docs they read better as arrows.
    lines = [EXPECT_MARK.sub(lambda m: "# <- " + m.group(1), line).rstrip() for line in text.rstrip().splitlines()]
    return "\n".join("    " + line for line in lines)


def explain_rule(rule: Rule) -> str:
    state = "on" if rule.enabled else "off (enable it with --select " + rule.id + ")"
    parts = [
        f"{rule.id}  ({rule.severity.label}, {rule.category}, {state} by default)",
        "",
        rule.summary,
        "",
        "What it does",
        _indent(rule.description),
        "",
        "Why it matters",
        _indent(rule.rationale),
    ]
    if rule.bad_example:
        parts += ["", "Example", _example(rule.bad_example)]
    if rule.good_example:
        parts += ["", "Use instead", _example(rule.good_example)]
    if rule.example_note:
        parts += ["", _indent(rule.example_note)]
    parts += ["", "How to fix", _indent(rule.remediation)]
    if rule.fix:
        parts += ["", "Fix", _indent(f"{fix_label(rule)}: {rule.fix_summary}")]
    if rule.references:
        parts += ["", "References"] + [f"  - {ref}" for ref in rule.references]
    return "\n".join(parts) + "\n"


def fix_label(rule: Rule) -> str:
    """How ``--fix`` treats the rule: "safe fix" (applied by --fix) or "unsafe fix" (--unsafe-fixes too)."""
    if rule.fix == "safe":
        return "safe fix (kubelint check --fix)"
    return "unsafe fix (kubelint check --fix --unsafe-fixes)"


def _indent(text: str) -> str:
    return "\n".join("  " + line if line else "" for line in text.splitlines())


def rules_markdown(rules: list[Rule]) -> str:
    """docs/rules.md: every rule, generated (scripts/gen_docs.py; CI checks it is current)."""
    out = ["# kubelint rules", "", "Generated from `rules/*.yaml` by `scripts/gen_docs.py`; do not edit.", "",
           "| rule | severity | default | fix | summary |", "|---|---|---|---|---|"]
    for rule in sorted(rules, key=lambda r: r.id):
        out.append(f"| [`{rule.id}`](#{rule.id}) | {rule.severity.label} | {'on' if rule.enabled else 'off'} | "
                   f"{rule.fix or ''} | {rule.summary} |")
    for rule in sorted(rules, key=lambda r: r.id):
        out += ["", f"## {rule.id}", "", f"*{rule.severity.label}, {rule.category}, "
                f"{'on' if rule.enabled else 'off'} by default.* {rule.summary}", "",
                "**What it does.** " + rule.description, "", "**Why it matters.** " + rule.rationale]
        if rule.bad_example:
            out += ["", "**Example.**", "", "```yaml", rule.bad_example.rstrip(), "```"]
        if rule.good_example:
            out += ["", "**Use instead.**", "", "```yaml", rule.good_example.rstrip(), "```"]
        if rule.example_note:
            out += ["", rule.example_note]
        out += ["", "**How to fix.** " + rule.remediation]
        if rule.fix:
            out += ["", f"**Fix ({rule.fix}).** {rule.fix_summary} "
                    + ("`kubelint check --fix` applies it." if rule.fix == "safe"
                       else "`kubelint check --fix --unsafe-fixes` applies it.")]
        if rule.references:
            out += [""] + [f"- {ref}" for ref in rule.references]
    return "\n".join(out) + "\n"
