"""TensorFlow's C++ start-up lines that say nothing to a user of a machine without a GPU, held back.

TensorFlow 2.21 writes these to the process's stderr (file descriptor 2) whatever
TF_CPP_MIN_LOG_LEVEL says: the first five while `import tensorflow` runs (twice over, once per
library that logs before absl's logging is set up), the last when the process first looks for
devices (its first Session, or its first eager op):

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 ... port.cc:153] oneDNN custom operations are on. You may see slightly different ...
    I0000 ... cudart_stub.cc:31] Could not find cuda drivers on your machine, GPU will not be used.
    I0000 ... cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU ...
    To enable the following instructions: AVX2 ..., rebuild TensorFlow with the appropriate compiler flags.
    E0000 ... cuda_platform.cc:52] failed call to cuInit: INTERNAL: CUDA error: ... UNKNOWN ERROR (303)

In a Jupyter cell they show in red beside a cell that worked.  `quiet_first_import()` (called by
tf_env, which every entry point imports before TensorFlow) makes the process's first
`import tensorflow` run with file descriptor 2 passed through a filter that drops exactly these
lines and lets every other byte through, in order, as it comes; TensorFlow's device lookup is done
inside that same import, so the cuInit line comes then too, not in a later cell.  The cuInit line is
dropped only where no GPU can exist (no /dev/nvidia* device); on a machine with an NVIDIA device a
failing cuInit is a real error and shows.  What is never touched: TensorFlow's Python warnings
(deprecations, as TF 1.x printed them), any C++ line after the import (an op's error, a
`tf.print(..., output_stream='log(error)')`), any other line during it.
RNN_TF1_STARTUP_LOG=show turns the filter off.

Measured alternatives (TensorFlow 2.21, no GPU): TF_CPP_MIN_LOG_LEVEL=2 (the setting tf_env keeps)
leaves all six; =3 drops the cuInit line only, and every real C++ error with it; CUDA_VISIBLE_DEVICES
set to "" or -1 changes nothing (cuInit is still called and fails); TF_ENABLE_ONEDNN_OPTS=0 drops the
oneDNN line by changing the kernels TensorFlow computes with (and so the digits).
"""
from __future__ import annotations

import contextlib
import glob
import importlib.abc
import importlib.util
import os
import re
import sys
import threading

SWITCH = "RNN_TF1_STARTUP_LOG"

_LOG_PREFIX = r"[IWE]\d{4} [\d:.]+ +\d+ "
_ALWAYS = re.compile(
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    rf"|{_LOG_PREFIX}port\.cc:\d+\] oneDNN custom operations are on\. .*"
    rf"|{_LOG_PREFIX}cudart_stub\.cc:\d+\] Could not find cuda drivers on your machine, GPU will not be used\."
    rf"|{_LOG_PREFIX}cpu_feature_guard\.cc:\d+\] This TensorFlow binary is optimized to use available CPU .*"
    r"|To enable the following instructions: [A-Z0-9_ ]+, in other operations, rebuild TensorFlow with the "
    r"appropriate compiler flags\.")
_NO_GPU = re.compile(rf"{_LOG_PREFIX}cuda_platform\.cc:\d+\] failed call to cuInit: .*")


def gpu_possible() -> bool:
    """An NVIDIA device node exists: a failing cuInit would mean something here."""
    return bool(glob.glob("/dev/nvidia[0-9]*") or glob.glob("/dev/nvidiactl"))


def is_startup_noise(line: str, gpu: bool = False) -> bool:
    """`line` (without its newline) is one of TensorFlow's start-up lines that say nothing on a
    machine where `gpu` is False."""
    return bool(_ALWAYS.fullmatch(line) or (not gpu and _NO_GPU.fullmatch(line)))


@contextlib.contextmanager
def filtered_stderr(gpu: bool | None = None):
    """While inside: file descriptor 2 goes through a pipe whose reader thread copies every line to
    the real stderr as it comes, except start-up noise (`is_startup_noise`)."""
    gpu = gpu_possible() if gpu is None else gpu
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    try:
        real = os.dup(2)
    except OSError:  # no stderr at all (a daemon's closed fd 2): nothing to filter
        yield
        return
    read_end, write_end = os.pipe()

    def copy():
        pending = b""
        with os.fdopen(read_end, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                pending += chunk
                *lines, pending = pending.split(b"\n")
                kept = [line + b"\n" for line in lines
                        if not is_startup_noise(line.decode("utf-8", "replace"), gpu)]
                if kept:
                    os.write(real, b"".join(kept))
        if pending and not is_startup_noise(pending.decode("utf-8", "replace"), gpu):
            os.write(real, pending)

    reader = threading.Thread(target=copy, name="rnn_tf1-startup-stderr", daemon=True)
    reader.start()
    os.dup2(write_end, 2)
    os.close(write_end)
    try:
        yield
    finally:
        with contextlib.suppress(Exception):
            sys.stderr.flush()
        os.dup2(real, 2)  # the pipe's last writer closes: the reader drains it and stops
        reader.join()
        os.close(real)


class _QuietLoader(importlib.abc.Loader):
    """TensorFlow's own loader, its module run inside `filtered_stderr` followed by the device lookup."""

    def __init__(self, loader, finder):
        self.loader, self.finder = loader, finder

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self.finder)  # the first import is under way: once per process
        module.__loader__ = module.__spec__.loader = self.loader  # TensorFlow's own, as if never wrapped
        with filtered_stderr():
            self.loader.exec_module(module)
            with contextlib.suppress(Exception):
                # The lookup a first Session or eager op does (the CUDA platform's cuInit), now.  The
                # C API's own call: no eager context is made, so nothing is settled (eager or graph
                # mode, visible devices, threads).
                from tensorflow.python import pywrap_tfe
                pywrap_tfe.TF_ListPhysicalDevices()


class _FirstImport(importlib.abc.MetaPathFinder):
    """TensorFlow's spec as the other finders give it, with its loader wrapped.  It stays in place
    until the import itself runs (a library asking `importlib.util.find_spec("tensorflow")` whether
    TensorFlow is installed does not use it up)."""

    def __init__(self):
        self.busy = False

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow" or self.busy:
            return None
        self.busy = True  # the finders after this one answer
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self.busy = False
        if spec is not None and spec.loader is not None and not isinstance(spec.loader, _QuietLoader):
            spec.loader = _QuietLoader(spec.loader, self)
        return spec


def quiet_first_import() -> None:
    """Filter the start-up lines of this process's first `import tensorflow` (nothing if TensorFlow
    is imported already, or RNN_TF1_STARTUP_LOG=show)."""
    if "tensorflow" in sys.modules or os.environ.get(SWITCH) == "show":
        return
    if not any(isinstance(finder, _FirstImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _FirstImport())
