"""Bad catalog YAML files as users write them, one case per row, each with the exact message it gives.

Each case is a small edit of ``BASE`` (a valid catalog, in tests/test_catalog.py) or a whole file. Every
message names the file and, where the problem is in the text, the line (found by searching the edited text,
``line_of``, or counted in a comment) and the definition's place and key. ``{path}`` stands for the file
written by the case, ``{line}`` for the line of the case's ``needle``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_catalog import BASE, edit, line_of

from slm_analytics.catalog import MAX_YAML_NODES, load_catalog
from slm_analytics.errors import DefinitionError

LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{c}: &{c} [{', '.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def case(name, text, expected, needle=None):
    return pytest.param(text, expected, needle, id=name)


CASES = [
    # ---- the file
    case("empty file", "",
         "{path}: the file is empty; a catalog is a mapping with keys services, slos, slas, schedules, "
         "alert_policies"),
    case("two documents", BASE + "---\n" + BASE, "{path}: expected one YAML document, found 2"),
    case("a list, not a mapping", "- services\n- slos\n",
         "{path}: expected a mapping with keys services, slos, slas, schedules, alert_policies"),
    case("not UTF-8", b"services:\n  - {name: caf\xe9}\n",
         # line 2 is '  - {name: caf?}': the byte is its 15th character
         "{path}: line 2, column 15: byte b'\\xe9' is not UTF-8 text; save the file as UTF-8 (it may be "
         "Latin-1 or Windows-1252)"),
    case("tab indentation", BASE.replace("  - name: office", "\t- name: office"),
         "{path}: YAML syntax error at line 2, column 1: found character that cannot start any token"),
    case("unclosed flow mapping", BASE.replace("{name: checkout,", "{name: checkout"),
         "{path}: YAML syntax error at line 7, column 26: did not find expected ',' or '}}'"),
    case("python tag", "services: !!python/object/apply:os.system ['echo hi']\n",
         "{path}: YAML syntax error at line 1, column 11: could not determine a constructor for the tag "
         "'tag:yaml.org,2002:python/object/apply:os.system'"),
    case("billion laughs", LAUGHS,
         f"{{path}}: line 7: YAML aliases here expand to more than {MAX_YAML_NODES:,} values (a 'billion "
         "laughs' document?); write the definitions out instead of nesting aliases"),
    case("recursive alias", "services: &s\n  - *s\n",
         # the anchored list starts on line 1 ('services: &s') and holds itself
         "{path}: line 1: a YAML alias refers to itself; definitions cannot be recursive"),
    case("a key twice", BASE.replace("slas:", "slos: []\nslas:"),
         # BASE's own 'slos:' is its line 16
         "{path}: line {line}: key 'slos' appears twice in one mapping (also line 16); the later one would "
         "silently replace the earlier: keep one", needle="slos: []"),
    # ---- values
    case("unknown key", edit("    target: 0.999\n", "    target: 0.999\n    traget: 0.99\n"),
         "{path}: line {line}: slos[0] (checkout/availability).traget: unknown key 'traget'",
         needle="traget"),
    case("target in percent", edit("    target: 0.999\n", "    target: 99.9\n"),
         "{path}: line {line}: slos[0] (checkout/availability).target: target 99.9 is outside (0, 1): write "
         "99.9 % as 0.999", needle="target: 99.9"),
    case("a huge bad value is cut", edit("    target: 0.999\n", "    target: " + "9" * 5000 + "x\n"),
         "{path}: line {line}: slos[0] (checkout/availability).target: Input should be a valid number, "
         "unable to parse string as a number (got '" + "9" * 58 + "... (5003 characters))", needle="x"),
    case("pandas window", edit("    window: 28d\n", "    window: 30D\n"),
         "{path}: line {line}: slos[0] (checkout/availability).window: unparsable window '30D': expected a "
         "positive duration '<n><unit>' with unit s, m, h, d or w (e.g. '28d', '5m') or a calendar period "
         "week, month, quarter; did you mean '30d'?", needle="30D"),
    case("time slices without target", edit("    timeslice_target: 0.9\n", ""),
         # the SLO's entry starts on line 23 ('  - service: checkout', the one before 'name: uptime')
         "{path}: line 23: slos[1] (checkout/uptime): budgeting_method 'Timeslices' needs a "
         "timeslice_target (the ratio a good slice must reach)"),
    case("services left empty", BASE.replace(
        "  - {name: checkout, owner: team-a, tier: 1, users: 100, business_weight: 2, "
        "timezone: Europe/London}\n"
        "  - {name: wiki, owner: team-b, tier: 3, users: 10, business_weight: 1, schedule: office}\n", ""),
         "{path}: line {line}: services: is empty; give a value (or leave the key out)", needle="services:"),
    case("unknown indicator kind", edit("{kind: ratio, good: 'good_q'", "{kind: ratios, good: 'good_q'"),
         "{path}: line {line}: slos[0] (checkout/availability).indicator: 'kind' must be 'ratio' or "
         "'threshold' (got 'ratios')", needle="ratios"),
    case("ratio without total", edit("{kind: ratio, good: 'good_q', total: 'total_q'}",
                                     "{kind: ratio, good: 'good_q'}"),
         "{path}: line {line}: slos[0] (checkout/availability).indicator: a ratio indicator needs total and "
         "exactly one of good and bad (or raw with raw_type)", needle="good_q"),
    case("short window not shorter",
         edit("long_window: 1h, short_window: 5m", "long_window: 1h, short_window: 2h"),
         "{path}: line {line}: alert_policies[0] (fast).rules[0]: short window '2h' is not shorter than long "
         "window '1h'", needle="short_window: 2h"),
    case("credits not monotone", edit("{below: 0.99, credit: 0.25}", "{below: 0.99, credit: 0.05}"),
         # the SLA's entry starts on line 37 ('  - service: checkout', the one before 'name: partners')
         "{path}: line 37: slas[0] (checkout/partners): credit table is not monotone: below 0.99 earns "
         "0.05 but below 0.995 earns 0.1; lower attainment must earn a strictly larger credit"),
    # ---- cross-references, at the entry that makes them
    case("SLO of an unknown service", edit("  - service: wiki\n    name: latency",
                                          "  - service: wikki\n    name: latency"),
         "{path}: line {line}: slos[2] (wikki/latency).service: SLO 'latency' belongs to unknown service "
         "'wikki'; known: ['checkout', 'wiki']", needle="wikki"),
    case("duplicate service", edit("{name: wiki,", "{name: checkout,"),
         "{path}: line {line}: services[1] (checkout).name: duplicate service 'checkout' (also services[0]): "
         "names must be unique", needle="{name: checkout, owner: team-b"),
    case("SLA of an unknown SLO", edit("    slo: availability", "    slo: latency"),
         "{path}: line {line}: slas[0] (checkout/partners).slo: SLA checkout/partners measures unknown SLO "
         "'latency' of service 'checkout'", needle="slo: latency"),
    case("missing file", None, "{path}: cannot read definition file: No such file or directory"),
    case("a folder", "DIR", "{path}: cannot read definition file: Is a directory"),
]


@pytest.mark.parametrize(("text", "expected", "needle"), CASES)
def test_bad_catalog_yaml(tmp_path: Path, text, expected, needle):
    path = tmp_path / "catalog.yaml"
    if text == "DIR":
        path.mkdir()
    elif isinstance(text, bytes):
        path.write_bytes(text)
    elif text is not None:
        path.write_text(text, encoding="utf-8")
    line = line_of(text, needle) if needle else None
    with pytest.raises(DefinitionError) as info:
        load_catalog(path)
    assert str(info.value) == expected.format(path=path, line=line)


def test_the_table_is_large_enough():
    assert len(CASES) >= 25


def test_a_billion_laughs_is_refused_quickly_and_briefly(tmp_path):
    # 9 levels of 9 aliases: 9**9 = 387,420,489 strings if expanded; refused before, in a short message
    path = tmp_path / "catalog.yaml"
    path.write_text(LAUGHS, encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_catalog(path)
    assert len(str(info.value)) < 300
