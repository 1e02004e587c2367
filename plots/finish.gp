# Loaded last by every template: the same plot again as SVG.
set terminal svg size 960,560 dynamic noenhanced font "sans,11" background rgb "white"
set output outbase.'.svg'
replot
unset output
