"""The Jupyter kernel with TF 1.x's API: `rnn-tf1 kernel install|remove`, and the kernel itself.

The kernel is ipykernel's IPython kernel in a process where `rnn_tf1.tf1.install()` has run before
the first cell: `import tensorflow as tf` is TF 1.x's API in graph mode, with `tf.contrib.rnn` and
`tensorflow.examples.tutorials.mnist.input_data` as under `rnn-tf1 run SCRIPT.py`.  Figures are
drawn by matplotlib's inline backend (shown in the notebook, not saved as PNG files as `run` does).
`rnn-tf1 run NOTEBOOK.ipynb` starts this same kernel, passing `--seed` and `--data-dir` through
the kernel's environment (SEED_VARIABLE, DATA_DIR_VARIABLE); in Jupyter both are unset, so the
notebook runs unseeded on the folder it names, as TF1 notebooks ran.

The kernelspec is written by ipykernel's own machinery (`ipykernel.kernelspec.write_kernel_spec`,
with its logos) and installed or found by jupyter_client's `KernelSpecManager`; its argv runs
`python -m rnn_tf1.launch.kernel -f {connection_file}` with this Python.
"""
from __future__ import annotations

import logging
import os
import shutil
import sys
from typing import Any

from rnn_tf1 import __version__
from rnn_tf1.errors import UsageError, UserError

log = logging.getLogger(__name__)

KERNEL_NAME = "rnn-tf1"
DISPLAY_NAME = "Python 3 · TF 1.x API (rnn-tf1)"
LAUNCHER_MODULE = "rnn_tf1.launch.kernel"
# `rnn-tf1 run NOTEBOOK --seed N --data-dir DIR` -> the kernel's install(seed=N, data_dir=DIR).
SEED_VARIABLE = "RNN_TF1_KERNEL_SEED"
DATA_DIR_VARIABLE = "RNN_TF1_KERNEL_DATA_DIR"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
NOTEBOOK_PACKAGES = ("ipykernel", "jupyter_client", "nbclient", "nbformat")


def require_notebook_packages(what: str) -> None:
    """Jupyter's packages are the `notebook` extra: a user without them gets one line saying what
    to install (exit 2), not an ImportError."""
    for name in NOTEBOOK_PACKAGES:
        try:
            __import__(name)
        except ImportError:
            raise UsageError(f"{what} needs Jupyter's packages ({name} is not installed): "
                             "pip install ipykernel nbclient nbformat, or this package's notebook extra "
                             "(pip install -e '.[notebook]' in a checkout)") from None


def kernel_spec() -> dict[str, Any]:
    """kernel.json of the TF1 kernel: ipykernel's own, with this module as the launcher."""
    import platform

    from ipykernel.kernelspec import get_kernel_dict, make_ipkernel_cmd

    # As ipykernel's installer does on CPython: no frozen modules, so its debugger can step in.
    python_arguments = ["-Xfrozen_modules=off"] if platform.python_implementation() == "CPython" else None
    spec = get_kernel_dict()
    spec.update(argv=make_ipkernel_cmd(mod=LAUNCHER_MODULE, python_arguments=python_arguments),
                display_name=DISPLAY_NAME, language="python")
    spec["metadata"] = {**spec.get("metadata", {}), "rnn_tf1": {"version": __version__}}
    return spec


def is_ours(spec: dict[str, Any]) -> bool:
    """A kernelspec this module wrote (its argv runs the TF1 launcher)."""
    return "rnn_tf1" in spec.get("metadata", {}) or LAUNCHER_MODULE in spec.get("argv", [])


def _location(user: bool, sys_prefix: bool, prefix: str | None) -> tuple[bool, str | None]:
    """(user, prefix) for KernelSpecManager.install_kernel_spec; the user's Jupyter folder by default
    (no root needed, and every Jupyter of that user lists it)."""
    if prefix:
        return False, os.path.abspath(prefix)
    if sys_prefix:
        return False, sys.prefix
    return True, None


def _kernels_dir(manager, user: bool, prefix: str | None) -> str:
    """The folder of kernelspecs install_kernel_spec(user=, prefix=) writes into (its documented
    layout: the user's data folder, or PREFIX/share/jupyter/kernels)."""
    return manager.user_kernel_dir if user else os.path.join(prefix, "share", "jupyter", "kernels")


