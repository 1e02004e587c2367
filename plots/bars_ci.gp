# Clustered bars with 95% CI error bars, one cluster per row.
# datafile columns: label, then per series: mean, ci_lo, ci_hi (header row names the series).
# Variables: title, xlabel, ylabel, nseries, ymin, ymax (empty: automatic).
load plotdir.'/common.gp'
ns = nseries + 0
set style data histogram
set style histogram errorbars gap 1.5 lw 1.5
set style fill solid 0.75 border rgb "#333333"
set boxwidth 0.9
# rotated labels end at their tick, so each sits under its own bar; they name the bars, so the axis label
# (which would collide with them or with the legend) goes into the legend's title
set xtics rotate by 30 right
unset xlabel
set key title xlabel
if (strlen(ymin) > 0 && strlen(ymax) > 0) { set yrange [ymin+0:ymax+0] }
# bars whose axis does not start at zero exaggerate differences: the title says so
if (strlen(ymin) > 0 && ymin + 0 != 0) { set title title."\n(axis starts at ".ymin.", not at 0)" font "sans,13" }
plot for [i=0:ns-1] datafile using (column(2+3*i)):(column(3+3*i)):(column(4+3*i)):xtic(1) \
     lc i+1 title columnhead(2+3*i)
load plotdir.'/finish.gp'
