#!/bin/sh
# train, then evaluate in a second process that restores the first one's checkpoint
set -e
python -m tinyreg.train --steps 30 --ckpt_dir "$1"
python -m tinyreg.eval --ckpt_dir "$1"
