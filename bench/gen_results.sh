#!/bin/sh
# gen_results.sh DIR ROWS [EPOCHS]: a synthetic results directory for the scale benchmark (#14): DIR/runs.csv
# with ROWS runs in the SCHEMA.md format, a grid of 4 numeric axes (dropout, lr, batch_size, l2) x 10 seeds,
# and DIR/curves.csv with EPOCHS rows per run (default 3; 0: no curves.csv). Deterministic (awk srand(1)).
set -eu
dir=$1; rows=$2; epochs=${3:-3}
mkdir -p "$dir"
awk -v rows="$rows" -v epochs="$epochs" -v dir="$dir" 'BEGIN {
    srand(1)
    runs = dir "/runs.csv"; curves = dir "/curves.csv"
    print "run_id,status,variant,seed,hidden,activation,dropout,input_dropout,output_dropout,batchnorm," \
          "optimizer,lr,momentum,l2,batch_size,epochs,early_stopping,train_size,val_size,augment,mc_samples," \
          "data,epochs_run,best_epoch,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc," \
          "test_acc_dropout_on,pred_change,test_acc_mc,seconds,sec_per_epoch" > runs
    if (epochs > 0) print "run_id,epoch,seconds,train_loss,train_acc,val_loss,val_acc,test_loss,test_acc" > curves
    for (i = 0; i < rows; i++) {
        seed = i % 10 + 1; c = int(i / 10)
        d = (c % 10) / 10; lr = 0.0001 * (1 + int(c / 10) % 10); b = 16 * (1 + int(c / 100) % 10)
        l2 = 0.0001 * (int(c / 1000) % 10)
        acc = 0.85 + 0.05 * d - 0.1 * d * d + 0.01 * rand(); tr = acc + 0.02 + 0.03 * (1 - d) * rand()
        st = rand() < 0.002 ? "diverged" : "ok"
        id = sprintf("%08x%08x", c, seed)
        if (st == "ok")
            printf "%s,ok,base,%d,\"256,256\",relu,%g,0,0,0,adam,%g,0.9,%g,%d,%d,0,1000,200,none,0,d,%d,%d,0.3,%.4f,0.4,%.4f,0.4,%.4f,,,,2.5,0.25\n", \
                id, seed, d, lr, l2, b, epochs, epochs, epochs, tr, acc + 0.002, acc >> runs
        else
            printf "%s,diverged,base,%d,\"256,256\",relu,%g,0,0,0,adam,%g,0.9,%g,%d,%d,0,1000,200,none,0,d,,,,,,,,,,,,2.5,\n", \
                id, seed, d, lr, l2, b, epochs >> runs
        for (e = 1; e <= epochs; e++)
            printf "%s,%d,0.25,%.4f,%.4f,%.4f,%.4f,%.4f,%.4f\n", id, e, 1 / e, acc - 0.05 / e, 1.1 / e,
                acc - 0.04 / e, 1.1 / e, acc - 0.04 / e >> curves
    }
}'
