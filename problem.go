package gpai

import (
	"fmt"
	"strings"
)

// A Position locates something in a dossier file. Line and Column are
// 1-based; zero means unknown.
type Position struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Column == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
}

// A Problem is one fault in an input file: where it is, which field, what
// is wrong and how to fix it.
type Problem struct {
	Pos     Position `json:"position"`
	Field   string   `json:"field,omitempty"` // dotted path such as model.modalities.output[0]
	Message string   `json:"message"`
	Fix     string   `json:"fix,omitempty"`
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Pos.String())
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Fix != "" {
		b.WriteString(" (fix: ")
		b.WriteString(p.Fix)
		b.WriteString(")")
	}
	return b.String()
}

// Problems is an error that holds every problem found in one pass over an
// input, so that a user can fix them all at once.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
