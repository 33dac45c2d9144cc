package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai/schema"
)

func (m *Main) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print gpai's version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(c.OutOrStdout(), "gpai %s (%s, %s/%s)\n", buildVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

func (m *Main) schemaCommand() *cobra.Command {
	var names []string
	for n := range schema.Names {
		names = append(names, n)
	}
	sort.Strings(names)
	return &cobra.Command{
		Use:   "schema [FILE]",
		Short: "Print the JSON Schema of a gpai file (default gpai.yaml)",
		Long: `schema prints the JSON Schema (Draft 2020-12) of one of gpai's files, so
editors can validate and complete it as you type. Files: ` + strings.Join(names, ", ") + `.

The schemas also ship in the repository's schema/ folder, and gpai init
writes one beside each new dossier.`,
		Example:   "  gpai schema > gpai.schema.json\n  gpai schema rulebook.yaml",
		Args:      cobra.MaximumNArgs(1),
		ValidArgs: names,
		RunE: func(c *cobra.Command, args []string) error {
			name := "gpai.yaml"
			if len(args) == 1 {
				name = args[0]
			}
			b, err := schema.Source(name)
			if err != nil {
				return &usageError{err: err, hint: "gpai schema gpai.yaml"}
			}
			_, err = c.OutOrStdout().Write(b)
			return err
		},
	}
}
