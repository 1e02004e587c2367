# Learning curves as small multiples: one panel per series (mean over seeds as a line, min-max over seeds as
# a band), all panels on the same axes, for when one plot would hold too many overlapping bands.
# datafile columns: epoch, then per series: mean, min, max (header row names the series).
# Variables: title, xlabel, ylabel, nseries, names (the series' names, tab-separated). Draws the PNG and the SVG itself (a multiplot cannot be replotted).
load plotdir.'/common.gp'
ns = nseries + 0
ncols = ns <= 4 ? 2 : (ns <= 9 ? 3 : 4)
nrows = int((ns + ncols - 1) / ncols)
height = 120 + 230 * nrows
stats datafile using 1 nooutput
xmax = STATS_max
ymin = 1e300; ymax = -1e300
do for [i=0:ns-1] {
    stats datafile using (column(3+3*i)) nooutput
    if (STATS_min < ymin) { ymin = STATS_min }
    stats datafile using (column(4+3*i)) nooutput
    if (STATS_max > ymax) { ymax = STATS_max }
}
pad = (ymax - ymin) * 0.05 + 1e-9
set yrange [ymin - pad : ymax + pad]
set xrange [1 : xmax > 1 ? xmax : 2]
if (xmax <= 20) { set xtics 1 }
set key off
# names: the panels' titles, separated by tabs (columnhead cannot title a panel)
if (!exists("names")) { names = "" }
nth(s, i) = (p_ = strstrt(s, "\t"), i == 0 ? (p_ ? s[1:p_-1] : s) : (p_ ? nth(s[p_+1:], i-1) : ""))
do for [pass=1:2] {
    if (pass == 1) {
        set terminal pngcairo size 960,height noenhanced font "sans,10" background rgb "white"
        set output outbase.'.png'
    } else {
        set terminal svg size 960,height dynamic noenhanced font "sans,10" background rgb "white"
        set output outbase.'.svg'
    }
    set multiplot layout nrows, ncols title title font "sans,13" margins 0.07, 0.98, 0.08, 0.90 spacing 0.07, 0.12
    do for [i=0:ns-1] {
        set title nth(names, i) font "sans,10"
        set xlabel (i >= ns - ncols ? xlabel : "")
        set ylabel (i % ncols == 0 ? ylabel : "")
        plot datafile using 1:(column(3+3*i)):(column(4+3*i)) with filledcurves lc (i % 12) + 1 \
                 fs transparent solid 0.25 noborder notitle, \
             datafile using 1:(column(2+3*i)) with linespoints lw 2 pt 7 ps 0.5 lc (i % 12) + 1 \
                 notitle
    }
    unset multiplot
    unset output
}
