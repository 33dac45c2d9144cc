package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/dossier"
	"github.com/gpai-project/gpai/mlbom"
	"github.com/gpai-project/gpai/modelcard"
)

// interchangeCommands are the subcommands of gpai doc that read and write
// other formats: a Hugging Face model card in, a model card or a
// CycloneDX ML-BOM out.
func (m *Main) interchangeCommands() []*cobra.Command {
	return []*cobra.Command{m.importCardCommand(), m.exportCommand()}
}

func (m *Main) importCardCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import-card CARD.md DIR",
		Short: "Prefill documentation.yaml from a Hugging Face model card",
		Long: `import-card reads a Hugging Face model card (README.md: YAML front matter and
Markdown sections) and writes DIR/documentation.yaml with the form's items the
card answers: architecture, uses, licence, base models as dependencies, datasets
as data sources, hardware and hours as hardware days, and more (see
modelcard/MAPPING.md). It prints what it mapped and what it could not, and the
file names, in comments, the items still to fill.

It never overwrites a file: if DIR/documentation.yaml exists, it writes
nothing. CARD may be - for standard input.`,
		Example: "  gpai doc import-card README.md my-model\n  curl -sL https://huggingface.co/ORG/MODEL/raw/main/README.md | gpai doc import-card - my-model",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 2 {
				return &usageError{err: fmt.Errorf("import-card takes a model card and a dossier folder, got %d arguments", len(args)), hint: "gpai doc import-card README.md my-model"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			name, dir := args[0], args[1]
			var r io.Reader
			if name == "-" {
				r, name = c.InOrStdin(), "standard input"
			} else {
				f, err := os.Open(name)
				if errors.Is(err, fs.ErrNotExist) {
					return gpai.Errorf(gpai.ENOTFOUND, "model card %s does not exist", name)
				} else if err != nil {
					return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", name, err)
				}
				defer f.Close()
				if st, err := f.Stat(); err == nil && st.IsDir() {
					return &usageError{err: fmt.Errorf("%s is a folder; name the model card file (README.md)", name), hint: "gpai doc import-card " + filepath.Join(name, "README.md") + " " + dir}
				}
				r = f
			}
			card, err := modelcard.Parse(r)
			if err != nil {
				var se *modelcard.SyntaxError
				if errors.As(err, &se) {
					return gpai.Problems{{Pos: gpai.Position{File: name, Line: se.Line, Column: se.Column}, Message: strings.TrimPrefix(se.Message, "modelcard: "),
						Fix: "a model card is Markdown with optional YAML front matter between two lines ---"}}
				}
				return gpai.Errorf(gpai.EINVALID, "cannot read %s: %v", name, err)
			}
			doc, notes := modelcard.ToDocumentation(card)
			doc.Document.Version = "0.1"
			todo := stillToFill(doc)
			out := documentationYAML(doc, name, todo)
			path := filepath.Join(dir, gpai.DocumentationFile)
			var check gpai.Documentation
			if _, err := dossier.ParseFile(path, gpai.DocumentationFile, out, &check); err != nil {
				return &internalError{fmt.Errorf("the prefilled %s does not validate: %w", gpai.DocumentationFile, err)}
			}
			if err := createNew(path, out); err != nil {
				return err
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "wrote %s from %s\n", path, name)
			var mapped, skipped []modelcard.Note
			for _, n := range notes {
				if n.Mapped {
					mapped = append(mapped, n)
				} else {
					skipped = append(skipped, n)
				}
			}
			fmt.Fprintf(w, "\nmapped (%d):\n", len(mapped))
			for _, n := range mapped {
				fmt.Fprintf(w, "  %s\n", n)
			}
			fmt.Fprintf(w, "\nnot mapped (%d):\n", len(skipped))
			for _, n := range skipped {
				fmt.Fprintf(w, "  %s\n", n)
			}
			fmt.Fprintf(w, "\nstill to fill (%d items; marked TO FILL in the file):\n", len(todo))
			for _, it := range todo {
				fmt.Fprintf(w, "  item %d. %s (%s)\n", it.Number, it.Title, it.Field)
			}
			fmt.Fprintf(w, "\nnext: check every prefilled value, fill the rest, then run: gpai check %s\n", dir)
			return nil
		},
	}
}

// stillToFill lists the items left empty that gpai cannot derive.
func stillToFill(doc *gpai.Documentation) []gpai.DocItem {
	var out []gpai.DocItem
	for _, it := range gpai.DocItems {
		if !it.Derived && it.Value(doc).Empty() {
			out = append(out, it)
		}
	}
	return out
}

