"""Images people really have (issue #16): huge, 16-bit, transparent, rotated by EXIF.

Every image is generated here; `predict` runs as the real command on one small trained run.
"""
import hashlib
import os
import struct
import subprocess
import sys
import zlib

import numpy as np
import pytest
from PIL import Image

from conftest import REPO, cli_in_process, cli_trained_run
from rnn_tf1.images import MAX_PIXELS

TEST_INDICES = (0, 1, 2, 3, 4)


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return cli_trained_run(tmp_path_factory, "images", "--optimizer", "adam", "--steps", "300",
                           "--display-step", "100", "--seed", "0")


def digits(mnist_arrays):
    return [mnist_arrays["test_images"][i] for i in TEST_INDICES]  # uint8 28x28, white on black


def predictions(run, paths):
    """{file name: probabilities} from `rnn-tf1 predict`."""
    proc = cli_in_process("predict", run, *map(str, paths))
    assert proc.returncode == 0, proc.stderr
    out = {}
    for line in proc.stdout.splitlines():
        name, rest = line.split(": predicted ")
        out[name] = np.array([float(p.split(":")[1]) for p in rest.split("probabilities ")[1].split()])
    return out


def sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def png_header_only(path, width, height):
    """A valid PNG signature and IHDR declaring width x height, and one tiny IDAT: what a
    decompression bomb looks like before decoding (a few hundred bytes)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
                     + chunk(b"IEND", b""))


@pytest.mark.parametrize("width, height", [(30000, 30000), (12000, 12000)])
def test_image_above_the_pixel_limit_is_refused_before_decoding(run, tmp_path, width, height):
    path = tmp_path / "bomb.png"
    png_header_only(path, width, height)
    assert path.stat().st_size < 2000
    before = sha(path)
    proc = cli_in_process("predict", run, str(path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert (f"{path}: {width}x{height} pixels ({width * height / 1e6:.0f} megapixels) is more than the "
            f"{MAX_PIXELS / 1e6:.0f}-megapixel limit") in proc.stderr
    assert sha(path) == before and sorted(os.listdir(tmp_path)) == ["bomb.png"]


def test_sixteen_bit_and_transparent_versions_predict_what_the_original_does(run, tmp_path, mnist_arrays):
    paths = []
    for i, digit in zip(TEST_INDICES, digits(mnist_arrays)):
        eight = tmp_path / f"d{i}-8bit.png"
        Image.fromarray(digit).save(eight)
        sixteen = tmp_path / f"d{i}-16bit.png"
        Image.fromarray(digit.astype(np.uint16) * 257).save(sixteen)   # the same values on 0..65535
        assert Image.open(sixteen).mode == "I;16"
        rgba = np.zeros((28, 28, 4), np.uint8)
        rgba[..., 3] = digit              # black ink, opaque where the digit is, transparent elsewhere
        transparent = tmp_path / f"d{i}-rgba.png"
        Image.fromarray(rgba, "RGBA").save(transparent)
        paths += [eight, sixteen, transparent]
    got = predictions(run, paths)
    for i in TEST_INDICES:
        original = got[f"d{i}-8bit.png"]
        assert original.max() > 0.5  # the trained run recognises it: a meaningful comparison
        for kind in ("16bit", "rgba"):
            np.testing.assert_allclose(got[f"d{i}-{kind}.png"], original, atol=2e-3, err_msg=f"{i} {kind}")


def test_white_ink_on_transparent_is_composited_onto_black(run, tmp_path, mnist_arrays):
    digit = digits(mnist_arrays)[0]
    rgba = np.full((28, 28, 4), 255, np.uint8)
    rgba[..., 3] = digit                 # white ink: the paper behind it is black
    Image.fromarray(rgba, "RGBA").save(tmp_path / "white.png")
    Image.fromarray(digit).save(tmp_path / "plain.png")
    got = predictions(run, [tmp_path / "white.png", tmp_path / "plain.png"])
    np.testing.assert_allclose(got["white.png"], got["plain.png"], atol=2e-3)


def test_exif_orientation_is_applied(run, tmp_path, mnist_arrays):
    upright = Image.fromarray(255 - digits(mnist_arrays)[0]).resize((112, 112), Image.LANCZOS)  # dark on light
    upright.save(tmp_path / "upright.png")
    stored = upright.transpose(Image.Transpose.ROTATE_90)     # how the camera stored it
    exif = Image.Exif()
    exif[0x0112] = 6                                          # Orientation: rotate 90 CW to view
    stored.save(tmp_path / "phone.jpg", quality=95, exif=exif)
    stored.save(tmp_path / "no-exif.jpg", quality=95)
    got = predictions(run, [tmp_path / "upright.png", tmp_path / "phone.jpg", tmp_path / "no-exif.jpg"])
    assert got["phone.jpg"].argmax() == got["upright.png"].argmax()
    np.testing.assert_allclose(got["phone.jpg"], got["upright.png"], atol=0.05)
    assert np.abs(got["no-exif.jpg"] - got["upright.png"]).max() > 0.1  # the tag is what turned it upright


def test_large_jpeg_is_decoded_reduced(tmp_path, mnist_arrays):
    """An 8000x6000 (48-megapixel) phone-sized JPEG, under the limit: decoded at 1/8 scale, so reading it
    costs a few MB instead of the ~250 MB a full decode and conversion take; the digit is still found."""
    small = Image.fromarray(255 - digits(mnist_arrays)[0])
    big = Image.new("L", (8000, 6000), 255)
    big.paste(small.resize((3000, 3000), Image.BILINEAR), (2500, 1500))
    big.save(tmp_path / "big.jpg", quality=90)
    small.resize((100, 100)).save(tmp_path / "small.png")
    code = ("import resource, sys; from rnn_tf1.images import load_image; import numpy as np; "
            "a = load_image(sys.argv[1]); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "float(a.max()), a.shape)")
    rss = {}
    for name in ("big.jpg", "small.png"):
        proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], capture_output=True, text=True,
                              cwd=REPO, timeout=120)
        assert proc.returncode == 0, proc.stderr
        kb, top, shape = proc.stdout.split(" ", 2)
        assert float(top) > 0.9 and shape.strip() == "(28, 28)"
        rss[name] = int(kb) / 1024
    assert rss["big.jpg"] - rss["small.png"] < 40, rss  # MB


def test_large_jpeg_predicts_like_the_small_one(run, tmp_path, mnist_arrays):
    small = Image.fromarray(255 - digits(mnist_arrays)[0]).resize((112, 112), Image.LANCZOS)
    small.save(tmp_path / "small.png")
    big = Image.new("L", (6000, 4000), 255)
    big.paste(small.resize((2400, 2400), Image.BILINEAR), (1800, 800))
    big.save(tmp_path / "big.jpg", quality=90)
    got = predictions(run, [tmp_path / "small.png", tmp_path / "big.jpg"])
    assert got["big.jpg"].argmax() == got["small.png"].argmax()


@pytest.mark.parametrize("make", [
    lambda p: p.write_text("not an image\n"),
    lambda p: Image.new("L", (40, 40), 0).save(p, format="GIF"),   # a real image, but not PNG or JPEG
    lambda p: p.write_bytes((lambda b: b[:len(b) // 2])(_png_bytes())),  # a truncated PNG
], ids=["text", "gif", "truncated-png"])
def test_files_that_are_not_png_or_jpeg_are_one_line_errors(run, tmp_path, make):
    path = tmp_path / "input.png"
    make(path)
    before = sha(path)
    proc = cli_in_process("predict", run, str(path))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{path}: not a readable PNG or JPEG image" in proc.stderr
    assert sha(path) == before and os.listdir(tmp_path) == ["input.png"]


def _png_bytes():
    import io
    buf = io.BytesIO()
    Image.fromarray(np.random.RandomState(0).randint(0, 255, (200, 200), dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()
