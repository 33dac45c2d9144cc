package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/archive"
)

// defaultArchive is the archive folder when neither --archive nor
// GPAI_ARCHIVE names one.
const defaultArchive = ".gpai-archive"

// archiveFlags are the flags of the commands that use the archive.
type archiveFlags struct {
	dir    string
	key    string
	getenv func(string) string
}

func (m *Main) archiveFlags(c *cobra.Command, withKey bool) *archiveFlags {
	f := &archiveFlags{getenv: m.Getenv}
	c.Flags().StringVar(&f.dir, "archive", "", "archive folder (default $GPAI_ARCHIVE, or "+defaultArchive+" in the current folder)")
	if withKey {
		c.Flags().StringVar(&f.key, "key", "", "private signing key (default ARCHIVE/keys/archive.key)")
	}
	return f
}

func (f *archiveFlags) folder() string {
	if f.dir != "" {
		return f.dir
	}
	if f.getenv != nil {
		if env := f.getenv("GPAI_ARCHIVE"); env != "" {
			return env
		}
	}
	return defaultArchive
}

func (f *archiveFlags) keyFile() string {
	if f.key != "" {
		return f.key
	}
	return filepath.Join(f.folder(), "keys", "archive.key")
}

// open returns the archive, with its signing key if withKey.
func (f *archiveFlags) open(withKey bool) (*archive.Archive, error) {
	dir := f.folder()
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, gpai.Errorf(gpai.ENOTFOUND, "no archive at %s (create one with: gpai keys init --archive %s)", dir, dir)
	}
	a := archive.New(archive.NewDir(dir))
	if withKey {
		key, err := archive.ReadKeyFile(f.keyFile())
		if err != nil {
			return nil, err
		}
		a.Key = key
	}
	return a, nil
}

// archiveError gives an error of the archive package its user-facing form:
// read and write failures are reported as unreadable input.
func (f *archiveFlags) error(err error) error {
	if err == nil || gpai.ErrorCode(err) != gpai.EINTERNAL {
		return err
	}
	return gpai.Errorf(gpai.EINVALID, "archive %s: %v", f.folder(), err)
}

func noArgs(c *cobra.Command, args []string) error {
	if len(args) != 0 {
		return &usageError{err: fmt.Errorf("%s takes no arguments, got %q", c.CommandPath(), args), hint: c.CommandPath() + " --archive DIR"}
	}
	return nil
}

func oneVersion(c *cobra.Command, args []string) error {
	if len(args) != 1 {
		return &usageError{err: fmt.Errorf("%s takes one version (a number, a label or \"latest\"), got %d arguments", c.CommandPath(), len(args)), hint: c.CommandPath() + " latest"}
	}
	return nil
}

func (m *Main) keysCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "keys",
		Short: "Manage the key that signs the archive of published documents",
	}
	var f *archiveFlags
	initc := &cobra.Command{
		Use:   "init",
		Short: "Create the archive and its Ed25519 signing key",
		Long: `init creates an empty archive of published documents and the Ed25519 key that
signs it. The private key goes to --key (default ARCHIVE/keys/archive.key),
readable by its owner only: keep it secret, and never publish it with the
archive. The public key goes to ARCHIVE/keys/archive.pub: publish it with the
archive, and give its ID to whoever verifies the archive. init never
replaces a key or an existing archive.`,
		Example: "  gpai keys init\n  gpai keys init --archive /srv/archive --key ~/.config/gpai/archive.key",
		Args:    noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			dir := f.folder()
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(archive.PublicKeyKey))); err == nil {
				return gpai.Errorf(gpai.ECONFLICT, "the archive %s already has a key (%s); gpai never replaces a key", dir, archive.PublicKeyKey)
			}
			_, key, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				return &internalError{err}
			}
			path := f.keyFile()
			if err := archive.WriteKeyFile(path, key); err != nil {
				return err
			}
			a := &archive.Archive{Store: archive.NewDir(dir), Key: key}
			if err := a.Init(c.Context()); err != nil {
				os.Remove(path)
				return f.error(err)
			}
			id := archive.KeyID(key.Public().(ed25519.PublicKey))
			fmt.Fprintf(c.OutOrStdout(), "Created the archive %s, signed by key %s.\n  private key: %s (secret: never publish it)\n  public key:  %s (publish it with the archive)\n",
				dir, id, path, filepath.Join(dir, filepath.FromSlash(archive.PublicKeyKey)))
			return nil
		},
	}
	f = m.archiveFlags(initc, true)
	c.AddCommand(initc)
	return c
}

