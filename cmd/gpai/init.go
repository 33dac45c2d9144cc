package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/examples"
	"github.com/gpai-project/gpai/schema"
)

func (m *Main) initCommand() *cobra.Command {
	var example string
	c := &cobra.Command{
		Use:   "init DIR",
		Short: "Write a complete, valid, commented dossier into DIR",
		Long: `init writes a complete, valid and commented dossier into DIR, creating it if
needed, together with the JSON Schema its editor modeline points to. It never
overwrites an existing file: if any file it would write exists, it writes
nothing.

Examples: ` + strings.Join(examples.Names(), ", ") + ` (default ` + examples.Default + `).`,
		Example: "  gpai init my-model\n  gpai init --example frontier my-frontier-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			files, ok := examples.Files(example)
			if !ok {
				return &usageError{err: fmt.Errorf("no example %q: choose one of %s", example, strings.Join(examples.Names(), ", ")), hint: "gpai init --example " + examples.Default + " " + args[0]}
			}
			sch, err := schema.Source(gpai.FactsFile)
			if err != nil {
				return &internalError{err}
			}
			out := map[string][]byte{".schema/gpai.schema.json": sch}
			for name, b := range files {
				out[name] = bytes.Replace(b, []byte("$schema=../../schema/gpai.schema.json"), []byte("$schema=.schema/gpai.schema.json"), 1)
			}
			written, err := writeNew(args[0], out)
			if err != nil {
				return err
			}
			for _, w := range written {
				fmt.Fprintf(c.OutOrStdout(), "wrote %s\n", w)
			}
			fmt.Fprintf(c.OutOrStdout(), "next: edit %s, then run: gpai check %s\n", filepath.Join(args[0], gpai.FactsFile), args[0])
			return nil
		},
	}
	c.Flags().StringVar(&example, "example", examples.Default, "the bundled example to start from")
	c.RegisterFlagCompletionFunc("example", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return examples.Names(), cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// writeNew writes files under dir, refusing to touch any that exists. Each
// file is written to a temporary name and linked into place, which fails
// if the name was taken meanwhile; nothing is left half-written.
func writeNew(dir string, files map[string][]byte) ([]string, error) {
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if _, err := os.Lstat(p); err == nil {
			return nil, gpai.Errorf(gpai.ECONFLICT, "%s already exists; init never overwrites a file (choose an empty folder)", p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", p, err)
		}
	}
	var written []string
	for _, n := range names {
		p := filepath.Join(dir, filepath.FromSlash(n))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return written, gpai.Errorf(gpai.EINVALID, "cannot create %s: %v", filepath.Dir(p), err)
		}
		tmp, err := os.CreateTemp(filepath.Dir(p), ".gpai-init-*")
		if err != nil {
			return written, gpai.Errorf(gpai.EINVALID, "cannot write in %s: %v", filepath.Dir(p), err)
		}
		_, werr := tmp.Write(files[n])
		if err := tmp.Close(); werr == nil {
			werr = err
		}
		if werr == nil {
			werr = os.Link(tmp.Name(), p)
		}
		os.Remove(tmp.Name())
		if werr != nil {
			if errors.Is(werr, fs.ErrExist) {
				return written, gpai.Errorf(gpai.ECONFLICT, "%s already exists; init never overwrites a file", p)
			}
			return written, gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", p, werr)
		}
		written = append(written, p)
	}
	return written, nil
}
