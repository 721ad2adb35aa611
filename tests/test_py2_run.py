"""`rnn-tf1 run` on Python-2 code (tests/py2_scripts/, written for this project): a char-RNN with
print statements, xrange, integer division feeding range and a sibling Python-2 module runs
unchanged and prints what Python 2 printed; a notebook with a python2 kernelspec runs headless with
Python 2's meaning; --report and --show-translation."""
import json
import os

import pytest

from conftest import REPO, cli_in_process, run_cli
from rnn_tf1.config import default_data_dir

SCRIPT = os.path.join(REPO, "tests", "py2_scripts", "char_rnn_py2.py")
NOTEBOOK = os.path.join(REPO, "tests", "py2_notebooks", "python2_kernelspec.ipynb")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A seeded run of the char-RNN with --report, and a run of the Python-2 notebook (the char-RNN's
    seeded repeat is in docs/python2.md's trials: two TensorFlow start-ups here, not three)."""
    out = tmp_path_factory.mktemp("py2")
    report = out / "report.md"
    first = run_cli("run", SCRIPT, "--seed", "0", "--data-dir", default_data_dir(), "--report", str(report))
    executed = out / "executed.ipynb"
    notebook = run_cli("run", NOTEBOOK, "--seed", "0", "--out", str(executed))
    return first, report, (notebook, executed)


def test_python2_char_rnn_runs_with_python2s_meaning(runs):
    first, _, _ = runs
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    # 124 characters / (2 * 5) -> 12 batches; len(text) / 10 = 12 and 12 / 5 = 2: Python 2 floors
    assert lines[0] == "loaded 124 characters, 12 batches"
    assert lines[1] == "vocab 14 steps 12 half 2"
    steps = [line for line in lines if line.startswith("step ")]
    assert len(steps) == 3
    for line in steps:  # `print float(l)`: str() of a float, 12 significant digits at most
        digits = line.split()[-1].replace(".", "").lstrip("0")
        assert 1 <= len(digits) <= 12, line
    assert lines[-1] == "' ' 0 ',' 1"  # backticks are repr; `print a,` then `print`: one line, no trailing space
    assert "rnn-tf1: note: char_rnn_py2.py is Python 2 code; running it with Python 2's meaning (" in first.stderr
    assert "rnn-tf1: note: textdata.py is Python 2 code" in first.stderr  # the sibling module, imported
    assert first.stderr.count("import cPickle is Python 2's name") == 1
    assert "done\n" in first.stderr  # print >>sys.stderr


def test_python2_notebook_runs_headless_with_python2s_meaning(runs):
    import nbformat
    proc, executed = runs[2]
    assert proc.returncode == 0, proc.stderr
    # print statements; 7 / 2 == 3 (ints), [7, 8, -7] / 2 on an int32 tensor floors as TF 1.x's __div__ did;
    # map gives a list; round of a half goes away from zero and is a float; the softspace of `print x,`
    assert proc.stdout == "TF 2\nmean 3 0.333333333333\n3\n[ 3  4 -4] int32\n3.0 -1.0 3.5 same line\n"
    assert "rnn-tf1: note: this notebook's cells are Python 2 code; running them with Python 2's meaning " \
           "(its metadata says Python 2)" in proc.stderr
    original = nbformat.read(NOTEBOOK, 4)
    copy = nbformat.read(str(executed), 4)
    assert [c.source for c in copy.cells] == [c.source for c in original.cells]  # the original source kept


def test_report_lists_translated_constructs_with_lines(runs):
    _, report, _ = runs
    text = report.read_text()
    assert "## Python 2 code, run with Python 2's meaning" in text
    assert "| char_rnn_py2.py:13 | integer division (/) |" in text  # range(steps / 5)
    assert "| textdata.py:14 | integer division (/) |" in text
    data = json.loads(report.with_suffix(".json").read_text())
    files = {os.path.basename(e["file"]) for e in data["python2"]}
    assert files == {"char_rnn_py2.py", "textdata.py"}


def test_show_translation_prints_the_source_that_runs(tmp_path):
    proc = cli_in_process("run", SCRIPT, "--show-translation")
    assert proc.returncode == 0, proc.stderr
    with open(SCRIPT) as fh:
        original = fh.read()
    assert proc.stdout.count("\n") == original.count("\n")
    assert "assert __py2_range__(__py2_div__(steps, 5)) == [0, 1]" in proc.stdout
    python3 = tmp_path / "char_rnn_py3.py"
    python3.write_text(proc.stdout)
    again = cli_in_process("run", str(python3), "--show-translation")  # Python 3 now: printed as it is
    assert again.returncode == 0 and again.stdout == proc.stdout
    assert "compiles as Python 3: it runs as it is" in again.stderr


def test_untranslatable_python2_is_one_line(tmp_path):
    script = tmp_path / "tuple_params.py"
    script.write_text("def f((a, b)):\n    if a:\n        return b\nprint f((1, 2))\n")
    proc = cli_in_process("run", str(script), "--show-translation")
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr == (f"rnn-tf1: error: {script}: Python 2 code that rnn-tf1 cannot translate: tuple parameters "
                           "before a compound statement are not translated (line 1): unpack them in the body's "
                           "first line\n")


def test_show_translation_of_a_notebook_prints_each_cell_as_it_runs():
    proc = cli_in_process("run", NOTEBOOK, "--show-translation")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# In[1]: (Python 2, translated)\n%matplotlib inline\n")
    assert "half = __py2_div__(x, 2)" in proc.stdout and proc.stdout.count("# In[") == 4
    assert "4 of 4 code cells are Python 2 (its kernelspec is python2)" in proc.stderr
