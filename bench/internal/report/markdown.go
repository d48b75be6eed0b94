package report

import (
	"fmt"
	"strings"
)

// Doc is a Markdown document built top to bottom.
type Doc struct{ b strings.Builder }

// Heading writes a heading of the given level (1 = #).
func (d *Doc) Heading(level int, text string) {
	fmt.Fprintf(&d.b, "%s %s\n\n", strings.Repeat("#", level), text)
}

// Para writes a paragraph.
func (d *Doc) Para(format string, args ...any) {
	fmt.Fprintf(&d.b, format, args...)
	d.b.WriteString("\n\n")
}

// Bullets writes a list.
func (d *Doc) Bullets(items ...string) {
	for _, it := range items {
		fmt.Fprintf(&d.b, "- %s\n", it)
	}
	d.b.WriteString("\n")
}

// Code writes a fenced code block.
func (d *Doc) Code(lang, text string) {
	fmt.Fprintf(&d.b, "```%s\n%s\n```\n\n", lang, strings.TrimRight(text, "\n"))
}

// Image writes an image reference.
func (d *Doc) Image(alt, path string) { fmt.Fprintf(&d.b, "![%s](%s)\n\n", alt, path) }

// Table writes a table; cells containing '|' are escaped.
func (d *Doc) Table(header []string, rows [][]string) {
	d.row(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	d.row(sep)
	for _, r := range rows {
		d.row(r)
	}
	d.b.WriteString("\n")
}

func (d *Doc) row(cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = strings.ReplaceAll(c, "|", `\|`)
	}
	fmt.Fprintf(&d.b, "| %s |\n", strings.Join(esc, " | "))
}

// String is the document so far.
func (d *Doc) String() string { return d.b.String() }
