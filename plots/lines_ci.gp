# Series against a numeric x, each point a mean with its 95% CI as an error bar.
# datafile columns: x, then per series: mean, ci_lo, ci_hi (header row names the series).
# Variables: title, xlabel, ylabel, nseries; optional pairs ("1": series come in pairs drawn in one colour,
# the second dashed) and logx ("1": logarithmic x axis, for values spanning decades).
load plotdir.'/common.gp'
ns = nseries + 0
if (!exists("pairs")) { pairs = "0" }
if (!exists("logx")) { logx = "0" }
pr = pairs + 0
# the x axis spans the data (no tick outside it, such as -0.1 for a rate), with a small margin
set autoscale xfix
set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05
if (logx + 0) { set logscale x }
# an accuracy is in [0, 100]: a t interval over a few seeds can pass either end, the axis stops there
if (strstrt(ylabel, 'accuracy') > 0) { set yrange [0<*:*<100] }
st = pr ? 2 : 1
plot for [i=0:ns-1:st] datafile using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
         with yerrorlines lw 2 pt 7 ps 1.1 lc (pr ? i / 2 + 1 : i + 1) title columnhead(2+3*i), \
     for [i=1:(pr ? ns-1 : 0):2] datafile using 1:(column(2+3*i)):(column(3+3*i)):(column(4+3*i)) \
         with yerrorlines lw 2 pt 6 ps 1.1 dt 2 lc (i / 2 + 1) title columnhead(2+3*i)
load plotdir.'/finish.gp'
