"""How TF1 code is started: each form that runs TF1-era code unchanged in the TF1 environment of
`rnn_tf1.tf1` (`import tensorflow as tf` gives TF 1.x's API).

- script.py    `rnn-tf1 run SCRIPT.py`: a script as `python SCRIPT.py` runs it
- notebook.py  `rnn-tf1 run NOTEBOOK.ipynb`: every code cell on the TF1 kernel
- kernel.py    the Jupyter kernel with TF 1.x's API; `rnn-tf1 kernel install|remove`
"""
