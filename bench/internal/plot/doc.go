// Package plot draws the line charts of the benchmark reports as
// self-contained SVG, with no external tools.
//
// A Chart is one or more Panels stacked vertically over a shared x axis; each
// Panel has its own y axis (linear or logarithmic), grid, legend and
// Series. A Series is a polyline; a point whose Y is NaN (or not positive on
// a logarithmic axis) breaks the line, so a second without data shows as a
// gap rather than as a zero.
package plot
