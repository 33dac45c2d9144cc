package gpai

import (
	"context"
	"fmt"
)

// Severity ranks findings. The zero value is SeverityInfo.
type Severity int

// The severities, least severe first.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
)

var severityNames = [...]string{"info", "warning", "error"}

func (s Severity) String() string {
	if s >= 0 && int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity parses "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), nil
		}
	}
	return 0, Errorf(EINVALID, "unknown severity %q: use info, warning or error", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// A Finding is one result of checking a dossier: what is wrong or worth
// knowing, under which rule, where, and how to fix it.
type Finding struct {
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Citation string   `json:"citation,omitempty"`
	Pos      Position `json:"position"`
	Field    string   `json:"field,omitempty"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"`
}

// A Validator checks one concern of a dossier, typically one file, against
// the obligations that apply. Validators are listed explicitly by the
// command that runs them; a later feature adds its own to that list.
type Validator interface {
	// Name identifies the validator in reports, e.g. "documentation".
	Name() string
	// Validate returns the findings for the dossier under the assessed
	// scope. An error means the check could not run at all: an input that
	// cannot be read or parsed is returned as Problems.
	Validate(ctx context.Context, d *Dossier, s *Scope) ([]Finding, error)
}

// CountFindings returns the number of findings of each severity: errors,
// warnings and the rest (information).
func CountFindings(findings []Finding) (errors, warnings, infos int) {
	for _, f := range findings {
		switch f.Severity {
		case SeverityError:
			errors++
		case SeverityWarning:
			warnings++
		default:
			infos++
		}
	}
	return
}
