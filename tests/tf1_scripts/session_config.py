"""The Sessions a TF1-era script makes, for rnn_tf1's tests of `rnn-tf1 run`: its own tf.Session()
with and without a ConfigProto, an InteractiveSession, a MonitoredTrainingSession, each running an op
pinned to a GPU this machine does not have.  Written for this project; prints each Session's threads
and soft placement."""
import tensorflow as tf

with tf.device("/gpu:0"):
    total = tf.reduce_sum(tf.constant([1.0, 2.0, 3.0]))
step = tf.train.get_or_create_global_step()
bump = tf.assign_add(step, 1)


def describe(name, config, value):
    print("%s intra=%d inter=%d soft=%s value=%g" % (name, config.intra_op_parallelism_threads,
                                                     config.inter_op_parallelism_threads,
                                                     config.allow_soft_placement, value))


with tf.Session() as sess:
    describe("Session()", sess._config, sess.run(total))
own = tf.ConfigProto(intra_op_parallelism_threads=3)
with tf.Session(config=own) as sess:
    describe("Session(config)", sess._config, sess.run(total))
print("script's ConfigProto unchanged:", own.inter_op_parallelism_threads == 0 and not own.allow_soft_placement)
sess = tf.InteractiveSession()
describe("InteractiveSession()", sess._config, total.eval())
sess.close()
with tf.train.MonitoredTrainingSession() as mon:
    print("MonitoredTrainingSession value=%g step=%d" % tuple(mon.run([total, bump])))
