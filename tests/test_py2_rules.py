"""Python 2's meaning for Python-2 code (rnn_tf1/py2): the rule table, detection, line numbers,
Python 2's modules and pickles, implicit relative imports, and `/` on numpy and TF int values.

Each semantic case is a Python-2 snippet, the output Python 2.7 printed for it (written from the
language reference and library docs, cited per case), and a check that 2to3's translation (fissix's
own fixers, all of them) prints something else: the rule is needed, not decoration."""
from __future__ import annotations

import contextlib
import functools
import io
import os
import sys

import pytest

from rnn_tf1.py2 import importer, modules, notebook, runtime, translate

HERE = os.path.dirname(__file__)
SCRIPTS = os.path.join(HERE, "py2_scripts")


def run_translated(source: str) -> str:
    runtime.install()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(translate.translate(source, "<case>").source, "<case>", "exec"),
             {"__builtins__": importer.python2_builtins()})
    return out.getvalue()


@functools.lru_cache(maxsize=1)
def _2to3():
    from fissix.refactor import RefactoringTool, get_fixers_from_package
    return RefactoringTool(get_fixers_from_package("fissix.fixes"))


def run_2to3(source: str) -> str:
    """What 2to3 (every fissix fixer) makes of the source, run on Python 3."""
    code = str(_2to3().refactor_string(source, "<2to3>"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            exec(compile(code, "<2to3>", "exec"), {})
        except Exception as exc:  # 2to3's result may not even run: that differs from Python 2 too
            print(type(exc).__name__)
    return out.getvalue()


# (snippet, what Python 2.7 printed, where the value comes from); AS_2TO3: cases 2to3 also gets right
# (fissix's fix_sorted, fix_dict, fix_print), kept to pin the rules' values.
AS_2TO3 = [
    ("print 'a',\nprint 'b'\n", "a b\n", "ref 6.6: softspace, the trailing comma"),
    ("print sorted([3, 1, 2], cmp=lambda a, b: b - a)\n", "[3, 2, 1]\n", "lib 2: sorted(iterable, cmp)"),
    ("xs = [3, 1, 2]\nxs.sort(lambda a, b: a - b)\nprint xs\n", "[1, 2, 3]\n", "lib 2: list.sort(cmp)"),
    ("d = {'a': 1}\nfor k in d.keys():\n    d[k + k] = 2\nprint len(d)\n", "2\n",
     "lib 2: keys() returns a list, so the loop may change the dict"),
]
RULE_TABLE = [
    ("print 7 / 2, -7 / 2\n", "3 -4\n", "ref 5.6: plain or long integer division floors"),
    ("n = 10\nprint range(n / 3)\n", "[0, 1, 2]\n", "ref 5.6 and range() returning a list"),
    ("x = 7\nx /= 2\nprint x\n", "3\n", "ref 6.2.1: augmented assignment, same operation"),
    ("print 1.0 / 3\n", "0.333333333333\n", "str(float): 12 significant digits (2.7's short repr is repr's)"),
    ("print str(2.0 / 3) + '!'\n", "0.666666666667!\n", "str(float), 12 significant digits"),
    ("print 'loss %s, %.2f' % (2.0 / 3, 0.5)\n", "loss 0.666666666667, 0.50\n", "lib 2: %s formats with str()"),
    ("print '%(v)s' % {'v': 1.0 / 3}, '%-15s|' % (2.0 / 3), '%r' % 0.1\n",
     "0.333333333333 0.666666666667 | 0.1\n", "lib 2: %(name)s and %-15s of a float use str(), %r repr()"),
    ("print ('a', 7 / 2)\n", "('a', 3)\n", "ref 6.6: print writes str() of its one expression, a tuple"),
    ("print 'a\\n',\nprint 'b'\n", "a\nb\n", "ref 6.6: no space after a string ending in a newline"),
    ("print map(None, [1, 2], [3])\n", "[(1, 3), (2, None)]\n", "lib 2: map pads with None"),
    ("print map(lambda a, b: (a, b), [1, 2], [3])[1]\n", "(2, None)\n", "lib 2: map pads the shorter with None"),
    ("print filter(lambda c: c != 'b', 'abc')\n", "ac\n", "lib 2: filter of a str gives a str"),
    ("print filter(None, (0, 1, 2))\n", "(1, 2)\n", "lib 2: filter of a tuple gives a tuple"),
    ("print round(2.5), round(-0.5), round(0.125, 2)\n", "3.0 -1.0 0.13\n",
     "lib 2: round rounds away from 0, returns a float"),
    ("print None < 1, 1 < 'a', cmp(2, 1)\n", "True True 1\n",
     "ref 5.9: objects of different types order consistently (CPython: None first, numbers first)"),
    ("print reduce(lambda a, b: a * b, xrange(1, 5)), unicode(5), long(3) / 2\n", "24 5 1\n",
     "lib 2: reduce, xrange, unicode, long"),
]


@pytest.mark.parametrize("source, python2, why", RULE_TABLE, ids=[c[2][:40] for c in RULE_TABLE])
def test_rule_gives_python2s_value_where_2to3_differs(source, python2, why):
    assert run_translated(source) == python2
    assert run_2to3(source) != python2


@pytest.mark.parametrize("source, python2, why", AS_2TO3, ids=[c[2][:40] for c in AS_2TO3])
def test_rule_gives_python2s_value(source, python2, why):
    assert run_translated(source) == python2


def test_python3_file_is_untouched_even_with_int_division():
    source = "n = 7 / 2\nprint(n, xrange if False else range(3))\n"
    assert translate.evidence(source, "p3.py") is None  # compiles as Python 3: keeps Python 3's meaning
    code, t = importer.code_for(source, "p3.py")
    assert t is None
    scope = {}
    exec(code, scope)
    assert scope["n"] == 3.5


def test_fixtures_keep_their_line_numbers_and_are_python2():
    for name in ("char_rnn_py2.py", "textdata.py"):
        with open(os.path.join(SCRIPTS, name)) as fh:
            source = fh.read()
        assert translate.evidence(source, name) is not None
        t = translate.translate(source, name)
        assert t.source.count("\n") == source.count("\n")
        assert [len(line) > 0 for line in t.source.split("\n")] == [len(line) > 0 for line in source.split("\n")]
        compile(t.source, name, "exec")


def test_construct_lines_point_at_the_users_lines():
    t = translate.translate("x = 1\n\nprint x\ntry:\n    y = 7 / 2\nexcept ValueError, e:\n    pass\n", "f.py")
    got = {(c.line, c.rule) for c in t.constructs}
    # except E, e: at the try statement's line (fissix's fixer rewrites the whole try statement)
    assert (3, "print statement") in got and (5, "integer division (/)") in got and (4, "except E, e") in got


def test_future_division_keeps_true_division():
    assert run_translated("from __future__ import division\nprint 7 / 2\n") == "3.5\n"


def test_not_python_either_way_is_not_python2():
    assert translate.evidence("def f(:\n", "bad.py") is None


def test_numpy_int_arrays_floor_as_numpy_did_on_python2():
    import numpy as np
    assert runtime.div(np.array([7, -7]), 2).tolist() == [3, -4]  # numpy's divide on ints: floor_divide
    assert runtime.div(np.array([7.0]), 2).tolist() == [3.5]
    assert runtime.div(np.int64(7), 2) == 3 and runtime.div(7, np.float32(2)) == 3.5
    a = np.array([9, 8])
    b = runtime.idiv(a, 2)
    assert b is a and a.tolist() == [4, 4]  # in place, as Python 2's /= on an int array


def test_tf_int_tensors_floor_as_tf1s_div_did():
    import tensorflow as tf
    v1 = tf.compat.v1
    graph = v1.Graph()
    with graph.as_default():
        saved = sys.modules.get("tensorflow")
        sys.modules["tensorflow"] = v1  # what `import tensorflow` is under rnn-tf1
        try:
            i = v1.constant([7, 8, -7])
            floor = runtime.div(i, 2)
            rdiv = runtime.div(15, v1.constant(4))
            real = runtime.div(v1.constant([7.0]), 2)
            with pytest.raises(TypeError):
                runtime.div(i, 2.5)  # TF 1.x: 2.5 converted to int32 fails
        finally:
            sys.modules["tensorflow"] = saved
        with v1.Session(graph=graph) as sess:
            got = sess.run([floor, rdiv, real])
    assert floor.dtype == tf.int32 and got[0].tolist() == [3, 4, -4]
    assert got[1] == 3 and got[2].tolist() == [3.5]


def test_old_pickle_in_text_mode(tmp_path):
    path = tmp_path / "vocab.pkl"
    # Python 2's protocol 0 of {'caf\xe9': 1}: a str of latin-1 bytes (written by hand from pickletools' opcodes)
    path.write_bytes(b"(dp0\nS'caf\\xe9'\np1\nI1\ns.")
    cpickle = modules.pickle_module("cPickle")
    with open(path) as fh:  # Python 2 opened it in text mode
        assert cpickle.load(fh) == {"caf\xe9": 1}
    import pickle
    with open(path, "rb") as fh, pytest.raises(UnicodeDecodeError):
        pickle.load(fh)  # Python 3's default (ASCII) refuses it
    out = tmp_path / "out.pkl"
    with open(out, "w") as fh:
        cpickle.dump([1, 2], fh)
    assert out.read_bytes().startswith(b"(lp0")  # protocol 0, Python 2's default


def test_implicit_relative_import_inside_a_package(tmp_path):
    pkg = tmp_path / "pkgpy2"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "memory.py").write_text("SIZE = 4\n")
    (pkg / "controller.py").write_text("import memory\nprint 'size', memory.SIZE\nWHO = memory.__name__\n")
    (tmp_path / "json.py").write_text("raise RuntimeError('never imported')\n")
    sys.path.insert(0, str(tmp_path))
    finders = list(sys.meta_path)
    try:
        importer.install(str(tmp_path))
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            import pkgpy2.controller as controller
        assert controller.WHO == "pkgpy2.memory" and out.getvalue() == "size 4\n"
    finally:
        sys.path.remove(str(tmp_path))
        sys.meta_path[:] = finders
        importer.SESSION.roots.clear()
        for name in [m for m in sys.modules if m.startswith("pkgpy2")]:
            del sys.modules[name]


def test_python2_module_names_are_fallbacks():
    modules.install()
    import importlib
    assert importlib.import_module("Queue").Queue is importlib.import_module("queue").Queue
    assert importlib.import_module("cStringIO").StringIO("x").read() == "x"
    import itertools
    assert list(itertools.izip([1], [2])) == [(1, 2)]


def test_notebook_cells_python2_by_kernelspec():
    import nbformat
    nb = nbformat.read(os.path.join(HERE, "py2_notebooks", "python2_kernelspec.ipynb"), 4)
    assert notebook.reason(nb) == "its kernelspec is python2"
    cells = notebook.translate_cells(nb)
    assert cells[0][0].startswith("%matplotlib inline\n")  # IPython's line kept for IPython
    assert all(t is not None for _, t in cells)  # every cell, even those that compile as Python 3
    assert "__py2_div__(total, len(counts))" in cells[1][0]
    assert run_translated("counts = {'a': 3, 'b': 4}\n" + "\n".join(cells[1][0].split("\n")[1:])) == \
        "mean 3 0.333333333333\n3\n"


def test_kernel_transformer_leaves_python3_cells():
    transform = notebook.kernel_transformer(python2=False)
    assert transform(["x = 7 / 2\n"]) == ["x = 7 / 2\n"]
    assert "__py2_print__" in "".join(transform(["print 'x'\n"]))


def test_print_of_numpy_values_as_python2_era_numpy():
    # The tutorial family's published Python-2 notebooks print `W= 0.30953` (a float32) and `[[ 12.]]`.
    assert run_translated("import numpy as np\nprint np.float32(0.3095302), np.array([[12.]]), np.float64(1) / 3\n") \
        == "0.30953 [[ 12.]] 0.333333333333\n"


def test_print_function_future_carries_to_later_cells():
    futures = set()
    first, _ = notebook.translate_cell("from __future__ import print_function\n", True, "c1", futures)
    second, t = notebook.translate_cell("print('a', 1 / 3.0, 7 / 2)\n", True, "c2", futures)
    assert t is not None and "__py2_print_function__" in second  # a call, not a print statement of a tuple
    assert run_translated("from __future__ import print_function\n" + second) == "a 0.333333333333 3\n"


def test_python2_flag_makes_python3_compiling_files_python2():
    source = "steps = 12\nprint(range(steps / 5))\n"
    assert importer.evidence(source, "m.py") is None
    importer.SESSION.python2 = True
    try:
        assert importer.evidence(source, "m.py") == "rnn-tf1 run --python2"
    finally:
        importer.SESSION.python2 = False
    assert run_translated(source) == "[0, 1]\n"  # print(x) of Python 2: the one expression x


def test_tf1_private_paths_resolve_where_tf2_keeps_them(caplog):
    import logging

    import tensorflow as tf

    from rnn_tf1.tf1 import private_paths
    private_paths.install()
    with caplog.at_level(logging.INFO):
        from tensorflow.python.ops.control_flow_ops import while_loop
        from tensorflow.python.ops import array_ops
        stack = array_ops.stack
    assert while_loop is tf.compat.v1.while_loop  # TF 1.x's while_loop (shape_invariants, back_prop, ...)
    assert stack is tf.stack
    used = {old: new for old, new, _ in private_paths.USES}
    assert used["tensorflow.python.ops.control_flow_ops.while_loop"] == "tensorflow.python.ops.while_loop.while_loop"
    assert any("control_flow_ops.while_loop (TF 1.x's private path)" in r.getMessage() for r in caplog.records)
    with pytest.raises(ImportError):  # a name neither TF 1.15 nor 2.21 had there: Python's own error
        from tensorflow.python.ops.control_flow_ops import no_such_name  # noqa: F401


def test_python3_file_using_python2_names_gets_one_note_each(caplog):
    import logging
    importer.SESSION.noted_names.clear()
    with caplog.at_level(logging.INFO):
        importer._note_fallbacks("for i in xrange(2):\n    pass\nunicode = str\nx = unicode(1), xrange(3)\n", "p3.py")
    notes = [r.getMessage() for r in caplog.records]
    assert "note: p3.py:1 uses xrange, Python 2's name; it is range here" in notes
    assert not any("unicode" in n for n in notes)  # the file binds it: its own
    assert sum("xrange" in n for n in notes) == 1


def test_dict_iteration_order_is_named_where_it_reaches_the_program(caplog):
    import logging
    source = "d = {'a': 1}\nprint sorted(d.keys()), len(d.values())\nfor k, v in d.iteritems():\n    print k\n"
    with caplog.at_level(logging.INFO):
        importer.code_for(source, "rank.py")
    notes = [r.getMessage() for r in caplog.records]
    assert any(n.startswith("note: rank.py:3 iterates a dict in its order") for n in notes), notes  # not line 2