// createNew writes path only if no file has that name: the data goes to a
// temporary file that is then linked into place, which fails if the name
// was taken meanwhile, so nothing is overwritten or left half-written.
func createNew(path string, data []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return gpai.Errorf(gpai.ECONFLICT, "%s already exists; import-card never overwrites a file (move it away, or import into another folder)", path)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot create %s: %v", dir, err)
	}
	tmp, err := os.CreateTemp(dir, ".gpai-import-*")
	if err != nil {
		return gpai.Errorf(gpai.EINVALID, "cannot write in %s: %v", dir, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := tmp.Write(data)
	if werr == nil {
		werr = tmp.Chmod(0o644)
	}
	if werr == nil {
		werr = tmp.Sync()
	}
	if err := tmp.Close(); werr == nil {
		werr = err
	}
	if werr == nil {
		werr = os.Link(tmp.Name(), path)
	}
	switch {
	case errors.Is(werr, fs.ErrExist):
		return gpai.Errorf(gpai.ECONFLICT, "%s already exists; import-card never overwrites a file", path)
	case werr != nil:
		return gpai.Errorf(gpai.EINVALID, "cannot write %s: %v", path, werr)
	}
	return nil
}

func (m *Main) exportCommand() *cobra.Command {
	var to, recipient, out string
	c := &cobra.Command{
		Use:   "export DIR --to hf|cyclonedx",
		Short: "Export the form as a Hugging Face model card or a CycloneDX 1.6 ML-BOM",
		Long: `export writes the Model Documentation Form of the dossier in DIR as a Hugging
Face model card (README.md, --to hf) or as a CycloneDX 1.6 ML-BOM in JSON
(--to cyclonedx). Like a render, it holds exactly the items ticked for the
recipient named by --for, by default downstream providers (dp): a public model
card is at most what they receive. modelcard/MAPPING.md lists where each item
goes. Contradictions between items stop the export.`,
		Example: "  gpai doc export --to hf -o README.md examples/api-model\n  gpai doc export --to cyclonedx --for aio -o aio.cdx.json examples/api-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if to == "" {
				return &usageError{err: errors.New("--to is required: hf or cyclonedx"), hint: "gpai doc export --to hf " + args[0]}
			}
			if err := checkFormat(to, "hf", "cyclonedx"); err != nil {
				var ue *usageError
				if errors.As(err, &ue) {
					ue.err, ue.hint = fmt.Errorf("unknown --to %q: use hf or cyclonedx", to), "--to hf"
				}
				return err
			}
			if err := checkFormat(recipient, "aio", "nca", "dp", "all"); err != nil {
				var ue *usageError
				if errors.As(err, &ue) {
					ue.err, ue.hint = fmt.Errorf("unknown --for %q: use aio, nca, dp or all", recipient), "--for dp"
				}
				return err
			}
			d, doc, findings, err := loadDoc(args[0])
			if err != nil {
				return err
			}
			for _, f := range findings {
				if strings.Contains(f.Message, "differs") || strings.Contains(f.Message, "contradicts") {
					return gpai.Errorf(gpai.EINVALID, "%s: %s (fix: %s)", f.Pos, f.Message, f.Fix)
				}
			}
			var b []byte
			switch to {
			case "hf":
				b, err = modelcard.FromDocumentation(d.Facts, doc, recipient)
				b = append(b, '\n')
			case "cyclonedx":
				bom, xerr := mlbom.Export(d.Facts, doc, recipient)
				if xerr != nil {
					return &internalError{xerr}
				}
				var buf bytes.Buffer
				err = mlbom.Encode(&buf, bom)
				b = buf.Bytes()
			}
			if err != nil {
				return &internalError{err}
			}
			if recipient == "all" {
				fmt.Fprintln(c.ErrOrStderr(), "note: --for all holds every item, including those only for the AI Office and national authorities: do not publish it")
			}
			if out == "" {
				_, err = c.OutOrStdout().Write(b)
				return err
			}
			return writeAtomic(out, b)
		},
	}
	c.Flags().StringVar(&to, "to", "", "hf (Hugging Face model card) or cyclonedx (CycloneDX 1.6 ML-BOM, JSON)")
	c.Flags().StringVar(&recipient, "for", "dp", "recipient: dp (downstream providers), aio (AI Office), nca (national authorities), all (internal)")
	c.Flags().StringVarP(&out, "out", "o", "", "write to this file (atomically) instead of standard output")
	c.RegisterFlagCompletionFunc("to", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"hf", "cyclonedx"}, cobra.ShellCompDirectiveNoFileComp
	})
	c.RegisterFlagCompletionFunc("for", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"dp", "aio", "nca", "all"}, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// documentationYAML writes the prefilled form as documentation.yaml, in
