package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/rulebook"
)

func (m *Main) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "gpai",
		Short: "Compliance as code for general-purpose AI models under the EU AI Act",
		Long: `gpai keeps a model's EU AI Act compliance beside its code: a dossier of YAML
files (gpai.yaml holds the model's facts), a rulebook that states the law as
data with effective dates (AI Act Arts 51-56, the Commission's Guidelines and
the General-Purpose AI Code of Practice), and a check that CI runs.

Start with:
  gpai init my-model            write a complete, commented dossier
  gpai scope my-model           classification, obligations and deadlines
  gpai check my-model           findings, for people or CI (exit 1 on errors)
  gpai compute --params 7e9 --tokens 2e12
                                training compute by 6·P·D or from hardware`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       buildVersion(),
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &usageError{err: err, hint: c.CommandPath() + " --help"}
	})
	root.AddCommand(
		m.versionCommand(),
		m.initCommand(),
		m.schemaCommand(),
		m.computeCommand(),
		m.scopeCommand(),
		m.checkCommand(),
		m.rulebookCommand(),
		m.summaryCommand(),
		m.crawlstatsCommand(),
		m.docCommand(append(m.archiveDocCommands(), m.interchangeCommands()...)...),
		m.copyrightCommand(),
		m.outputsCommand(),
		m.crawlCommand(),
		m.incidentCommand(),
		m.reportCommand(),
		m.riskCommand(),
		m.evalCommand(),
		m.serveCommand(),
		m.userCommand(),
		m.tokenCommand(),
		m.keysCommand(),
		m.verifyCommand(),
		m.optoutCommand(),
	)
	return root
}

// scopeFlags are the flags shared by the commands that assess a dossier.
type scopeFlags struct {
	asOf      string
	rulebooks []string
	getenv    func(string) string
}

func (f *scopeFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.asOf, "as-of", "", "assess as of this day, YYYY-MM-DD (default today, UTC)")
	c.Flags().StringArrayVar(&f.rulebooks, "rulebook", nil, "stack a rulebook layer file on the bundled ones (repeatable; also GPAI_RULEBOOK, colon-separated)")
}

func (f *scopeFlags) day() (gpai.Date, error) {
	if f.asOf == "" {
		return gpai.Today(time.Now), nil
	}
	d, err := gpai.ParseDate(f.asOf)
	if err != nil {
		return gpai.Date{}, &usageError{err: fmt.Errorf("--as-of: %v", err), hint: "--as-of 2026-08-02"}
	}
	return d, nil
}

func (f *scopeFlags) rulebook() (*gpai.Rulebook, error) {
	files := f.rulebooks
	if len(files) == 0 && f.getenv != nil {
		if env := f.getenv("GPAI_RULEBOOK"); env != "" {
			files = strings.Split(env, ":")
		}
	}
	return rulebook.Load(files)
}

// assess loads the dossier in dir and assesses it.
func (f *scopeFlags) assess(dir string) (*gpai.Dossier, *gpai.Scope, error) {
	day, err := f.day()
	if err != nil {
		return nil, nil, err
	}
	rb, err := f.rulebook()
	if err != nil {
		return nil, nil, err
	}
	d, est, err := dossier.Load(dir)
	if err != nil {
		return nil, nil, err
	}
	return d, gpai.Assess(d, est, rb, day), nil
}

func oneDir(c *cobra.Command, args []string) error {
	if len(args) != 1 {
		return &usageError{err: fmt.Errorf("%s takes one dossier folder, got %d arguments", c.Name(), len(args)), hint: c.CommandPath() + " examples/open-weight-finetune"}
	}
	return nil
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return &usageError{err: fmt.Errorf("unknown --format %q: use %s", format, strings.Join(allowed, ", ")), hint: "--format " + allowed[0]}
}
