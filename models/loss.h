/* loss: softmax cross-entropy, mean over the batch. Glossary: B = rows, V = classes. */
#ifndef SWEEP_LOSS_H
#define SWEEP_LOSS_H

/* probs (B,V) = softmax(logits (B,V)) computed stably (max subtracted). Returns the mean over rows of
   -log p[target] (targets (B) in [0,V)); *correct (may be NULL) gets the number of rows whose argmax of
   logits equals the target. */
double crossentropy_forward(float *probs, const float *logits, const int *targets, int B, int V, int *correct);
/* dlogits (B,V) = (probs - onehot(targets)) / B: the gradient of the mean loss. */
void crossentropy_backward(float *dlogits, const float *probs, const int *targets, int B, int V);
/* Index of the largest of x (V); the first on ties. */
int argmax(const float *x, int V);

#endif
