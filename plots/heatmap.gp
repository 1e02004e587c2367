# A grid of values with the value printed in each cell.
# datafile: gnuplot "matrix rowheaders columnheaders": first line a corner label then the column labels,
# each further line a row label then its values (NaN when missing).
# Variables: title, xlabel, ylabel, cblabel, fmt (printf format of the cell labels).
load plotdir.'/common.gp'
unset grid
set border 15
set key off
set cblabel cblabel
set palette defined (0 "#fff7ec", 0.5 "#fdbb84", 1 "#e34a33")
set tics scale 0
set autoscale fix
plot datafile matrix rowheaders columnheaders using 1:2:3 with image notitle, \
     '' matrix rowheaders columnheaders using 1:2:($3 == $3 ? sprintf(fmt, $3) : "n/a") \
        with labels font "sans,12" notitle
load plotdir.'/finish.gp'
