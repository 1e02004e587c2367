# Learning curves: per series the mean over seeds as a line and the min-max over seeds as a band.
# datafile columns: epoch, then per series: mean, min, max (header row names the series).
# Variables: title, xlabel, ylabel, nseries.
load plotdir.'/common.gp'
ns = nseries + 0
stats datafile using 1 nooutput
if (STATS_max <= 20) { set xtics 1 }
plot for [i=0:ns-1] datafile using 1:(column(3+3*i)):(column(4+3*i)) with filledcurves \
         lc i+1 fs transparent solid 0.18 noborder notitle, \
     for [i=0:ns-1] datafile using 1:(column(2+3*i)) with linespoints lw 2 pt 7 ps 0.6 lc i+1 \
         title columnhead(2+3*i)
load plotdir.'/finish.gp'
