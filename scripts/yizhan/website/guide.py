"""政策找人: the guided finder page, its rules as data for the browser, and plain pages by situation (情形).

The rules are the policies' structured conditions turned into "which tapped answers meet them"
(`eligibility.requirements`), so the page's script only compares sets; the same data makes one
page per situation, which is what a visitor without JavaScript reads.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..buildkit.templating import render_template
from ..model.output import Output
from ..model.project import Policy
from ..model.public import PublicData
from ..rules.eligibility import (
    QUESTIONS,
    Option,
    Question,
    describe,
    requirements,
    situation_words,
    situations,
)
from .policies import page_title

GUIDE_PAGE = "guide/index.md"
GUIDE_DATA = "guide/guide-data.js"
GUIDE_GLOBAL = "YZ_GUIDE"
ADULT = 18


def situation_path(option: Option) -> str:
    return f"guide/{option.key}.md"


@dataclass(frozen=True)
class Match:
    """A policy on a situation page, with the other conditions of the group that named the situation."""

    policy: Policy
    why: list[str]


def policy_rules(policy: Policy) -> dict[str, Any]:
    """One policy for the finder's script: its groups of (question → accepted answers) with the reasons."""
    words = situation_words()
    return {
        "id": policy.id,
        "name": page_title(policy),
        "url": f"policies/{policy.id}.html",
        "where": policy.where,
        "accept": list(policy.accept_at),
        "materials": [m.name for m in policy.materials],
        "groups": [{"need": requirements(g), "why": describe(g)} for g in policy.conditions],
        "situations": [words[w] for w in policy.situations if w in words],
    }


def guide_data(policies: list[Policy]) -> str:
    """The rules as a script assigning one global (loads from file:// too); option labels for the reasons."""
    labels = {o.key: o.label for q in QUESTIONS for o in q.options}
    payload = {"policies": [policy_rules(p) for p in policies], "labels": labels}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"window.{GUIDE_GLOBAL}={body};\n"


def situation_matches(question: Question, option: Option, policies: list[Policy]) -> list[Match]:
    """Policies a situation may concern: a condition group accepting this answer, or the policy's 情形 list."""
    child = question.key == "age" and option.high < ADULT  # a child's age: the children's policies too
    found = []
    for policy in policies:
        why: list[str] | None = None
        for group in policy.conditions:
            need = requirements(group)
            if option.key in need.get(question.key, ()) or (
                child and "age" not in need and "children" in need
            ):
                why = describe(group)
                break
        if why is None and option.value and option.value in policy.situations:
            why = []
        if why is not None:
            found.append(Match(policy, why))
    return found


def render_guide(data: PublicData, templates: Path) -> Output:
    output = Output()
    pages = []
    for question, option in situations():
        matches = situation_matches(question, option, data.policies)
        if not matches:
            continue
        pages.append((question, option, situation_path(option).removeprefix("guide/"), len(matches)))
        output.docs[situation_path(option)] = render_template(
            templates,
            "site/guide_situation.md.j2",
            county=data.county,
            question=question,
            option=option,
            matches=matches,
        )
    output.docs[GUIDE_PAGE] = render_template(
        templates, "site/guide.md.j2", county=data.county, questions=QUESTIONS, pages=pages
    )
    output.docs[GUIDE_DATA] = guide_data(data.policies)
    return output
