"""Detection and translation of Python-2 source, in memory: the user's files are never written.

The rule (docs/python2.md): a file is Python 2 only on evidence, when it does not compile as
Python 3 and does parse with Python 2's grammar (a print statement, `except E, e`, backticks,
`0777`, ...).  A file that compiles as Python 3 runs as it is, byte for byte, even if it uses `/`
on ints or calls `xrange` (which rnn-tf1 provides as a fallback, with a note).  A notebook whose
kernelspec or language_info says Python 2 is Python 2 in every code cell (notebook.py).
"""
from __future__ import annotations

import dataclasses
import functools
import logging
from rnn_tf1.py2 import rules

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Construct:
    """One translated construct: the rule that translated it, at which line of the file."""
    rule: str
    line: int


@dataclasses.dataclass
class Translation:
    source: str  # the Python-3 source that runs, line for line the original
    constructs: list[Construct]
    evidence: str  # why the file is Python 2 (Python 3's syntax error, or the notebook's kernel)

    def summary(self) -> str:
        """The rules used, most frequent first (for the note on stderr)."""
        counts: dict[str, int] = {}
        for c in self.constructs:
            rule = c.rule.replace(f" ({rules.ORDER_DETAIL})", "")
            counts[rule] = counts.get(rule, 0) + 1
        return "; ".join(sorted(counts, key=lambda r: -counts[r]))


class Python2SyntaxError(SyntaxError):
    """Neither Python 3 nor Python 2 parses the file."""


def python3_error(source: str, filename: str) -> SyntaxError | None:
    """Python 3's SyntaxError for the source, or None when it compiles."""
    try:
        compile(source, filename, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc
    except ValueError as exc:  # NUL bytes
        return SyntaxError(str(exc))
    return None


@functools.lru_cache(maxsize=1)
def _driver(print_statement: bool = True):
    from fissix import pygram, pytree
    from fissix.pgen2 import driver

    grammar = pygram.python_grammar if print_statement else pygram.python_grammar_no_print_statement
    return driver.Driver(grammar, convert=pytree.convert)


def parses_as_python2(source: str) -> bool:
    try:
        _driver().parse_string(source if source.endswith("\n") else source + "\n")
    except Exception:
        return False
    return True


def evidence(source: str, filename: str) -> str | None:
    """Why the source is Python 2 (Python 3's syntax error and its line), or None: it compiles as
    Python 3, or Python 2 does not parse it either."""
    error = python3_error(source, filename)
    if error is None or not parses_as_python2(source):
        return None
    return f"Python 3 reads line {error.lineno} as a syntax error ({error.msg})"


class _Tool:
    """fissix's RefactoringTool with this package's rules, recording what each rule translated."""

    def __init__(self, division: bool):
        from fissix.refactor import RefactoringTool

        constructs: list[Construct] = []
        self.constructs = constructs
        syntax = [f"fissix.fixes.{name}" for name in rules.SYNTAX]

        class Tool(RefactoringTool):
            def get_fixers(self):
                pre, post = super().get_fixers()
                own = [rule(self.options, self.fixer_log) for rule in rules.RULES
                       if division or rule not in (rules.Division, rules.AugmentedDivision)]
                for fixer in pre + post + own:
                    _record(fixer, constructs)
                post = post + [f for f in own if f.order == "post"]
                pre = pre + [f for f in own if f.order == "pre"]
                return pre, post

        self.tool = Tool(syntax, options={"print_function": False})


def _record(fixer, constructs: list[Construct]) -> None:
    name = getattr(fixer, "RULE", "") or rules.SYNTAX.get(type(fixer).__module__.rsplit(".", 1)[-1], "")
    transform = fixer.transform

    def recording(node, results):
        before = str(node)
        line = node.get_lineno()
        fixer.detail = None
        new = transform(node, results)
        if new is not None or str(node) != before:
            detail = getattr(fixer, "detail", None)
            constructs.append(Construct(f"{name} ({detail})" if detail else name, line))
        return new
    fixer.transform = recording


def future_features(source: str) -> frozenset:
    from fissix.refactor import _detect_future_features
    return _detect_future_features(source)


def translate(source: str, filename: str = "<string>", why: str | None = None,
              futures: frozenset = frozenset()) -> Translation:
    """The Python-3 source with Python 2's meaning, line for line.  `futures`: `from __future__`
    features already in force (an earlier notebook cell's, which IPython keeps for later cells)."""
    from fissix import pygram

    features = future_features(source) | futures
    tool = _Tool(division="division" not in features)
    if "print_function" in features:
        tool.tool.grammar = tool.tool.driver.grammar = pygram.python_grammar_no_print_statement
    text = source if source.endswith("\n") else source + "\n"
    try:
        tree = tool.tool.refactor_string(text, filename)
    except Exception as exc:  # a fixer's own failure: say which file
        raise Python2SyntaxError(str(exc) if isinstance(exc, SyntaxError) else f"{type(exc).__name__}: {exc}") from None
    if tree is None:
        raise Python2SyntaxError("not Python 2 either")
    out = str(tree)
    if not source.endswith("\n"):
        out = out[:-1]
    if out.count("\n") != source.count("\n"):  # a rule that moved lines is a bug here, never the user's
        raise AssertionError(f"{filename}: the translation changed the number of lines")
    constructs = sorted(set(tool.constructs), key=lambda c: (c.line, c.rule))
    return Translation(out, constructs, why or "")


def compile_source(source: str, filename: str):
    """Code for `source`: translated if it is Python 2 (on evidence), else compiled as it is."""
    why = evidence(source, filename)
    if why is not None:
        source = translate(source, filename, why).source
    return compile(source, filename, "exec", dont_inherit=True)
