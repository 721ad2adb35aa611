"""A small TF1 project written as a fixture: a linear regression package started with
`python -m tinyreg.train --flags`, evaluated by `python -m tinyreg.eval`, tested with tf.test."""
