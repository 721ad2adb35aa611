# A Python 2 module of the char-RNN fixture: imported by char_rnn_py2.py from its own folder.
import cPickle
import os


class TextLoader(object):
    def __init__(self, text, batch_size, seq_length):
        chars = sorted(set(text))
        self.vocab = dict((c, i) for i, c in enumerate(chars))
        self.data = [self.vocab[c] for c in text]
        self.batch_size = batch_size
        self.seq_length = seq_length
        # Python 2: an int, floored; under Python 3's `/` a float that range() refuses
        self.num_batches = len(self.data) / (batch_size * seq_length)
        print "loaded %d characters, %d batches" % (len(self.data), self.num_batches)

    def batches(self):
        for b in xrange(self.num_batches):
            start = b * self.batch_size * self.seq_length
            yield start

    def save_vocab(self, path):
        f = open(path, 'wb')
        cPickle.dump(self.vocab, f)
        f.close()
