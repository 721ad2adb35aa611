"""The translation rules: fissix's syntax fixers, and the meaning-preserving rules written here.

Each rule is a fissix fixer (a pattern over lib2to3's tree of the Python-2 source and a transform)
with a `RULE` name (what `--report` and the note call it).  Every rule keeps the line numbers: a
rewritten construct stays on the lines it was on, so tracebacks point at the user's own lines.

- SYNTAX: fissix's fixers used as they are, where Python 3 spells the same meaning differently
  (`except E, e`, `raise E, msg`, backticks, `<>`, `0777` and `10L`, the `exec` statement,
  `d.has_key(k)`, `d.iteritems()`, `f.func_name`, `it.next()`, `__nonzero__`, ...).
- The rules below give Python 2's meaning where 2to3's fixers change it, by calling the helpers of
  runtime.py (`__py2_div__`, `__py2_print__`, ...): TupleParameters, PrintStatement, PrintFunction,
  Division, AugmentedDivision, StringFormat, OrderingComparison, Py2Builtin, StrOfFloat, ListSortCmp,
  DictListMethods.
"""
from __future__ import annotations

import re

from fissix import fixer_base, pytree
from fissix.fixer_util import Call, Comma, KeywordArg, Name, is_probably_builtin
from fissix.pgen2 import token
from fissix.pygram import python_symbols as syms

from rnn_tf1.py2.runtime import BUILTINS, helper_name

# fissix's own fixers -> the rule name shown in reports.  Only those whose Python 3 spelling keeps
# Python 2's meaning; the others (print, xrange, map, filter, zip, dict, imports, import, ...) change
# it and are replaced by the rules below or by the import hook (importer.py).
SYNTAX = {
    "fix_except": "except E, e", "fix_raise": "raise E, msg", "fix_repr": "backticks",
    "fix_ne": "<>", "fix_numliterals": "octal/long literal", "fix_exec": "exec statement",
    "fix_has_key": "dict.has_key", "fix_funcattrs": "function attributes (f.func_name)",
    "fix_methodattrs": "method attributes (m.im_func)", "fix_next": ".next()", "fix_nonzero": "__nonzero__",
    "fix_throw": "generator.throw(E, msg)", "fix_standarderror": "StandardError", "fix_sys_exc": "sys.exc_type",
    "fix_paren": "[x for x in 1, 2]", "fix_getcwdu": "os.getcwdu", "fix_xreadlines": "f.xreadlines()",
    "fix_types": "types.StringType", "fix_unicode": "ur'' literals",
    "fix_asserts": "unittest's assertEquals",
}


class Rule(fixer_base.BaseFix):
    """A fixer of this package (BM_compatible off: these patterns are matched by tree traversal)."""
    RULE = ""
    BM_compatible = False


def _comma(prefix: str = "") -> pytree.Leaf:
    leaf = Comma()
    leaf.prefix = prefix
    return leaf


def _args(*parts) -> list:
    """A call's argument list from nodes and commas, keeping each node's prefix (its newlines)."""
    return [p for p in parts if p is not None]


class PrintStatement(Rule):
    """`print a, b` / `print >>f, a,` -> `__py2_print__(a, b, file=f, comma=True)`: Python 2's str()
    of each item, the softspace rule (runtime.print_); `print (a, b)` prints the tuple, as in 2."""
    RULE = "print statement"
    PATTERN = "print_stmt | simple_stmt< any* bare='print' any* >"

    def transform(self, node, results):
        bare = results.get("bare")
        if bare:  # a bare `print`: a newline
            bare.replace(Call(Name(helper_name("print")), [], prefix=bare.prefix))
            return None
        parts = node.children[1:]
        target = None
        if parts and parts[0].type == token.RIGHTSHIFT:
            target = parts[1].clone()
            target.prefix = ""
            parts = parts[3:] if len(parts) > 2 else []
        comma = bool(parts) and parts[-1].type == token.COMMA
        if comma:
            parts = parts[:-1]
        args = [p.clone() for p in parts]
        if args:
            args[0].prefix = args[0].prefix.lstrip(" \t")
        if target is not None:
            args += [_comma(), KeywordArg(Name("file"), target)]
            args[-1].prefix = " "
        if comma:
            args += [_comma(), KeywordArg(Name("comma"), Name("True"))]
            args[-1].prefix = " "
        return Call(Name(helper_name("print")), args, prefix=node.prefix)


