// Command gpai is compliance as code for providers of general-purpose AI
// models under the EU AI Act: it classifies a model from its dossier,
// lists the obligations that apply with their citations and deadlines, and
// checks the dossier in CI.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/gpai-project/gpai"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := NewMain().Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// Main is the program, with its streams and clock injectable for tests.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// NewMain returns a Main on the process's streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1 // findings at or above --fail-on
	exitUsage    = 2 // bad usage or unreadable input
	exitInternal = 3 // a fault in gpai itself
)

// exitError carries an exit status through cobra without a message.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError is a mistake in the command line; it prints with a hint.
type usageError struct {
	err  error
	hint string
}

func (e *usageError) Error() string { return e.err.Error() }

// Run runs gpai with args and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	root := m.rootCommand()
	root.SetArgs(args)
	root.SetIn(m.Stdin)
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	var ue *usageError
	var probs gpai.Problems
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(m.Stderr, "gpai: %v\n", ue.err)
		if ue.hint != "" {
			fmt.Fprintf(m.Stderr, "Try: %s\n", ue.hint)
		}
	case errors.As(err, &probs):
		fmt.Fprintf(m.Stderr, "gpai: %d problem(s) to fix:\n", len(probs))
		for _, p := range probs {
			fmt.Fprintf(m.Stderr, "%s\n", p)
		}
	case errors.As(err, new(*internalError)):
		fmt.Fprintf(m.Stderr, "gpai: internal error: %v\n", err)
		return exitInternal
	case gpai.ErrorCode(err) != gpai.EINTERNAL:
		fmt.Fprintf(m.Stderr, "gpai: %s\n", gpai.ErrorMessage(err))
	default:
		// Errors of the command line itself (an unknown command or flag)
		// come from cobra as plain errors.
		fmt.Fprintf(m.Stderr, "gpai: %v\nTry: gpai help\n", err)
	}
	return exitUsage
}

// internalError marks a fault in gpai rather than in its input.
type internalError struct{ err error }

func (e *internalError) Error() string { return e.err.Error() }
func (e *internalError) Unwrap() error { return e.err }

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "devel-" + s.Value[:12]
			}
		}
	}
	return "devel"
}
