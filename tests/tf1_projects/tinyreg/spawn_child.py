"""A multiprocessing spawn child that imports tensorflow: it must get TF 1.x's API too."""
import multiprocessing


def child(queue):
    import tensorflow as tf
    queue.put((hasattr(tf, "placeholder"), tf.executing_eagerly()))


if __name__ == "__main__":
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=child, args=(queue,))
    process.start()
    has_placeholder, eager = queue.get(timeout=300)
    process.join()
    print("spawn child: tf.placeholder %s, eager %s, exit %d" % (has_placeholder, eager, process.exitcode))