def _spec_at(manager, kernels_dir: str, name: str) -> dict[str, Any] | None:
    """The kernelspec named `name` in `kernels_dir` as KernelSpecManager reads it, or None."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    local = KernelSpecManager(parent=manager, kernel_dirs=[kernels_dir], ensure_native_kernel=False)
    try:
        return local.get_kernel_spec(name).to_dict()
    except NoSuchKernel:
        return None


def install_kernel(name: str = KERNEL_NAME, user: bool = False, sys_prefix: bool = False,
                   prefix: str | None = None) -> str:
    """Register the TF1 kernel as `name`; returns the kernelspec's folder.  A kernelspec of that
    name that is not ours is never replaced."""
    require_notebook_packages("rnn-tf1 kernel install")
    from ipykernel.kernelspec import write_kernel_spec
    from jupyter_client.kernelspec import KernelSpecManager

    # jupyter_client's own search-path warning is silenced: the note below also says what to do.
    quiet = logging.getLogger("rnn_tf1.jupyter.kernelspec")
    quiet.setLevel(logging.ERROR)
    manager = KernelSpecManager(log=quiet)
    user, prefix = _location(user, sys_prefix, prefix)
    kernels_dir = _kernels_dir(manager, user, prefix)
    existing = _spec_at(manager, kernels_dir, name)
    if existing is not None and not is_ours(existing):
        raise UsageError(f"{os.path.join(kernels_dir, name)} is another kernel ({existing.get('display_name')!r}), "
                         f"not rnn-tf1's; choose another --name")
    staged = write_kernel_spec(overrides=kernel_spec())  # a temporary folder: kernel.json and the logos
    try:
        installed = manager.install_kernel_spec(staged, kernel_name=name, user=user, prefix=prefix)
    except OSError as exc:
        raise UserError(f"cannot install the kernel into {kernels_dir}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(os.path.dirname(staged), ignore_errors=True)
    if name not in KernelSpecManager().find_kernel_specs():
        log.info("note: %s is not on Jupyter's search path; set JUPYTER_PATH=%s for Jupyter to list it",
                 kernels_dir, os.path.dirname(kernels_dir))
    return installed


def remove_kernel(name: str = KERNEL_NAME, user: bool = False, sys_prefix: bool = False,
                  prefix: str | None = None) -> str:
    """Remove the TF1 kernel `name` from the location given (default: wherever Jupyter finds it
    first); returns the folder removed.  Refuses a kernelspec that is not ours."""
    require_notebook_packages("rnn-tf1 kernel remove")
    from jupyter_client.kernelspec import KernelSpecManager

    manager = KernelSpecManager(ensure_native_kernel=False)  # only kernelspecs on disk
    if user or sys_prefix or prefix:
        manager.kernel_dirs = [_kernels_dir(manager, *_location(user, sys_prefix, prefix))]
    found = manager.find_kernel_specs()
    where = ", ".join(manager.kernel_dirs)
    if name not in found:
        raise UserError(f"no kernel named {name} in {where}: nothing removed")
    spec = manager.get_kernel_spec(name).to_dict()
    if not is_ours(spec):
        raise UserError(f"{found[name]} is another kernel ({spec.get('display_name')!r}), not rnn-tf1's: "
                        f"nothing removed (jupyter kernelspec remove {name} removes it)")
    return manager.remove_kernel_spec(name)


def _tf_notices_to_stderr() -> None:
    # TensorFlow's notices (deprecations a cell triggers) as TF 1.x showed them in a notebook: the
    # cell's stderr, `WARNING:tensorflow:...`; never stdout, which carries only what cells print.
    from rnn_tf1.launch.common import CurrentStderr  # the kernel replaces sys.stderr per cell
    handler = CurrentStderr()
    handler.setFormatter(logging.Formatter("%(levelname)s:tensorflow:%(message)s"))
    tf_logger = logging.getLogger("tensorflow")
    tf_logger.handlers[:] = [handler]  # also TensorFlow's own handler, which goes to stdout when interactive
    tf_logger.propagate = False


def main(argv: list[str] | None = None) -> None:
    """The kernel: TF 1.x's API installed, then ipykernel's kernel app (`-f CONNECTION_FILE`)."""
    if any(type(f).__name__ == "_RnnTf1StartupFinder" for f in sys.meta_path):
        from rnn_tf1.launch import hook
        hook.disable()  # under `rnn-tf1 exec` too, this kernel sets up TF 1.x's API itself, below
    os.environ["MPLBACKEND"] = INLINE_BACKEND  # figures inline, whatever the environment says
    seed = os.environ.pop(SEED_VARIABLE, "")  # popped: a `!command` in a cell does not inherit them
    data_dir = os.environ.pop(DATA_DIR_VARIABLE, "") or None
    from rnn_tf1 import tf1
    tf1.install(seed=int(seed) if seed else None, data_dir=data_dir)
    _tf_notices_to_stderr()
    from ipykernel.kernelapp import IPKernelApp
    # Python-2 cells run translated, with Python 2's meaning (rnn_tf1/py2/notebook.py).
    IPKernelApp.launch_instance(argv, extensions=["rnn_tf1.py2.notebook"])


if __name__ == "__main__":
    main()
