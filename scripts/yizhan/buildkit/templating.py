"""The jinja2 environments for site pages and print documents (autoescape on).

Data is data: in markdown pages (`*.md.j2`) every value is also escaped for markdown, so a name
holding `[点我](javascript:…)`, `{ onmouseover=… }`, `**` or `{{ … }}` shows as text and never
becomes a link, an attribute, emphasis or template code. Front matter is written by a YAML
serializer (`front_matter`), never pieced together from strings.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..rules.numbers import fold, parse_phone
from ..rules.vocab import government_of

# Characters that start markdown (and attribute-list, Jinja) syntax, written as numeric entities:
# the page shows the character, markdown sees none. Letters, digits, - . / : stay as they are, so
# ids, dates and tel: addresses inside link targets are untouched.
_MARKDOWN_TABLE = str.maketrans(
    {c: f"&#{ord(c)};" for c in "\\`*_{}[]#|!~"}
    | {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
)
_LINE_START = {"-": "&#45;", "+": "&#43;", "=": "&#61;"}  # a list item or heading underline when first


def markdown_text(value: object) -> Markup:
    """`value` as literal text inside markdown: HTML-escaped, then markdown-escaped."""
    if isinstance(value, Markup):
        return value  # already markup on purpose: a chart, tojson, a macro's output
    text = ("" if value is None else str(value)).translate(_MARKDOWN_TABLE)
    if text[:1] in _LINE_START:
        text = _LINE_START[text[0]] + text[1:]
    return Markup(text)


def mkdocs_title(value: object) -> str:
    """A title for mkdocs (front matter, navigation, site name), which writes titles unescaped.

    HTML-escaped, and < > as their full-width forms, because <title> unescapes it once more.
    """
    text = str(value).replace("<", "＜").replace(">", "＞")
    return text.replace("&", "&amp;").replace('"', "&quot;")


# libyaml's emitter writes the same YAML four times faster (a thousand station pages each build).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def front_matter(**meta: object) -> Markup:
    """A page's YAML front matter, serialized (a title with `: `, `[` or `#` stays one string).

    The title goes through `mkdocs_title`.
    """
    if "title" in meta:
        meta["title"] = mkdocs_title(meta["title"])
    body = yaml.dump(
        {k: v for k, v in meta.items() if v is not None},
        Dumper=_DUMPER,
        allow_unicode=True,
        sort_keys=False,
        width=1000,
    )
    return Markup(f"---\n{body}---\n")


def tel_href(phone: str) -> str:
    """'0369-5201234' → 'tel:03695201234'; an extension is dialled after a pause ('0369-5201234-12' → ',12')."""
    parsed = parse_phone(phone)
    if parsed is not None and parsed.kind == "landline" and parsed.number.count("-") == 2:
        number, _, extension = parsed.number.rpartition("-")
        return "tel:" + number.replace("-", "") + "," + extension
    return "tel:" + re.sub(r"[^\d+]", "", parsed.number if parsed else fold(phone))


def cn_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def compiled_cache(kind: str) -> FileSystemBytecodeCache:
    """Where jinja keeps templates compiled to Python between builds (the user's own temporary folder).

    A template compiles differently under different settings (the markdown pages' `finalize`), so
    each kind of environment has its own files; jinja checks the source of each before using one.
    """
    return FileSystemBytecodeCache(pattern=f"__yizhan_{kind}_%s.cache")


def _script_json(value: object, **options: Any) -> str:
    return json.dumps(value, **options).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


@cache
def environment(templates: Path, markdown: bool = False) -> Environment:
    """The environment for HTML templates, or with `markdown` for markdown pages."""
    env = Environment(
        bytecode_cache=compiled_cache("markdown" if markdown else "html"),
        loader=FileSystemLoader(str(templates)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=markdown_text if markdown else None,
    )
    # tojson: Chinese as itself, not six-byte escapes (a form's data is a third the size); <, >, & and '
    # are still escaped by jinja, and the two line separators that old script parsers refuse are too.
    env.policies["json.dumps_function"] = _script_json
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False, "separators": (",", ":")}
    env.filters["tel"] = tel_href
    env.filters["cn_date"] = cn_date
    env.filters["government"] = government_of
    env.globals["front_matter"] = front_matter
    return env


def render_template(templates: Path, name: str, **context: object) -> str:
    markdown = name.endswith(".md.j2")
    return environment(templates, markdown).get_template(name).render(**context)
