package check

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/gpai-project/gpai"
)

// EncodeScope writes the scope assessment as "text" or "json".
func EncodeScope(w io.Writer, s *gpai.Scope, format string) error {
	switch format {
	case "json":
		out := *s
		out.Obligations = nonNil(out.Obligations)
		out.Notes = nonNil(out.Notes)
		if out.Compute != nil {
			c := *out.Compute
			c.Stages = nonNil(c.Stages)
			out.Compute = &c
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "text", "":
		return scopeText(w, s)
	}
	return gpai.Errorf(gpai.EINVALID, "unknown format %q: use text or json", format)
}

// classified lists the classification questions in the order people ask
// them, with the defined name that answers each.
var classified = []struct{ label, name string }{
	{"GPAI model", "gpai"},
	{"Provider of this model", "provider"},
	{"Modification of another model", "modification"},
	{"Modifier becomes provider", "modifier_provider"},
	{"Systemic risk", "systemic_risk"},
	{"Open-source exempt", "open_source_exempt"},
	{"Placed before 2 Aug 2025", "grandfathered"},
}

func scopeText(w io.Writer, s *gpai.Scope) error {
	fmt.Fprintf(w, "%s %s (%s), as of %s\n", s.Model.Name, s.Model.Version, s.Model.Provider, s.AsOf)
	fmt.Fprintf(w, "rulebook %s\n\n", s.Rulebook)

	fmt.Fprintln(w, "Compute")
	if c := s.Compute; c != nil && len(c.Stages) > 0 {
		tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
		for _, st := range c.Stages {
			fmt.Fprintf(tw, "  %s\t%s\t%s FLOP\t%s, counts: %s\n", st.Name, st.Kind, gpai.FormatFLOP(st.FLOP, 3), st.Method, st.Counts)
		}
		tw.Flush()
		fmt.Fprintf(w, "  training compute    %s FLOP (%s)\n", gpai.FormatFLOP(c.TrainingFLOP, 2), gpai.FormatFLOP(c.TrainingFLOP, 4))
		fmt.Fprintf(w, "  cumulative compute  %s FLOP (%s); two significant figures as a notification states it\n", gpai.FormatFLOP(c.CumulativeFLOP, 2), gpai.FormatFLOP(c.CumulativeFLOP, 4))
		for _, n := range c.Notes {
			fmt.Fprintf(w, "  note: %s\n", n.Message)
		}
	} else {
		fmt.Fprintln(w, "  no compute inputs in the dossier")
	}

	fmt.Fprintln(w, "\nClassification")
	reasons := map[string]gpai.Reason{}
	for _, r := range s.Classification.Reasons {
		reasons[r.Name] = r
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, q := range classified {
		v, known := s.Value(q.name)
		ans := "unknown"
		if known {
			ans = yesNo(v.String() == "true")
		}
		r, ok := reasons[q.name]
		if !ok {
			fmt.Fprintf(tw, "  %s\t%s\t(dossier fact)\t\n", q.label, ans)
			continue
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", q.label, ans, r.Rule, r.Citation)
		if in := inputs(r); in != "" {
			fmt.Fprintf(tw, "  \t\t\t%s\n", in)
		}
	}
	tw.Flush()

	fmt.Fprintf(w, "\nObligations (%d)\n", len(s.Obligations))
	if len(s.Obligations) == 0 {
		fmt.Fprintln(w, "  none apply")
	}
	tw = tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	if len(s.Obligations) > 0 {
		fmt.Fprintln(tw, "  STATUS\tDUE\tRULE\tOBLIGATION")
	}
	for _, o := range s.Obligations {
		due := "-"
		switch {
		case o.Due != nil:
			due = o.Due.String()
		case o.Until != nil:
			due = "until " + o.Until.String()
		case o.On != "":
			due = "on event"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", o.Status, due, o.Rule, o.Title)
		detail := o.Citation
		if o.Every != "" {
			detail += "; every " + o.Every
		}
		if o.On != "" {
			detail += "; clock starts on " + o.On
		}
		fmt.Fprintf(tw, "  \t\t\t%s\n", detail)
	}
	tw.Flush()

	if len(s.Notes) > 0 {
		fmt.Fprintf(w, "\nNotes (%d)\n", len(s.Notes))
		for _, n := range s.Notes {
			fmt.Fprintf(w, "  %s: %s [%s]\n", n.Rule, n.Title, n.Citation)
			if n.Summary != "" {
				fmt.Fprintf(w, "    %s\n", n.Summary)
			}
		}
	}
	if len(s.Unknown) > 0 {
		_, err := fmt.Fprintf(w, "\nNot known, so not decided: %s\n", strings.Join(s.Unknown, ", "))
		return err
	}
	return nil
}

func inputs(r gpai.Reason) string {
	var parts []string
	for _, k := range sortedNames(r.Inputs) {
		parts = append(parts, k+"="+r.Inputs[k])
	}
	return strings.Join(parts, " ")
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
