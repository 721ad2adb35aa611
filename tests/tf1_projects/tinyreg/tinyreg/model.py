import tensorflow as tf


def build(learning_rate):
    x = tf.placeholder(tf.float32, [None, 1], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    with tf.variable_scope("linear"):
        w = tf.get_variable("w", [1, 1], initializer=tf.zeros_initializer())
        b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    prediction = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.square(prediction - y))
    step = tf.train.GradientDescentOptimizer(learning_rate).minimize(
        loss, global_step=tf.train.get_or_create_global_step())
    return {"x": x, "y": y, "w": w, "b": b, "loss": loss, "train": step}
