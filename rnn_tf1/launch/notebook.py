"""`rnn-tf1 run NOTEBOOK.ipynb`: a TF1-era notebook, unchanged, executed headless on the TF1 kernel.

Every code cell runs in order with nbclient on the kernel of `rnn_tf1.launch.kernel` (TF 1.x's API
installed before the first cell), whatever kernel the notebook's metadata names (a note on stderr
when it names another).  What the cells print on stdout goes to stdout as it comes, and nothing
else does, so the output is what the script version prints (`rnn-tf1 run NB.ipynb > run.log;
rnn-tf1 compare run.log`); the cells' stderr goes to stderr.  The executed notebook, outputs and
inline figures included, is written to `--out` (default NOTEBOOK.executed.ipynb beside it, or
-2, -3 ... before the suffix if that exists; never over an existing file).

Stops: a file that is not a notebook (not JSON, no cells, an nbformat newer than the installed
nbformat reads) is one line, exit 2 (nbformat 3 and older are converted, with a note); a cell that
raises prints its traceback and one line naming the cell, its first line and the exception, exit 1;
a TF1 name the environment lacks is the one line `rnn-tf1 run SCRIPT.py` gives, naming the cell;
a kernel that dies (killed, out of memory) is one line, exit 1.  In each case the executed
notebook up to that cell is still written, and the kernel is shut down.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from typing import Any

from rnn_tf1 import run_files
from rnn_tf1.launch import kernel as tf1_kernel
from rnn_tf1.errors import UsageError, UserError

log = logging.getLogger(__name__)

NOTEBOOK_SUFFIX = ".ipynb"
EXECUTED_SUFFIX = ".executed.ipynb"
TF1_MISSING = ("TF1NameMissing", "TF1ModuleMissing")  # rnn_tf1.tf1's errors, by the name the kernel reports
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_CELL_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")  # IPython's name for a frame of a cell


def is_notebook(path: str) -> bool:
    return path.endswith(NOTEBOOK_SUFFIX)


def read_notebook(path: str):
    """The notebook as nbformat 4, or a one-line UsageError: missing, not JSON, not a notebook,
    or newer than the installed nbformat reads.  Older formats are converted, with a note."""
    import nbformat

    if not os.path.exists(path):
        raise UsageError(f"{path}: no such notebook")
    if os.path.isdir(path):
        raise UsageError(f"{path}: is a folder, not a notebook")
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise UsageError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not a notebook (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{path}: not a notebook (not JSON: {exc.msg} at line {exc.lineno})") from None
    major = data.get("nbformat") if isinstance(data, dict) else None
    if not isinstance(major, int) or ("cells" not in data and "worksheets" not in data):
        raise UsageError(f"{path}: not a notebook (JSON without a notebook's nbformat and cells)")
    if major > nbformat.current_nbformat:
        raise UsageError(f"{path}: written in nbformat {major}, newer than the installed nbformat "
                         f"{nbformat.__version__} reads (up to {nbformat.current_nbformat}); "
                         "pip install --upgrade nbformat")
    if major == nbformat.current_nbformat and not isinstance(data.get("cells"), list):
        raise UsageError(f"{path}: not a notebook (nbformat {major} without a list of cells)")
    try:
        notebook = nbformat.reads(text, as_version=nbformat.current_nbformat)
    except Exception as exc:  # nbformat's reader: a notebook too damaged to convert or read
        raise UsageError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})".splitlines()[0]) from None
    if major < nbformat.current_nbformat:
        log.info("note: %s is nbformat %d; converted to nbformat %d to run (the executed copy is nbformat %d)",
                 path, major, nbformat.current_nbformat, nbformat.current_nbformat)
    return notebook


def executed_path(notebook: str) -> str:
    """NOTEBOOK.executed.ipynb beside it, or NOTEBOOK.executed-2.ipynb ... if that exists."""
    base = notebook[:-len(NOTEBOOK_SUFFIX)] + EXECUTED_SUFFIX[:-len(NOTEBOOK_SUFFIX)]
    path, n = base + NOTEBOOK_SUFFIX, 1
    while os.path.lexists(path):
        n += 1
        path = f"{base}-{n}{NOTEBOOK_SUFFIX}"
    return path


def _first_line(source: str) -> str:
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= 80 else line[:77] + "..."


def _error_output(cell) -> dict[str, Any] | None:
    return next((o for o in reversed(cell.get("outputs", [])) if o.get("output_type") == "error"), None)


def _cell_line(traceback_lines: list[str], number: int) -> str | None:
    """The line of cell `number` where the error was raised (its deepest frame in IPython's traceback)."""
    lines = [m.group(2) for m in _CELL_FRAME.finditer(_ANSI.sub("", "\n".join(traceback_lines)))
             if int(m.group(1)) == number]
    return lines[-1] if lines else None


def _kernel_client(notebook, seed: int | None, data_dir: str | None, cwd: str):
    """An nbclient NotebookClient on the TF1 kernel (its spec made here, nothing installed), which
    copies each stdout/stderr stream message of a cell to ours as it arrives; and the keyword
    arguments of its kernel's start.  The client owns the kernel: it shuts it down when done, when
    a cell fails, and on SIGINT/SIGTERM."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient

    quiet = logging.getLogger("rnn_tf1.jupyter")  # nbclient's and jupyter_client's progress notes are not ours
    quiet.setLevel(logging.WARNING)

    class TF1KernelSpecs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            if kernel_name == tf1_kernel.KERNEL_NAME:
                return KernelSpec(resource_dir="", **tf1_kernel.kernel_spec())
            return super().get_kernel_spec(kernel_name)

    class StreamingClient(NotebookClient):
        current: tuple[int, Any] | None = None  # (number as In [N], cell) of the cell running

        def create_kernel_manager(self):
            options = {}
            if "transport_encryption" in AsyncKernelManager.class_traits():  # jupyter_client 8.10+: CurveZMQ
                options["transport_encryption"] = "auto"
            self.km = AsyncKernelManager(kernel_name=tf1_kernel.KERNEL_NAME, kernel_spec_manager=TF1KernelSpecs(),
                                         log=quiet, **options)
            return self.km

        def output(self, outs, msg, display_id, cell_index):
            if msg["msg_type"] == "stream":
                stream = sys.stdout if msg["content"].get("name") == "stdout" else sys.stderr
                stream.write(msg["content"].get("text", ""))
                stream.flush()
            return super().output(outs, msg, display_id, cell_index)

    def on_cell_execute(cell, cell_index):
        client.current = (client.code_cells_executed + 1, cell)

    # No per-cell time limit (a training cell runs for minutes); TensorFlow's start-up may be slow on a busy
    # machine.  C-level output of the kernel goes straight to our stderr, once, not also into cell outputs.
    client = StreamingClient(notebook, kernel_name=tf1_kernel.KERNEL_NAME, timeout=None, startup_timeout=600,
                             log=quiet, on_cell_execute=on_cell_execute,
                             extra_arguments=["--IPKernelApp.capture_fd_output=False"],
                             resources={"metadata": {"path": cwd}})
    from rnn_tf1.tf1.seeding import hash_seed_environment
    from rnn_tf1.py2 import notebook as py2_notebook  # a Python-2 notebook: every cell translated
    env = {**os.environ, py2_notebook.PYTHON2_VARIABLE: "1" if py2_notebook.reason(notebook) else "",
           tf1_kernel.SEED_VARIABLE: "" if seed is None else str(seed),
           tf1_kernel.DATA_DIR_VARIABLE: data_dir or "", **hash_seed_environment(seed)}
    # The kernel's own stdout (C-level prints, never the cells' print()) joins stderr: our stdout
    # carries only what the cells print.
    return client, {"env": env, "stdout": sys.__stderr__.fileno()}


def _note_other_kernel(path: str, notebook) -> None:
    named = notebook.metadata.get("kernelspec", {})
    name = named.get("name")
    if name and name != tf1_kernel.KERNEL_NAME:
        shown = f" ({named['display_name']})" if named.get("display_name") else ""
        log.info("note: %s names the kernel %s%s; running it on %s", path, name, shown, tf1_kernel.DISPLAY_NAME)


def _write_executed(notebook, out: str) -> None:
    import nbformat

    if os.path.lexists(out):  # appeared while the cells ran: never replaced
        raise UserError(f"{out} appeared while the notebook ran; the executed copy was not written")
    run_files.write_text_atomically(run_files.make_parent(out), nbformat.writes(notebook))


def run_notebook(path: str, seed: int | None = None, data_dir: str | None = None, out: str | None = None) -> int:
    """Execute every code cell of `path` on the TF1 kernel; returns the exit status (0), or raises
    a one-line UserError for a cell that failed or a kernel that died."""
    tf1_kernel.require_notebook_packages("rnn-tf1 run NOTEBOOK.ipynb")
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    notebook = read_notebook(path)
    out = run_files.new_output_file(out or executed_path(path), "")  # exists, or an unwritable folder: one line
    _note_other_kernel(path, notebook)
    client, start = _kernel_client(notebook, seed, data_dir, os.path.dirname(os.path.abspath(path)))
    failure: str | None = None
    try:
        client.execute(**start)
    except CellExecutionError as exc:
        number, cell = client.current
        error = _error_output(cell) or {"ename": exc.ename, "evalue": exc.evalue, "traceback": []}
        evalue = (error.get("evalue") or "").strip()
        if error.get("ename") in TF1_MISSING:  # as for scripts: one line, where the name was used
            line = _cell_line(error.get("traceback", []), number)
            failure = f"{path}: cell {number}" + (f", line {line}" if line else "") + f": {evalue}"
        else:
            sys.stdout.flush()
            sys.stderr.write(_ANSI.sub("", "\n".join(error.get("traceback", []))).rstrip("\n") + "\n")
            headline = error.get("ename", "Error") + (f": {evalue.splitlines()[0]}" if evalue else "")
            failure = f"{path}: cell {number} ({_first_line(cell.source)}) raised {headline}"
    except DeadKernelError:
        where = f"cell {client.current[0]} ({_first_line(client.current[1].source)})" if client.current \
            else "start-up"
        failure = f"{path}: the kernel died during {where} (killed, or out of memory?)"
    except RuntimeError as exc:  # jupyter_client: the kernel stopped before it answered
        failure = f"{path}: the kernel did not start: {str(exc).splitlines()[0]}"
    finally:
        sys.stdout.flush()
    # The copy says which kernel ran it, so Jupyter reopens it on this one.
    notebook.metadata["kernelspec"] = {"name": tf1_kernel.KERNEL_NAME, "display_name": tf1_kernel.DISPLAY_NAME,
                                       "language": "python"}
    _write_executed(notebook, out)
    figures = sum("image/png" in o.get("data", {}) for c in notebook.cells if c.cell_type == "code"
                  for o in c.get("outputs", []))
    if failure:
        log.info("executed notebook (up to cell %d): %s", client.current[0] if client.current else 0,
                 os.path.abspath(out))
        raise UserError(failure)
    log.info("executed notebook: %s (%d code cells, %d figure%s)", os.path.abspath(out),
             client.code_cells_executed, figures, "" if figures == 1 else "s")
    return 0
