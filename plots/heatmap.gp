# A grid of values with the value printed in each cell. Each cell is drawn as a box (not an image, which a
# viewer would stretch into a blur), so the PNG and the SVG show crisp cells.
# datafile: gnuplot "matrix rowheaders columnheaders": first line a corner label then the column labels,
# each further line a row label then its values (NaN when missing).
# Variables: title, xlabel, ylabel, cblabel, fmt (printf format of the cell labels), span (the range the
# colours cover, said on the colour bar so that a narrow range is not mistaken for a large effect).
load plotdir.'/common.gp'
if (!exists("span")) { span = "" }
unset grid
set border 15
set key off
set cblabel (strlen(span) > 0 ? cblabel.': '.span : cblabel)
set palette defined (0 "#fff7ec", 0.5 "#fdbb84", 1 "#e34a33")
set tics scale 0
stats datafile matrix rowheaders columnheaders using 1 nooutput
set xrange [-0.5 : STATS_max + 0.5]
stats datafile matrix rowheaders columnheaders using 2 nooutput
set yrange [-0.5 : STATS_max + 0.5]
plot datafile matrix rowheaders columnheaders using 1:2:(0.5):(0.5):3 with boxxyerror \
         fs solid 1.0 border lc rgb "#ffffff" fc palette notitle, \
     '' matrix rowheaders columnheaders using 1:2:($3 == $3 ? sprintf(fmt, $3) : "n/a") \
        with labels font "sans,12" notitle
load plotdir.'/finish.gp'
