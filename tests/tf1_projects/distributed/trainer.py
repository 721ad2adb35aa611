"""Between-graph replicated training, as TF 1.x projects wrote it: one parameter server holds the
variables, each worker builds its own copy of the graph and trains on its own shard of the data.

    python trainer.py --job_name=ps --task_index=0 --ps_hosts=... --worker_hosts=...
    python trainer.py --job_name=worker --task_index=0 ...   (the chief: writes checkpoints)
    python trainer.py --job_name=worker --task_index=1 ...

A linear model y = x.w + b on a fixed synthetic set; --sync aggregates one gradient from every
worker per step (SyncReplicasOptimizer), otherwise each worker applies its own (asynchronous).
"""
import argparse
import sys

import numpy as np
import tensorflow as tf

FEATURES = 4
EXAMPLES = 64


def dataset():
    rng = np.random.RandomState(1234)
    x = rng.uniform(-1.0, 1.0, size=(EXAMPLES, FEATURES)).astype(np.float32)
    true_w = np.array([[2.0], [-3.0], [0.5], [1.0]], dtype=np.float32)
    y = x.dot(true_w) + 0.25 + rng.normal(0.0, 0.01, size=(EXAMPLES, 1)).astype(np.float32)
    return x, y


def model():
    """The graph every process builds the same way: placeholders, variables, loss."""
    x = tf.placeholder(tf.float32, [None, FEATURES], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    w = tf.Variable(tf.random_normal([FEATURES, 1], stddev=0.5), name="weights")
    b = tf.Variable(tf.zeros([1]), name="bias")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y), name="loss")
    return x, y, loss


def main(flags):
    ps_hosts = flags.ps_hosts.split(",")
    worker_hosts = flags.worker_hosts.split(",")
    cluster = tf.train.ClusterSpec({"ps": ps_hosts, "worker": worker_hosts})
    server = tf.train.Server(cluster, job_name=flags.job_name, task_index=flags.task_index)
    if flags.job_name == "ps":
        print("ps %d: serving on %s" % (flags.task_index, ps_hosts[flags.task_index]))
        sys.stdout.flush()
        server.join()
        return

    is_chief = flags.task_index == 0
    num_workers = len(worker_hosts)
    with tf.device(tf.train.replica_device_setter(
            worker_device="/job:worker/task:%d" % flags.task_index, cluster=cluster)):
        x, y, loss = model()
        global_step = tf.train.get_or_create_global_step()
        optimizer = tf.train.GradientDescentOptimizer(flags.learning_rate)
        if flags.sync:
            optimizer = tf.train.SyncReplicasOptimizer(optimizer, replicas_to_aggregate=num_workers,
                                                       total_num_replicas=num_workers)
        train_op = optimizer.minimize(loss, global_step=global_step)

    hooks = [tf.train.StopAtStepHook(last_step=flags.steps)]
    if flags.sync:
        # num_tokens=0: a worker gets its next step's token only when the step it gave a gradient to
        # is applied, so every global step is the mean of one gradient from each worker.
        hooks.append(optimizer.make_session_run_hook(is_chief, num_tokens=0))
    # Each worker talks to the ps and itself only, so a worker does not wait for the others to start.
    config = tf.ConfigProto(device_filters=["/job:ps", "/job:worker/task:%d" % flags.task_index])

    data_x, data_y = dataset()
    shard = EXAMPLES // num_workers
    mine_x = data_x[flags.task_index * shard:(flags.task_index + 1) * shard]
    mine_y = data_y[flags.task_index * shard:(flags.task_index + 1) * shard]
    batch = flags.batch_size
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=is_chief,
                                           checkpoint_dir=flags.train_dir if is_chief else None,
                                           save_checkpoint_secs=None, save_checkpoint_steps=flags.steps,
                                           save_summaries_steps=None, save_summaries_secs=None,
                                           log_step_count_steps=0, hooks=hooks, config=config,
                                           # SyncReplicasOptimizer's queue runner on the chief waits for
                                           # a step that never comes: give it a moment, not 120 s.
                                           stop_grace_period_secs=2) as sess:
        print("worker %d: session ready" % flags.task_index)
        sys.stdout.flush()
        local = 0
        while not sess.should_stop():
            start = (local * batch) % shard
            feed = {x: mine_x[start:start + batch], y: mine_y[start:start + batch]}
            _, step, value = sess.run([train_op, global_step, loss], feed_dict=feed)
            print("worker %d: local step %d, global step %d, batch loss %.6f" % (flags.task_index, local, step, value))
            sys.stdout.flush()
            local += 1
    print("worker %d: done" % flags.task_index)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--job_name", choices=["ps", "worker"], required=True)
    parser.add_argument("--task_index", type=int, default=0)
    parser.add_argument("--ps_hosts", required=True, help="comma-separated host:port")
    parser.add_argument("--worker_hosts", required=True, help="comma-separated host:port")
    parser.add_argument("--train_dir", default="/tmp/distributed_train")
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--batch_size", type=int, default=8)
    parser.add_argument("--learning_rate", type=float, default=0.1)
    parser.add_argument("--sync", action="store_true")
    main(parser.parse_args())
