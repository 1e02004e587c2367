# Loaded first by every template. The harness sets: datafile, outbase, plotdir, and the template's own
# variables (title, xlabel, ylabel, ...), all as strings. The PNG is drawn first; finish.gp replots to SVG.
set terminal pngcairo size 960,560 noenhanced font "sans,11" background rgb "white"
set output outbase.'.png'
set datafile missing "NaN"
# the legend goes below the plot, where it can cover neither the data nor the title (above the plot it sat
# over the title) and leaves the plot its full width; sample before its label, next to its own line
set key outside bottom center horizontal box reverse Left width 1 height 0.5 maxrows 4
# twelve distinct colours (the default cycle repeats after eight)
array colours[12] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", \
                     "#bcbd22", "#17becf", "#000000", "#aec7e8"]
do for [i=1:12] { set linetype i lc rgb colours[i] lw 1.5 pt 7 }
set linetype cycle 12
set grid ytics lc rgb "#dddddd" lt 1
set border 3
set tics nomirror
set title title font "sans,13"
set xlabel xlabel."\n" offset 0,0.5
set ylabel ylabel
