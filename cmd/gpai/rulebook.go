package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/rulebook"
)

func (m *Main) rulebookCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "rulebook",
		Short: "Show the rulebook: the law as data, with effective dates",
		Long: `The rulebook states the law as data. Each rule has an id, a citation, the
dates it is in force, the condition it applies under (an expression over the
dossier's facts), and what it demands: a deadline, a recurrence, evidence.

The bundled layers are the base rulebook (eu-gpai: AI Act Arts 51-56, the
Guidelines of July 2025, the Code of Practice) and the Digital Omnibus on AI
of 2026 as a dated amendment. Further layers stack on top with --rulebook
FILE on scope and check: an amendment adds rules, and lists under replaces
the rules it supersedes from its date on.

Expression language: bools, numbers, dates and durations; and, or, not,
comparisons, + and - on dates and durations; date("2025-08-02"), days(n),
weeks(n), months(n), years(n), business_days(n), known(x), if(c, a, b),
max, min, coalesce, file("name"). Unknown facts are null and propagate.
"gpai schema rulebook.yaml" prints the layer format.`,
	}
	var asOf, format string
	var files []string
	list := &cobra.Command{
		Use:     "list",
		Short:   "List the rules, or those in force on a day",
		Example: "  gpai rulebook list\n  gpai rulebook list --as-of 2026-07-01 --format json",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			rb, err := rulebook.Load(files)
			if err != nil {
				return err
			}
			var day *gpai.Date
			if asOf != "" {
				d, err := gpai.ParseDate(asOf)
				if err != nil {
					return &usageError{err: fmt.Errorf("--as-of: %v", err), hint: "--as-of 2026-08-02"}
				}
				day = &d
			}
			type row struct {
				ID       string     `json:"id"`
				Kind     string     `json:"kind"`
				Title    string     `json:"title"`
				Citation string     `json:"citation"`
				From     *gpai.Date `json:"from,omitempty"`
				Until    *gpai.Date `json:"until,omitempty"`
				Replaces []string   `json:"replaces,omitempty"`
				Layer    string     `json:"layer"`
				Position string     `json:"position"`
			}
			rows := []row{}
			for _, r := range rb.InForce(day) {
				rows = append(rows, row{r.ID, r.Kind, r.Title, r.Citation, r.From, r.Until, r.Replaces, r.Layer, r.Pos.String()})
			}
			if format == "json" {
				enc := json.NewEncoder(c.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			tw := tabwriter.NewWriter(c.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tIN FORCE\tCITATION")
			for _, r := range rows {
				span := "always"
				switch {
				case r.From != nil && r.Until != nil:
					span = r.From.String() + " to " + r.Until.String()
				case r.From != nil:
					span = "from " + r.From.String()
				case r.Until != nil:
					span = "until " + r.Until.String()
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Kind, span, r.Citation)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.OutOrStdout(), "\nrulebook %s, %d rules\n", rb.Ref(), len(rows))
			return err
		},
	}
	list.Flags().StringVar(&asOf, "as-of", "", "only the rules in force on this day, YYYY-MM-DD")
	list.Flags().StringVar(&format, "format", "text", "output format: text or json")
	list.Flags().StringArrayVar(&files, "rulebook", nil, "stack a rulebook layer file on the bundled ones (repeatable)")

	facts := &cobra.Command{
		Use:   "facts",
		Short: "List the dossier facts that rule expressions may use",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(c.OutOrStdout(), 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tTYPE\tMEANING")
			for _, f := range gpai.FactNames {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", f.Name, f.Type, f.Doc)
			}
			return tw.Flush()
		},
	}
	show := &cobra.Command{
		Use:       "show [LAYER]",
		Short:     "Print a bundled rulebook layer's source",
		Example:   "  gpai rulebook show eu-gpai.yaml",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: rulebook.Embedded,
		RunE: func(c *cobra.Command, args []string) error {
			names := rulebook.Embedded
			if len(args) == 1 {
				names = args
			}
			for _, n := range names {
				b, err := rulebook.Source(n)
				if err != nil {
					return &usageError{err: fmt.Errorf("no bundled layer %q", n), hint: "gpai rulebook show eu-gpai.yaml"}
				}
				if _, err := c.OutOrStdout().Write(b); err != nil {
					return err
				}
			}
			return nil
		},
	}
	c.AddCommand(list, facts, show)
	return c
}
