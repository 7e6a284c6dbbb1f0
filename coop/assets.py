"""Build step (`make assets`): Plotly's own style rules as a static stylesheet.

Plotly.js inserts its rules into a `<style>` element it creates, which our Content Security
Policy (`style-src 'self'`) refuses. Plotly skips that when the page already carries an element
`id="plotly.js-style-global" class="no-inline-styles"` (plotly.js ≥ 2.35), so we serve the
same rules from a file, read out of the very plotly.min.js we ship.

    python -m coop.assets static/vendor/plotly/plotly.min.js static/vendor/plotly/plotly.css
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

START = '={"X,X div":'


def rules_from(script: str) -> dict[str, str]:
    """The object literal of selectors (X: the plot, Y: the notifier) and declarations."""
    begin = script.index(START) + 1
    end = script.index("};for(", begin) + 1  # the loop that adds them follows the literal
    literal = ast.parse(script[begin:end], mode="eval").body
    # keys are strings, or bare names where the minifier dropped the quotes ({Y: "…"})
    return {
        key.value if isinstance(key, ast.Constant) else key.id: ast.literal_eval(value)
        for key, value in zip(literal.keys, literal.values, strict=True)
    }


def stylesheet(rules: dict[str, str]) -> str:
    """The rules as a style sheet, one rule a line."""
    lines = ["/* Plotly.js style rules, extracted by coop/assets.py from plotly.min.js */"]
    for selector, declarations in rules.items():
        full = selector.replace(",", " ,", 1) if selector.startswith(",") else selector
        full = full.replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        lines.append(f"{full}{{{declarations}}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    """`python -m coop.assets plotly.min.js plotly.css`: write Plotly's style rules as a file."""
    source, target = map(Path, argv)
    target.write_text(stylesheet(rules_from(source.read_text(encoding="utf-8"))), "utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
