"""Environment TensorFlow (and numpy) must see before they are first imported.

On TensorFlow 2.16+ (Keras 3) `tf.compat.v1.nn.rnn_cell.BasicLSTMCell` exists
only through the `tf-keras` package and `TF_USE_LEGACY_KERAS=1`, read once at
TensorFlow's first import.  Every entry point imports this module first.

`one_arithmetic()` holds the kernels that TensorFlow and numpy pick by processor at the AVX2
level, so that a seed prints the same digits on every x86-64 CPU with AVX2, AVX-512 ones
included (the faithful default, `block`, and every seeded `rnn-tf1 run`; docs/one-arithmetic.md).
"""
import logging
import os
import platform
import sys

IMPORTED_TOO_EARLY = "tensorflow" in sys.modules and os.environ.get("TF_USE_LEGACY_KERAS") != "1"

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # C++ info/warnings (CUDA probing) off; errors stay

# numpy's SIMD loops above AVX2, by the names numpy's NPY_DISABLE_CPU_FEATURES takes: numpy 2.4
# groups AVX-512 as X86_V4 (+ the ICL and SPR extensions); older numpy names each AVX-512 target.
_NUMPY_AVX512 = {True: "X86_V4 AVX512_ICL AVX512_SPR",
                 False: "AVX512F AVX512CD AVX512_KNL AVX512_KNM AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL "
                        "AVX512_SPR"}


def _numpy_groups_x86_levels() -> bool:
    """Whether the installed numpy (2.4+) names its x86 targets X86_V2/V3/V4; read from its
    metadata, since importing numpy would fix its dispatch before the setting is made."""
    from importlib import metadata
    try:
        major, minor = (int(part) for part in metadata.version("numpy").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return True
    return (major, minor) >= (2, 4)


def cpu_flags(path: str = "/proc/cpuinfo") -> set[str]:
    """The processor's feature flags (Linux's /proc/cpuinfo `flags` line); empty where unknown."""
    try:
        with open(path) as fh:
            for line in fh:
                if line.startswith("flags"):
                    return set(line.partition(":")[2].split())
    except OSError:
        pass
    return set()


def arithmetic_settings(flags: set[str] | None = None) -> tuple[dict[str, str], str | None]:
    """The settings of the one arithmetic for this machine, each with why it is needed, and a note
    when this machine cannot compute it.  Measured on an AVX-512 CPU (docs/one-arithmetic.md): the
    first two together make TensorFlow print the AVX2 machine's checks, neither alone does; the
    last two move numpy's float64 exp and its OpenBLAS matmuls to the AVX2 machine's results."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return {}, None  # ARM and others have kernels of their own: out of reach of this rule
    flags = cpu_flags() if flags is None else flags
    settings = {
        # oneDNN picks its kernels (TensorFlow's matmuls, also those inside Eigen's contractions) by ISA
        "ONEDNN_MAX_CPU_ISA": "AVX2",
        # TensorFlow's oneDNN graph rewrites, on by default on x86, take other kernels and orders
        "TF_ENABLE_ONEDNN_OPTS": "0",
        # numpy's own SIMD loops (float64 exp among them) have AVX-512 versions
        "NPY_DISABLE_CPU_FEATURES": _NUMPY_AVX512[_numpy_groups_x86_levels()],
    }
    if flags and not {"avx2", "fma"} <= flags:
        # OpenBLAS's Haswell kernels need AVX2 and FMA; TensorFlow's wheel itself needs only AVX
        return settings, ("this CPU has no AVX2: TensorFlow runs its AVX kernels, whose last printed digit can differ "
                          "from AVX2 and AVX-512 machines' (docs/one-arithmetic.md)")
    # numpy's OpenBLAS picks its matmul kernels by processor (SkylakeX on AVX-512)
    settings["OPENBLAS_CORETYPE"] = "Haswell"
    return settings, None


_applied: list[str] | None = None


def one_arithmetic(environ=None) -> list[str]:
    """Set the one arithmetic's variables that the environment does not set already; returns the
    notes (a user's own, different setting wins and is named; a CPU without AVX2 is named).  Once
    TensorFlow is imported its kernels are chosen: then nothing is set.  Notes go to the `rnn_tf1`
    logger once per process."""
    global _applied
    env = os.environ if environ is None else environ
    if environ is None and _applied is not None:
        return _applied
    notes = []
    if "tensorflow" in sys.modules and environ is None:
        return notes
    settings, cpu_note = arithmetic_settings()
    for name, value in settings.items():
        given = env.get(name)
        if given is None:
            env[name] = value
        elif given != value:
            notes.append(f"note: {name}={given} is set in the environment and wins over the one arithmetic's "
                         f"{name}={value}: printed digits may differ from other CPUs' runs")
    if cpu_note:
        notes.append(f"note: {cpu_note}")
    if environ is None:
        _applied = notes
        for note in notes:
            logging.getLogger("rnn_tf1").warning("%s", note)
    return notes


# TensorFlow's C++ start-up lines that mean nothing without a GPU (cuInit, oneDNN, CUDA drivers) are
# dropped from stderr during its first import; every other line passes (startup_noise.py).
from rnn_tf1 import startup_noise  # noqa: E402

startup_noise.quiet_first_import()
