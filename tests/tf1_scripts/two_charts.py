"""Two matplotlib figures and plt.show(), as TF1-era tutorials ended (for rnn_tf1's tests;
written for this project)."""
import matplotlib.pyplot as plt

plt.figure()
plt.plot([1, 2, 3], [0.2, 0.5, 0.9], 'o', label='RNN Training phase')
plt.legend()
plt.figure()
plt.bar([0, 1, 2], [3, 1, 2])
plt.show()
print("shown")
