# Series against a numeric x, each point a mean with its 95% CI as an error bar.
# datafile columns: x, then per series: mean, ci_lo, ci_hi (header row names the series).
# Variables: title, xlabel, ylabel, nseries.
load plotdir.'/common.gp'
ns = nseries + 0
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
# an accuracy cannot pass 100%: a t interval over a few seeds can, so the axis stops there
if (strstrt(ylabel, 'accuracy') > 0) { set yrange [*:*<100] }
plot for [i=0:ns-1] datafile using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
     with yerrorlines lw 2 pt 7 ps 1.1 lc i+1 title columnhead(2+3*i)
load plotdir.'/finish.gp'
