/* mlp: a multilayer perceptron with dropout and optional batch normalization, trained by backprop.
   Per hidden layer: Linear -> [BatchNorm] -> activation -> Dropout(p); the output layer is Linear only
   (with optional dropout on the logits, the tutorial's mistake). Parameters, gradients and the two
   optimizer moments are four equal-layout flat buffers; the tensors are pointers into them.
   Glossary: B = rows in a batch (<= max_batch), D = input features, V = classes. */
#ifndef SWEEP_MLP_H
#define SWEEP_MLP_H
#include <stddef.h>
#include <stdint.h>
#include "rng.h"
#include "train.h"

#define MLP_MAX_LAYERS (TRAIN_MAX_HIDDEN + 1)

/* The shape of a model. */
typedef struct {
    int n_in, n_out;              /* D and V */
    int n_hidden;                 /* 0..TRAIN_MAX_HIDDEN */
    int hidden[TRAIN_MAX_HIDDEN];
    train_activation activation;
    float dropout, input_dropout, output_dropout; /* each in [0, 1) */
    int batchnorm;
} mlp_config;

/* How a forward pass behaves. MLP_DROPOUT_ON keeps dropout active but uses the batchnorm running
   statistics and leaves them alone (the MC-dropout / forgotten-model.eval() evaluations). */
typedef enum { MLP_EVAL = 0, MLP_TRAIN = 1, MLP_DROPOUT_ON = 2 } mlp_mode;

/* The tensors of one layer inside a flat buffer. */
typedef struct {
    float *weight;                /* (out, in), PyTorch nn.Linear layout */
    float *bias;                  /* (out) */
    float *gamma, *beta;          /* (out) batchnorm scale and shift; NULL when absent */
} mlp_tensors;

typedef struct {
    mlp_config cfg;
    int n_layers;                 /* n_hidden + 1 */
    int in_dim[MLP_MAX_LAYERS], out_dim[MLP_MAX_LAYERS];
    int max_batch;
    size_t num_params;
    float *params, *grads, *m, *v; /* num_params each, same layout */
    mlp_tensors p[MLP_MAX_LAYERS], g[MLP_MAX_LAYERS]; /* views into params and grads */
    size_t num_stats;
    float *stats;                 /* batchnorm running statistics (num_stats); not trained, but saved with params */
    float *running_mean[TRAIN_MAX_HIDDEN], *running_var[TRAIN_MAX_HIDDEN];
    /* Activations for up to max_batch rows. */
    float *x_drop;                /* (B,D) input after input dropout, or NULL */
    float *pre[MLP_MAX_LAYERS];   /* (B,out) linear output, batchnormed and activated in place; pre[last] = logits */
    float *out[TRAIN_MAX_HIDDEN]; /* (B,out) hidden layer output after dropout */
    uint8_t *mask[TRAIN_MAX_HIDDEN]; /* (B,out) dropout mask (tanh only; relu needs none), or NULL */
    uint8_t *mask_out;            /* (B,V) logits dropout mask, or NULL */
    float *xhat[TRAIN_MAX_HIDDEN], *bn_mean[TRAIN_MAX_HIDDEN], *bn_rstd[TRAIN_MAX_HIDDEN]; /* batchnorm saves */
    float *probs;                 /* (B,V) softmax of the last mlp_loss */
    float *dbuf[2];               /* (B, widest layer) gradient ping-pong */
    const float *input;           /* the layer-0 input of the last forward pass */
    int last_B;
    mlp_mode last_mode;
    void *memory;                 /* the one allocation */
} mlp;

/* Allocate a model for batches of up to max_batch rows (one allocation). Returns 0, or -1 with err. */
int mlp_create(mlp *m, const mlp_config *cfg, int max_batch, char *err, size_t errlen);
/* Bytes mlp_create would allocate for cfg and max_batch (0 for a bad shape); the parameter and batchnorm
   statistics counts into num_params and num_stats when not NULL. Allocates nothing. */
size_t mlp_bytes(const mlp_config *cfg, int max_batch, size_t *num_params, size_t *num_stats);
/* Initialise as PyTorch: Linear weights and biases uniform in +-1/sqrt(fan_in), gamma 1, beta 0,
   running mean 0 and variance 1; gradients and optimizer moments zero. */
void mlp_init(mlp *m, rng_state *init_rng);
/* Release the model; safe on a zeroed or freed struct. */
void mlp_free(mlp *m);
/* Forward pass of x (B,D), B <= max_batch; returns the logits (B,V), valid until the next pass.
   rng is the dropout stream (unused in MLP_EVAL). x is not modified and must stay valid until backward. */
const float *mlp_forward(mlp *m, const float *x, int B, mlp_mode mode, rng_state *rng);
/* Softmax cross-entropy of the last forward pass against targets (B): mean loss; *correct (may be NULL)
   gets the count of correct argmax predictions. Keeps the probabilities for mlp_backward. */
double mlp_loss(mlp *m, const int *targets, int B, int *correct);
/* Gradients of the mean loss into m->grads (overwritten), after an MLP_TRAIN forward and mlp_loss. */
void mlp_backward(mlp *m, const int *targets, int B);
/* Told that the gradients of params[offset, offset+count) (one layer) are final and that backward will not
   read those parameters again: the optimizer can update them while they are still in cache. */
typedef void (*mlp_layer_done_fn)(void *user, size_t offset, size_t count);
/* mlp_backward, calling done (if not NULL) for each layer, last layer first. */
void mlp_backward_each(mlp *m, const int *targets, int B, mlp_layer_done_fn done, void *user);

#endif