func (m *Main) verifyCommand() *cobra.Command {
	var format, pubkey, db string
	var f *archiveFlags
	c := &cobra.Command{
		Use:   "verify",
		Short: "Prove that the archive of published documents, or the server's audit log, is intact",
		Long: `verify reads the whole archive and checks the signature of its head, the
chain of versions (each manifest against the digest its successor records),
sequence numbers, removals against retention dates, and the SHA-256 of every
file of every version. It exits 0 when the archive is intact and 1 when it is
not, naming each file altered or removed, each version removed, swapped or
altered, and a forged head or replaced key.

By default the archive's own public key is trusted; --pubkey FILE pins the
key, which also catches an archive re-signed throughout with another key.

With --db, verify checks the hash chain of gpai serve's audit log instead
(every staff action and state change): exit 0 when intact, 1 naming the first
broken event.`,
		Example: "  gpai verify\n  gpai verify --archive /srv/archive --pubkey archive.pub --format json\n  gpai verify --db cases.db",
		Args:    noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if db != "" {
				return verifyAudit(c, db, format)
			}
			a, err := f.open(false)
			if err != nil {
				return err
			}
			if pubkey != "" {
				b, err := os.ReadFile(pubkey)
				if err != nil {
					return &usageError{err: fmt.Errorf("--pubkey: %v", err), hint: "--pubkey " + filepath.Join(f.folder(), "keys", "archive.pub")}
				}
				if a.PublicKey, err = archive.ParsePublicKey(b); err != nil {
					return &usageError{err: fmt.Errorf("--pubkey %s: %v", pubkey, err), hint: "--pubkey " + filepath.Join(f.folder(), "keys", "archive.pub")}
				}
			}
			r, err := a.Verify(c.Context())
			if err != nil {
				return f.error(err)
			}
			w := c.OutOrStdout()
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				if err := enc.Encode(r); err != nil {
					return err
				}
			} else {
				writeReport(w, f.folder(), r)
			}
			if !r.OK() {
				return &exitError{exitFindings}
			}
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&pubkey, "pubkey", "", "trust this public key (PEM) rather than the archive's own")
	c.Flags().StringVar(&db, "db", "", "verify the audit log of this gpai serve database (SQLite file or postgres:// DSN) instead of the archive")
	f = m.archiveFlags(c, false)
	return c
}

