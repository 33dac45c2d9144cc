package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/check"
)

func (m *Main) checkCommand() *cobra.Command {
	sf := scopeFlags{getenv: m.Getenv}
	var format, failOn, output string
	c := &cobra.Command{
		Use:   "check DIR",
		Short: "Check the dossier against the obligations that apply; for CI",
		Long: `check assesses the dossier in DIR (as gpai scope does) and validates every
dossier file present against the obligations that apply. Each finding has a
severity, a rule id, a legal citation, a file:line, a message and a fix.

Formats: text (people), json (machines), sarif (SARIF 2.1.0, for code-scanning
interfaces) and junit (JUnit XML, for CI dashboards).

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 for
usage errors or input that cannot be read (every problem is listed with its
position).`,
		Example: "  gpai check examples/api-model\n  gpai check --format sarif --output gpai.sarif dossier\n  gpai check --fail-on warning --as-of 2027-01-01 dossier",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, check.Formats...); err != nil {
				return err
			}
			threshold, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			d, s, err := sf.assess(args[0])
			if err != nil {
				return err
			}
			findings, err := check.Run(c.Context(), d, s, check.Validators())
			if err != nil {
				return err
			}
			r := &check.Report{Tool: "gpai", Version: buildVersion(), Dossier: args[0], Scope: s, Findings: findings, FailOn: threshold}
			if err := writeOutput(c, output, func(w *os.File) error { return check.Encode(w, r, format) }, func() error { return check.Encode(c.OutOrStdout(), r, format) }); err != nil {
				return err
			}
			if r.Failed() {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	sf.register(c)
	c.Flags().StringVar(&format, "format", "text", "output format: "+strings.Join(check.Formats, ", "))
	c.Flags().StringVar(&failOn, "fail-on", "error", "exit 1 when a finding is at or above this severity: error, warning, info or none")
	c.Flags().StringVarP(&output, "output", "o", "", "write the report to this file (atomically) instead of standard output")
	c.RegisterFlagCompletionFunc("format", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return check.Formats, cobra.ShellCompDirectiveNoFileComp
	})
	c.RegisterFlagCompletionFunc("fail-on", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"error", "warning", "info", "none"}, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

func parseFailOn(s string) (gpai.Severity, error) {
	if s == "none" {
		return gpai.SeverityError + 1, nil
	}
	sev, err := gpai.ParseSeverity(s)
	if err != nil {
		return 0, &usageError{err: fmt.Errorf("--fail-on: %s", gpai.ErrorMessage(err)), hint: "--fail-on warning"}
	}
	return sev, nil
}

// writeOutput writes through a temporary file renamed into place when path
// is set, so a reader never sees half a report; otherwise to stdout.
func writeOutput(c *cobra.Command, path string, toFile func(*os.File) error, toStdout func() error) error {
	if path == "" {
		return toStdout()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", path, err)
	}
	defer os.Remove(tmp.Name())
	werr := toFile(tmp)
	if err := tmp.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", path, werr)
	}
	return nil
}
