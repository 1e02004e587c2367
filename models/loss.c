/* loss: see loss.h. */
#include <math.h>
#include <stddef.h>
#include "loss.h"

int argmax(const float *x, int V) {
    int best = 0;
    for (int i = 1; i < V; i++) if (x[i] > x[best]) best = i;
    return best;
}

double crossentropy_forward(float *probs, const float *logits, const int *targets, int B, int V, int *correct) {
    double total = 0.0;
    int right = 0;
    for (int b = 0; b < B; b++) {
        const float *z = logits + (size_t)b * V;
        float *p = probs + (size_t)b * V;
        int top = argmax(z, V);
        float zmax = z[top];
        double sum = 0.0;
        for (int i = 0; i < V; i++) { p[i] = expf(z[i] - zmax); sum += p[i]; }
        float inv = (float)(1.0 / sum);
        for (int i = 0; i < V; i++) p[i] *= inv;
        /* log softmax from the shifted logits, not log(p): stays finite when p underflows. */
        total += log(sum) - (double)(z[targets[b]] - zmax);
        right += top == targets[b];
    }
    if (correct) *correct = right;
    return total / B;
}

void crossentropy_backward(float *dlogits, const float *probs, const int *targets, int B, int V) {
    float invB = 1.0f / (float)B;
    for (int b = 0; b < B; b++) {
        const float *p = probs + (size_t)b * V;
        float *d = dlogits + (size_t)b * V;
        for (int i = 0; i < V; i++) d[i] = p[i] * invB;
        d[targets[b]] -= invB;
    }
}