class PrintFunction(Rule):
    """Under `from __future__ import print_function`: `print(a, b)` -> `__py2_print_function__(a, b)`,
    Python 2's str() of each item (a float's 12 significant digits)."""
    RULE = "print() of Python 2"
    PATTERN = "power< name='print' trailer< '(' any* ')' > >"

    def transform(self, node, results):
        name = results["name"]
        if not is_probably_builtin(name):
            return None
        name.replace(Name(helper_name("print_function"), prefix=name.prefix))
        return None


class Division(Rule):
    """`a / b` -> `__py2_div__(a, b)`: ints floor, numpy int arrays floor, TF int tensors
    floor_div (runtime.div).  Not applied under `from __future__ import division`."""
    RULE = "integer division (/)"
    PATTERN = "term< any+ >"

    def transform(self, node, results):
        kids = node.children
        if not any(k.type == token.SLASH for k in kids[1::2]):
            return None
        acc = kids[0].clone()
        prefix = acc.prefix
        acc.prefix = ""
        for op, right in zip(kids[1::2], kids[2::2]):
            right = right.clone()
            if op.type == token.SLASH:
                right_prefix = right.prefix if "\n" in right.prefix else " "
                right.prefix = right_prefix
                acc = Call(Name(helper_name("div")), _args(acc, _comma(op.prefix if "\n" in op.prefix else ""), right))
            else:
                acc = pytree.Node(syms.term, [acc, op.clone(), right])
        acc.prefix = prefix
        return acc


class AugmentedDivision(Rule):
    """`x /= y` -> `x = __py2_idiv__(x, y)` (in place for numpy arrays, as Python 2's `/=`)."""
    RULE = "integer division (/=)"
    PATTERN = "expr_stmt< target=any op='/=' value=any >"

    def transform(self, node, results):
        target, op, value = results["target"], results["op"], results["value"]
        left = target.clone()
        inner = target.clone()
        inner.prefix = ""
        value = value.clone()
        value.prefix = " "
        call = Call(Name(helper_name("idiv")), _args(inner, _comma(), value), prefix=" ")
        return pytree.Node(syms.expr_stmt, [left, pytree.Leaf(token.EQUAL, "=", prefix=op.prefix), call],
                           prefix=node.prefix)


_PERCENT_S = re.compile(r"%(\([^)]*\))?[-#0 +]*[0-9*]*(\.[0-9*]+)?s")


class StringFormat(Rule):
    """`'...%s...' % args` (a string literal on the left) -> `__py2_mod__('...', args)`: `%s` of a
    float is Python 2's str() (12 significant digits), as in `print "loss %s" % loss`."""
    RULE = "'%s' % float"
    PATTERN = "term< left=(STRING | atom< STRING+ >) op='%' right=any >"

    def transform(self, node, results):
        left, op, right = results["left"], results["op"], results["right"].clone()
        left = left[0] if isinstance(left, list) else left
        if not _PERCENT_S.search(str(left)):
            return None
        left = left.clone()
        prefix = left.prefix
        left.prefix = ""
        right.prefix = " " if "\n" not in right.prefix else right.prefix
        return Call(Name(helper_name("mod")), _args(left, _comma(op.prefix if "\n" in op.prefix else ""), right),
                    prefix=prefix)