func writeReport(w io.Writer, dir string, r *archive.Report) {
	if r.OK() {
		fmt.Fprintf(w, "The archive %s is intact: %d entries (%d live versions), %d files in %d objects checked", dir, r.Versions, r.Live, r.Files, r.Objects)
		if r.Head != nil && r.Head.Seq > 0 {
			fmt.Fprintf(w, "; head version %d, manifest %s", r.Head.Seq, r.Head.Manifest)
		}
		fmt.Fprintf(w, "; key %s.\n", r.Key)
	} else {
		fmt.Fprintf(w, "The archive %s is NOT intact: %d problem(s).\n", dir, len(r.Problems))
		for _, p := range r.Problems {
			fmt.Fprintf(w, "  %s: %s\n", p.Kind, p.Message)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func (m *Main) archiveDocCommands() []*cobra.Command {
	return []*cobra.Command{m.docPublishCommand(), m.docHistoryCommand(), m.docShowCommand(), m.docRemoveCommand()}
}

func (m *Main) docPublishCommand() *cobra.Command {
	var kind, label string
	var f *archiveFlags
	c := &cobra.Command{
		Use:   "publish DIR",
		Short: "Store the dossier's rendered documents and sources as a new archived version",
		Long: `publish stores the documents of the dossier in DIR (rendered for each
recipient, and their sources) in the archive as a new version: each file
content-addressed by its SHA-256, the version chained by hash to the previous
one, the new head signed with the archive's key. The version is retained for
10 years after the model was placed on the EU market (gpai.yaml
dates.eu_placement), as the Code of Practice asks (Transparency, Measure 1.1).

Publishing what the newest version of the same kind and model already holds
changes nothing. A version label (--version) names one content only.`,
		Example: "  gpai doc publish --version 1.2 examples/api-model\n  gpai doc publish --kind summary --archive /srv/archive my-model",
		Args:    oneDir,
		RunE: func(c *cobra.Command, args []string) error {
			if strings.TrimSpace(kind) == "" {
				return &usageError{err: fmt.Errorf("--kind is empty"), hint: "--kind documentation"}
			}
			a, err := f.open(true)
			if err != nil {
				return err
			}
			files, meta, retain, err := m.publishArtifacts(c.Context(), args[0], kind)
			if err != nil {
				return err
			}
			v, created, err := a.Publish(c.Context(), archive.Publication{Kind: kind, Label: label, Meta: meta, Files: files, RetainUntil: retain})
			if err != nil {
				return f.error(err)
			}
			w := c.OutOrStdout()
			if !created {
				fmt.Fprintf(w, "Unchanged: version %d already holds %s.\n", v.Seq, countFiles(len(v.Files)))
				return nil
			}
			fmt.Fprintf(w, "Published %s as version %d of %s: %s, retained until %s; manifest %s.\n",
				describe(v), v.Seq, f.folder(), countFiles(len(v.Files)), v.RetainUntil.Format(time.DateOnly), v.Digest)
			return nil
		},
	}
	c.Flags().StringVar(&kind, "kind", "documentation", "document kind: documentation, summary, ...")
	c.Flags().StringVar(&label, "version", "", "version label of the documents, such as 1.2")
	f = m.archiveFlags(c, true)
	return c
}

// countFiles counts files in words.
func countFiles(n int) string {
	if n == 1 {
		return "1 file"
	}
	return fmt.Sprintf("%d files", n)
}

// describe names a version for people: kind, label and model.
func describe(v *archive.Version) string {
	s := v.Kind
	if v.Label != "" {
		s += " " + v.Label
	}
	if v.Model() != "" {
		s += " of " + v.Model()
	}
	return s
}

// versionJSON is a version as history and show print it in JSON.
type versionJSON struct {
	Version     int               `json:"version"`
	Op          string            `json:"op"`
	Manifest    string            `json:"manifest"`
	Prev        string            `json:"prev,omitempty"`
	Published   time.Time         `json:"published"`
	Kind        string            `json:"kind,omitempty"`
	Label       string            `json:"label,omitempty"`
	Meta        map[string]string `json:"meta,omitempty"`
	RetainUntil string            `json:"retain_until,omitempty"`
	Files       []fileJSON        `json:"files,omitempty"`
	RemovedBy   int               `json:"removed_by,omitempty"`
	Removes     int               `json:"removes,omitempty"`
	Reason      string            `json:"reason,omitempty"`
}

type fileJSON struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

func toJSON(v *archive.Version) versionJSON {
	j := versionJSON{Version: v.Seq, Op: v.Op, Manifest: v.Digest, Prev: v.Prev, Published: v.Published, Kind: v.Kind, Label: v.Label,
		Meta: v.Meta, RemovedBy: v.RemovedBy, Reason: v.Reason}
	if !v.RetainUntil.IsZero() {
		j.RetainUntil = v.RetainUntil.Format(time.DateOnly)
	}
	for _, f := range v.Files {
		j.Files = append(j.Files, fileJSON{f.Name, f.SHA256, f.Size})
	}
	if v.Removes != nil {
		j.Removes = v.Removes.Seq
	}
	return j
}

func (m *Main) docHistoryCommand() *cobra.Command {
	var format string
	var f *archiveFlags
	c := &cobra.Command{
		Use:   "history",
		Short: "List the archived versions, newest first",
		Long: `history lists the entries of the archive, newest first: each published
version with its kind, label, model, publication time, retention date and
number of files, versions removed after their retention date, and the
tombstones that record those removals. It checks the signature and the
chain, not the files (gpai verify checks everything).`,
		Example: "  gpai doc history\n  gpai doc history --format json",
		Args:    noArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			a, err := f.open(false)
			if err != nil {
				return err
			}
			h, err := a.History(c.Context())
			if err != nil {
				return f.error(err)
			}
			w := c.OutOrStdout()
			if format == "json" {
				out := make([]versionJSON, len(h))
				for i, v := range h {
					out[i] = toJSON(v)
				}
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			if len(h) == 0 {
				fmt.Fprintf(w, "The archive %s has no versions yet; publish one with: gpai doc publish DIR\n", f.folder())
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "VERSION\tKIND\tLABEL\tMODEL\tPUBLISHED\tRETAIN UNTIL\tFILES")
			for _, v := range h {
				when := v.Published.Format("2006-01-02 15:04 UTC")
				switch {
				case v.Op == archive.OpRemove:
					fmt.Fprintf(tw, "%d\tremoval of version %d\t\t\t%s\t\t%s\n", v.Seq, v.Removes.Seq, when, v.Reason)
				case v.RemovedBy != 0:
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\tremoved by %d\n", v.Seq, v.Kind, v.Label, v.Model(), when, v.RetainUntil.Format(time.DateOnly), v.RemovedBy)
				default:
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\n", v.Seq, v.Kind, v.Label, v.Model(), when, v.RetainUntil.Format(time.DateOnly), len(v.Files))
				}
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	f = m.archiveFlags(c, false)
	return c
}

func (m *Main) docShowCommand() *cobra.Command {
	var format, file string
	var f *archiveFlags
	c := &cobra.Command{
		Use:   "show VERSION",
		Short: "Show an archived version, or print one of its files",
		Long: `show prints the manifest of an archived version: its metadata and its files
with their SHA-256 and size. With --file NAME it prints that file's content
instead, after checking it against the manifest. VERSION is a version number,
a version label (the newest version so labelled), or "latest".`,
		Example: "  gpai doc show latest\n  gpai doc show 3 --file documentation.md > documentation-v3.md",
		Args:    oneVersion,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			a, err := f.open(false)
			if err != nil {
				return err
			}
			v, err := a.Show(c.Context(), args[0])
			if err != nil {
				return f.error(err)
			}
			w := c.OutOrStdout()
			if file != "" {
				b, err := a.ReadFile(c.Context(), v, file)
				if err != nil {
					return f.error(err)
				}
				_, err = w.Write(b)
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(w)
				enc.SetIndent("", "  ")
				return enc.Encode(toJSON(v))
			}
			if v.Op == archive.OpRemove {
				fmt.Fprintf(w, "Entry %d: removal of version %d on %s", v.Seq, v.Removes.Seq, v.Published.Format(time.DateOnly))
				if v.Reason != "" {
					fmt.Fprintf(w, " (%s)", v.Reason)
				}
				fmt.Fprintf(w, "\nManifest: %s\n", v.Digest)
				return nil
			}
			fmt.Fprintf(w, "Version %d: %s\nPublished: %s\nRetain until: %s\nManifest: %s\n", v.Seq, describe(v),
				v.Published.Format(time.RFC3339), v.RetainUntil.Format(time.DateOnly), v.Digest)
			if v.RemovedBy != 0 {
				fmt.Fprintf(w, "Removed by entry %d on %s; its files are gone.\n", v.RemovedBy, v.RemovedAt.Format(time.DateOnly))
			}
			for _, k := range sortedKeys(v.Meta) {
				if k != "model" {
					fmt.Fprintf(w, "%s: %s\n", k, v.Meta[k])
				}
			}
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "\nFILE\tSIZE\tSHA-256")
			for _, x := range v.Files {
				fmt.Fprintf(tw, "%s\t%d\t%s\n", x.Name, x.Size, x.SHA256)
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().StringVar(&file, "file", "", "print the content of this file of the version")
	f = m.archiveFlags(c, false)
	return c
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func (m *Main) docRemoveCommand() *cobra.Command {
	var reason string
	var f *archiveFlags
	c := &cobra.Command{
		Use:   "remove VERSION",
		Short: "Remove an archived version after its retention date",
		Long: `remove deletes the files of an archived version once its retention date
(10 years after the model was placed on the EU market) has passed; before
that it refuses. The removal is recorded in the chain as a tombstone, signed
like any version, and the version's manifest stays, so gpai verify still
proves the archive intact and shows what was removed and when.`,
		Example: "  gpai doc remove 3 --reason \"retention period over\"",
		Args:    oneVersion,
		RunE: func(c *cobra.Command, args []string) error {
			a, err := f.open(true)
			if err != nil {
				return err
			}
			t, err := a.Remove(c.Context(), args[0], reason)
			if err != nil {
				return f.error(err)
			}
			fmt.Fprintf(c.OutOrStdout(), "Removed version %d; the removal is entry %d of the archive (manifest %s).\n", t.Removes.Seq, t.Seq, t.Digest)
			return nil
		},
	}
	c.Flags().StringVar(&reason, "reason", "", "why the version is removed, recorded in the tombstone")
	f = m.archiveFlags(c, true)
	return c
}

// verifyAudit checks the hash chain of the server's audit log.
func verifyAudit(c *cobra.Command, db, format string) error {
	st, err := openStore(db)
	if err != nil {
		return err
	}
	defer st.close()
	r, err := st.audit.VerifyAudit(c.Context())
	if err != nil {
		return err
	}
	w := c.OutOrStdout()
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if r.OK() {
		fmt.Fprintf(w, "The audit log of %s is intact: %d events, head %d.\n", db, r.Events, r.Head)
	} else {
		fmt.Fprintf(w, "The audit log of %s is NOT intact: event %d (%s %s at %s): %s.\n", db, r.Broken.Seq, r.Broken.Action, r.Broken.Object, r.Broken.Time.UTC().Format(time.RFC3339), r.Problem)
	}
	if !r.OK() {
		return &exitError{exitFindings}
	}
	return nil
}
