"""Studies around the tutorial: measurements that judge, explain or time the port.

compare    a run's log against the tutorial's published log, with the calibrated verdict
fidelity   seed bands: the spread of faithful runs across seeds, and the test the verdict uses
gradients  ||dL/dh_t|| through time; the cells experiment (vanishing and exploding gradients)
bench      step time and memory against Keras, PyTorch and an sgemm floor
"""