// the form's order, with a comment naming each item still to fill.
func documentationYAML(doc *gpai.Documentation, source string, todo []gpai.DocItem) []byte {
	raw, _ := json.Marshal(doc)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	root, _ := decodeOrdered(dec)
	top, _ := root.([]member)
	var b bytes.Buffer
	fmt.Fprintf(&b, "# documentation.yaml: the Model Documentation Form of the General-Purpose AI\n")
	fmt.Fprintf(&b, "# Code of Practice (Transparency chapter), prefilled by gpai doc import-card\n")
	fmt.Fprintf(&b, "# from the model card %s. Check every value against its item: a model card\n", oneLineComment(source))
	fmt.Fprintf(&b, "# is written for the public, the form for the AI Office, national authorities\n")
	fmt.Fprintf(&b, "# and downstream providers. Lines marked TO FILL name the items still to fill;\n")
	fmt.Fprintf(&b, "# items that follow from gpai.yaml or other items are derived by gpai.\n")
	fmt.Fprintf(&b, "# Raise document.version on every change.\n")
	todoBy := map[string][]gpai.DocItem{}
	for _, it := range todo {
		sec, _, _ := strings.Cut(it.Field, ".")
		todoBy[sec] = append(todoBy[sec], it)
	}
	get := func(k string) (any, bool) {
		for _, m := range top {
			if m.key == k {
				return m.value, true
			}
		}
		return nil, false
	}
	for _, k := range []string{"gpai", "document"} {
		if v, ok := get(k); ok {
			writeYAML(&b, k, v, 0)
		}
	}
	for _, sec := range []string{"general", "properties", "distribution", "use", "training", "data", "compute", "energy"} {
		b.WriteString("\n")
		v, ok := get(sec)
		if ms, _ := v.([]member); ok && len(ms) > 0 {
			writeYAML(&b, sec, v, 0)
		} else {
			fmt.Fprintf(&b, "# %s:\n", sec)
		}
		for _, it := range todoBy[sec] {
			_, key, _ := strings.Cut(it.Field, ".")
			fmt.Fprintf(&b, "  # TO FILL: item %d. %s: %s\n", it.Number, it.Title, key)
		}
	}
	return b.Bytes()
}

func oneLineComment(s string) string { return strings.Join(strings.Fields(s), " ") }

type member struct {
	key   string
	value any
}

// decodeOrdered reads a JSON value keeping the order of object members.
func decodeOrdered(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			var out []member
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				out = append(out, member{kt.(string), v})
			}
			_, err := dec.Token()
			if out == nil {
				out = []member{}
			}
			return out, err
		case '[':
			out := []any{}
			for dec.More() {
				v, err := decodeOrdered(dec)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			}
			_, err := dec.Token()
			return out, err
		}
	}
	return tok, nil
}

var (
	plainRE   = regexp.MustCompile(`^[A-Za-z][^\n]*$`)
	specialRE = regexp.MustCompile(`(?i)^(y|n|yes|no|true|false|on|off|null|nan|inf)$`)
)

// scalar writes a string as a plain YAML scalar where that reads back as
// the same string, else as a JSON (YAML double-quoted) string.
func scalar(s string) string {
	if plainRE.MatchString(s) && !specialRE.MatchString(s) && !strings.Contains(s, ": ") && !strings.Contains(s, " #") &&
		!strings.HasSuffix(s, ":") && strings.TrimSpace(s) == s && !strings.ContainsAny(s, "\t\r") {
		return s
	}
	q, _ := json.Marshal(s)
	return string(q)
}

func writeYAML(b *bytes.Buffer, key string, v any, indent int) {
	pad := strings.Repeat("  ", indent)
	switch v := v.(type) {
	case []member:
		if len(v) == 0 {
			fmt.Fprintf(b, "%s%s: {}\n", pad, scalar(key))
			return
		}
		fmt.Fprintf(b, "%s%s:\n", pad, scalar(key))
		for _, m := range v {
			writeYAML(b, m.key, m.value, indent+1)
		}
	case []any:
		if len(v) == 0 {
			fmt.Fprintf(b, "%s%s: []\n", pad, scalar(key))
			return
		}
		fmt.Fprintf(b, "%s%s:\n", pad, scalar(key))
		for _, x := range v {
			if ms, ok := x.([]member); ok && len(ms) > 0 {
				// "- first: x" then the other members aligned under it.
				var sub bytes.Buffer
				for _, m := range ms {
					writeYAML(&sub, m.key, m.value, indent+2)
				}
				lines := strings.SplitAfter(sub.String(), "\n")
				first := strings.TrimPrefix(lines[0], strings.Repeat("  ", indent+2))
				fmt.Fprintf(b, "%s  - %s", pad, first)
				for _, l := range lines[1:] {
					b.WriteString(l)
				}
				continue
			}
			fmt.Fprintf(b, "%s  - %s\n", pad, inline(x, indent+2))
		}
	default:
		fmt.Fprintf(b, "%s%s: %s\n", pad, scalar(key), inline(v, indent+1))
	}
}

// inline writes a scalar value; a multi-line string becomes a literal
// block indented under its key.
func inline(v any, indent int) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return fmt.Sprint(v)
	case json.Number:
		return v.String()
	case string:
		if strings.Contains(v, "\n") && !strings.HasPrefix(v, " ") && !strings.ContainsAny(v, "\r\t") {
			pad := strings.Repeat("  ", indent)
			var b strings.Builder
			b.WriteString("|-")
			for _, l := range strings.Split(v, "\n") {
				b.WriteString("\n")
				if l != "" {
					b.WriteString(pad + l)
				}
			}
			return b.String()
		}
		return scalar(v)
	}
	return fmt.Sprint(v)
}
