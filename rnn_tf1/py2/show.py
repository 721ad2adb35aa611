"""`rnn-tf1 run --show-translation FILE`: the Python-3 source that runs for FILE, on stdout.

For a Python-2 script, its translation (line for line, so `> FILE3.py` keeps a Python-3 file that
runs under `rnn-tf1 run` as the original did: the `__py2_*__` helpers are builtins there); for a
notebook, each code cell as it runs, after an `# In[N]:` line.  A Python-3 file is printed as it is.
"""
from __future__ import annotations

import logging
import sys

from rnn_tf1.errors import UsageError

log = logging.getLogger(__name__)


def show_translation(path: str, python2: bool = False) -> int:
    from rnn_tf1.launch.notebook import is_notebook
    from rnn_tf1.py2 import notebook, translate

    if is_notebook(path):
        from rnn_tf1.launch.notebook import read_notebook
        nb = read_notebook(path)
        cells = notebook.translate_cells(nb)
        for number, (source, t) in enumerate(cells, 1):
            sys.stdout.write(f"# In[{number}]:{' (Python 2, translated)' if t else ''}\n{source}\n\n")
        log.info("%s: %d of %d code cells are Python 2 (%s)", path, sum(1 for _, t in cells if t), len(cells),
                 notebook.reason(nb) or "each on the evidence of its own syntax")
        return 0
    from rnn_tf1.launch.script import check_script
    source = check_script(path)
    why = translate.evidence(source, path)
    if why is None and python2 and translate.parses_as_python2(source):
        why = "rnn-tf1 run --python2"
    if why is None:
        sys.stdout.write(source)
        log.info("%s compiles as Python 3: it runs as it is (nothing translated)", path)
        return 0
    try:
        t = translate.translate(source, path, why)
    except SyntaxError as exc:
        raise UsageError(f"{path}: Python 2 code that rnn-tf1 cannot translate: {exc}") from None
    sys.stdout.write(t.source)
    log.info("%s is Python 2 code (%s): %d constructs translated", path, why, len(t.constructs))
    return 0