_ORDER = {"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}


class OrderingComparison(Rule):
    """`a < b` (one operator) -> `__py2_lt__(a, b)`: values Python 3 refuses to order (`None < 1`,
    `1 < 'a'`) order as CPython 2 ordered them; everything else compares as before."""
    RULE = "ordering comparison"
    PATTERN = "comparison< left=any op=('<'|'<='|'>'|'>=') right=any >"

    def transform(self, node, results):
        left, op, right = results["left"].clone(), results["op"], results["right"].clone()
        op = op[0] if isinstance(op, list) else op
        if left.type == token.NUMBER and right.type == token.NUMBER:
            return None
        prefix = left.prefix
        left.prefix = ""
        right.prefix = " " if "\n" not in right.prefix else right.prefix
        return Call(Name(helper_name(_ORDER[op.value])), _args(left, _comma(op.prefix if "\n" in op.prefix else ""),
                                                                right), prefix=prefix)


_TARGET_WRAPPERS = {syms.testlist_star_expr, syms.exprlist, syms.testlist, syms.atom, syms.testlist_gexp,
                    syms.star_expr}
_BINDERS = {syms.parameters, syms.typedargslist, syms.varargslist, syms.tname, syms.dotted_as_name,
            syms.import_as_name, syms.import_as_names, syms.import_from, syms.import_name, syms.global_stmt,
            syms.except_clause, syms.with_stmt}


def _binds(leaf) -> bool:
    """The leaf is a name the code binds: an assignment or loop target, a parameter, a def or
    class name, an import, a global, an except or with target."""
    node, parent = leaf, leaf.parent
    while parent is not None and parent.type in _TARGET_WRAPPERS:
        node, parent = parent, parent.parent
    if parent is None:
        return False
    if parent.type == syms.expr_stmt:
        following = node.next_sibling
        return following is not None and following.type != syms.annassign and (
            following.value == "=" if isinstance(following, pytree.Leaf) else False) or (
            following is not None and isinstance(following, pytree.Leaf) and following.value.endswith("="))
    if parent.type in (syms.for_stmt, syms.comp_for, getattr(syms, "old_comp_for", syms.comp_for)):
        return node.prev_sibling is not None and node.prev_sibling.value == "for"
    if parent.type in (syms.funcdef, syms.classdef):
        return parent.children[1] is node
    if parent.type == syms.argument:  # a keyword argument's name is not a use
        return False
    return parent.type in _BINDERS or (parent.type == syms.with_stmt)


def binds_anywhere(name: str, tree) -> bool:
    """Whether the file binds `name` in any scope (then its own binding, not Python 2's builtin)."""
    return any(leaf.type == token.NAME and leaf.value == name and _binds(leaf) for leaf in tree.leaves())


class Py2Builtin(Rule):
    """A Python 2 builtin whose name is gone or whose value changed (`xrange`, `map` giving a list,
    `round` of a half, `sorted(cmp=)`, `unicode`, ...) -> `__py2_NAME__`, unless the file binds the
    name itself."""
    RULE = "Python 2 builtin"
    PATTERN = "name=(" + "|".join(f"'{n}'" for n in BUILTINS) + ")"

    def start_tree(self, tree, filename):
        super().start_tree(tree, filename)
        self._tree = tree
        self._bound: dict[str, bool] = {}

    def transform(self, node, results):
        name = results["name"]
        name = name[0] if isinstance(name, list) else name
        if not is_probably_builtin(name):
            return None
        parent = name.parent
        if parent is not None and parent.type == syms.argument and parent.children[0] is name:
            return None  # a keyword argument's name: f(range=3)
        if name.value not in self._bound:
            self._bound[name.value] = binds_anywhere(name.value, self._tree)
        if self._bound[name.value]:
            return None
        self.detail = name.value
        return Name(helper_name(name.value), prefix=name.prefix)


class StrOfFloat(Rule):
    """`str(x)` -> `__py2_str__(x)`: a float's str() with 12 significant digits, as Python 2's."""
    RULE = "str() of a float"
    PATTERN = "power< name='str' trailer< '(' arg=any ')' > any* >"

    def transform(self, node, results):
        arg, name = results["arg"], results["name"]
        if arg.type in (syms.arglist, syms.argument) or (arg.type == syms.star_expr) or not is_probably_builtin(name):
            return None
        if binds_anywhere("str", self.tree_root(node)):
            return None
        name.replace(Name(helper_name("str"), prefix=name.prefix))
        return None

    @staticmethod
    def tree_root(node):
        while node.parent is not None:
            node = node.parent
        return node


class ListSortCmp(Rule):
    """`xs.sort(cmp)` / `xs.sort(cmp=f, ...)` -> `__py2_sort__(xs, cmp=f, ...)` (Python 2's cmp=)."""
    RULE = "list.sort(cmp=)"
    PATTERN = "power< head=any+ trailer< '.' 'sort' > trailer< '(' args=any ')' > >"

    def transform(self, node, results):
        args = results["args"]
        items = args.children if args.type == syms.arglist else [args]
        keywords = [a.children[0].value for a in items if a.type == syms.argument and a.children[0].type == token.NAME]
        positional = [a for a in items if a.type not in (syms.argument, token.COMMA)]
        if "cmp" not in keywords and not positional:
            return None
        head = [n.clone() for n in results["head"]]
        prefix = head[0].prefix
        head[0].prefix = ""
        obj = pytree.Node(syms.power, head) if len(head) > 1 else head[0]
        rest = [a.clone() for a in items]
        rest[0].prefix = " "
        return Call(Name(helper_name("sort")), [obj, _comma()] + rest, prefix=prefix)


class DictListMethods(Rule):
    """`d.keys()`, `d.values()`, `d.items()` -> `list(...)` everywhere (Python 2 gave a list: a
    loop may change the dict); `d.iterkeys()` etc. -> `d.keys()` (fissix's fix_dict does the
    spelling; this rule also wraps the loops 2to3 leaves as views)."""
    RULE = "dict.keys()/values()/items() as lists"
    PATTERN = None  # set from fissix's fix_dict below

    def __new__(cls, *args, **kwargs):
        from fissix.fixes.fix_dict import FixDict

        class Fixer(FixDict):
            RULE = cls.RULE

            def in_special_context(self, node, isiter):
                return isiter and super().in_special_context(node, isiter)

            def transform(self, node, results):
                # An order that reaches the program: the iteration order Python 2 left to chance.
                outer = {}
                if not (node.parent is not None and node.parent.parent is not None
                        and self.p1.match(node.parent.parent, outer) and outer["node"] is node
                        and outer["func"].value in ORDER_FREE):
                    self.detail = ORDER_DETAIL
                return super().transform(node, results)
        return Fixer(*args, **kwargs)


# Calls whose result does not depend on the order of what they are given.
ORDER_FREE = {"sorted", "set", "frozenset", "len", "sum", "min", "max", "any", "all", "dict"}
ORDER_FREE |= {helper_name(name) for name in ORDER_FREE}  # `sorted` as Py2Builtin renamed it
ORDER_DETAIL = "iteration order"


class TupleParameters(Rule):
    """`def f((a, b), c):` -> `def f(__py2_tuple0__, c):` with `(a, b) = __py2_tuple0__; ` put
    before the first statement of the body, on its line (fissix's fix_tuple_params adds a line)."""
    RULE = "tuple parameters"

    def __new__(cls, *args, **kwargs):
        from fissix.fixes.fix_tuple_params import FixTupleParams

        class Fixer(FixTupleParams):
            RULE = cls.RULE
            BM_compatible = False
            count = 0

            def new_name(self, template=""):
                Fixer.count += 1
                return f"__py2_tuple{Fixer.count}__"

            def transform(self, node, results):
                if "lambda" in results:
                    return self.transform_lambda(node, results)
                suite = results["suite"][0]
                before = list(suite.children)
                prefixes = {id(c): c.prefix for c in before}
                super().transform(node, results)
                added = [c for c in suite.children if c not in before]
                if not added or suite.children[1].type != token.INDENT:
                    return None  # a one-line body: fissix joined them with ';' on its line
                at = suite.children.index(added[-1]) + 1
                following = suite.children[at]
                if following.type != syms.simple_stmt:
                    raise SyntaxError("tuple parameters before a compound statement are not translated "
                                      f"(line {node.get_lineno()}): unpack them in the body's first line")
                parts = []
                for stmt in added:
                    parts += [stmt.children[0].clone(), pytree.Leaf(token.SEMI, ";"), ]
                    stmt.remove()
                for part in parts[1::2]:
                    part.prefix = ""
                first = parts[0]
                first.prefix = prefixes.get(id(following), following.prefix)
                following.prefix = ""
                for i, part in enumerate(parts[2::2]):
                    part.prefix = " "
                head = following.children[0]
                head.prefix = " "
                for offset, part in enumerate(parts):
                    following.insert_child(offset, part)
                return None
        return Fixer(*args, **kwargs)


RULES = (TupleParameters, PrintStatement, PrintFunction, Division, AugmentedDivision, StringFormat, OrderingComparison,
         Py2Builtin, StrOfFloat, ListSortCmp, DictListMethods)
