package main

import (
	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai/check"
)

func (m *Main) scopeCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var format string
	c := &cobra.Command{
		Use:   "scope DIR",
		Short: "Classify the model and list the obligations that apply, with deadlines",
		Long: `scope reads the dossier in DIR and answers, as of a day: is the model a
general-purpose AI model, is the dossier's organisation its provider (or a
modifier who becomes one), is it presumed to present systemic risk, is it
exempt as open source and from what, and which obligations apply, each with
its rule id, its legal citation, its deadline and its status (met, overdue,
upcoming, ongoing, on-event, unknown).

--format json prints an object with compute.training_flop,
compute.cumulative_flop, classification.{gpai,provider,systemic_risk,
open_source_exempt,...} and obligations[] with rule, citation, due and status.`,
		Example: "  gpai scope examples/api-model\n  gpai scope --as-of 2027-08-02 --format json examples/frontier",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			_, s, err := sf.assess(args[0])
			if err != nil {
				return err
			}
			return check.EncodeScope(c.OutOrStdout(), s, format)
		},
	}
	sf.register(c)
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}
