package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/web"
)

func (m *Main) tokenCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "token",
		Short: "Issue, list and revoke the access tokens of gpai serve",
		Long: `token manages the access tokens of gpai serve. A downstream token lets a
downstream provider read the documentation for downstream providers
(/downstream) and send requests; an API token lets a machine call the JSON API
(/api/openapi.json) within its scopes. A token's secret is printed once, when
it is issued: only its SHA-256 hash is stored. Admins and officers can do the
same on the server's /staff/tokens page.`,
		Example: "  gpai token issue --db gpai.db --kind downstream --name \"Acme GmbH\"\n  gpai token list --db gpai.db\n  gpai token revoke --db gpai.db 3",
	}
	c.AddCommand(m.tokenIssueCommand(), m.tokenListCommand(), m.tokenRevokeCommand())
	return c
}

// dbFlag registers --db on c.
func dbFlag(c *cobra.Command, db *string) {
	c.Flags().StringVar(db, "db", "", "SQLite file or postgres:// DSN (also GPAI_DB)")
}

// parseExpiry reads a token lifetime: "never", a number of days ("90d"),
// a Go duration ("36h") or a date ("2027-01-31", the end of that day in
// UTC). It returns nil for never.
func parseExpiry(s string, now time.Time) (*time.Time, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "never":
		return nil, nil
	case strings.HasSuffix(s, "d"):
		if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n > 0 {
			t := now.Add(time.Duration(n) * 24 * time.Hour)
			return &t, nil
		}
	default:
		if d, err := time.ParseDuration(s); err == nil && d > 0 {
			t := now.Add(d)
			return &t, nil
		}
		if d, err := time.Parse(time.DateOnly, s); err == nil && d.After(now) {
			t := d.Add(24*time.Hour - time.Second)
			return &t, nil
		}
	}
	return nil, &usageError{err: fmt.Errorf("--expires %q: give days (90d), a duration (36h), a future date (2027-01-31) or never", s), hint: "--expires 90d"}
}

func (m *Main) tokenIssueCommand() *cobra.Command {
	var db, kind, name, expires string
	var scopes []string
	c := &cobra.Command{
		Use:   "issue",
		Short: "Issue a downstream or API token and print its secret once",
		Long: `issue creates an access token and prints its secret once: give it to the
holder now, over a secure channel; it cannot be shown again.

--kind downstream issues a token for a downstream provider, named by --name;
it opens the documentation for downstream providers and takes no scopes.
--kind api issues a token for a machine calling the JSON API, with one or
more --scope: ` + strings.Join(web.Scopes, ", ") + `.

--expires sets the lifetime: days (90d, the default), a duration (36h), a
date (2027-01-31, valid through that day, UTC) or never.`,
		Example: "  gpai token issue --db gpai.db --kind downstream --name \"Acme GmbH\" --expires 180d\n  gpai token issue --db gpai.db --kind api --name ticketing --scope cases:read --scope cases:write",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			db = envDefault(c, "db", db, m.Getenv, "GPAI_DB")
			hint := `gpai token issue --db gpai.db --kind downstream --name "Acme GmbH"`
			switch gpai.TokenKind(kind) {
			case gpai.TokenDownstream:
				if len(scopes) > 0 {
					return &usageError{err: fmt.Errorf("a downstream token takes no --scope: it opens the downstream view by its kind"), hint: hint}
				}
			case gpai.TokenAPI:
				if len(scopes) == 0 {
					return &usageError{err: fmt.Errorf("an API token needs at least one --scope: %s", strings.Join(web.Scopes, ", ")), hint: "gpai token issue --db gpai.db --kind api --name ticketing --scope cases:read"}
				}
				for _, s := range scopes {
					if !slices.Contains(web.Scopes, s) {
						return &usageError{err: fmt.Errorf("unknown --scope %q: use %s", s, strings.Join(web.Scopes, ", ")), hint: "--scope cases:read"}
					}
				}
			default:
				return &usageError{err: fmt.Errorf("unknown --kind %q: use downstream or api", kind), hint: hint}
			}
			if strings.TrimSpace(name) == "" {
				return &usageError{err: fmt.Errorf("--name is required: who holds the token"), hint: hint}
			}
			exp, err := parseExpiry(expires, time.Now())
			if err != nil {
				return err
			}
			st, err := openStore(db)
			if err != nil {
				return err
			}
			defer st.close()
			t := &gpai.Token{Name: name, Kind: gpai.TokenKind(kind), Scopes: scopes, ExpiresAt: exp}
			secret, err := st.tokens.CreateToken(c.Context(), gpai.SystemActor, t)
			if err != nil {
				return err
			}
			until := "never expires"
			if t.ExpiresAt != nil {
				until = "expires " + t.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC")
			}
			fmt.Fprintf(m.Stdout, "issued %s token %d for %q; %s\n", t.Kind, t.ID, t.Name, until)
			fmt.Fprintf(m.Stdout, "secret: %s\n(shown once: give it to the holder now; it cannot be shown again)\n", secret)
			return nil
		},
	}
	dbFlag(c, &db)
	c.Flags().StringVar(&kind, "kind", "", "downstream or api")
	c.Flags().StringVar(&name, "name", "", `who holds the token, e.g. "Acme GmbH"`)
	c.Flags().StringSliceVar(&scopes, "scope", nil, "scope of an API token (repeatable): "+strings.Join(web.Scopes, ", "))
	c.Flags().StringVar(&expires, "expires", "90d", "lifetime: days (90d), a duration (36h), a date (2027-01-31) or never")
	c.RegisterFlagCompletionFunc("kind", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{string(gpai.TokenDownstream), string(gpai.TokenAPI)}, cobra.ShellCompDirectiveNoFileComp
	})
	c.RegisterFlagCompletionFunc("scope", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return web.Scopes, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}

// tokenState says whether t is active, expired or revoked at now.
func tokenState(t *gpai.Token, now time.Time) string {
	switch {
	case t.RevokedAt != nil:
		return "revoked"
	case !t.Active(now):
		return "expired"
	}
	return "active"
}

func (m *Main) tokenListCommand() *cobra.Command {
	var db, format string
	c := &cobra.Command{
		Use:   "list",
		Short: "List the access tokens, newest first, without their secrets",
		Long: `list prints every access token, newest first: its id, kind, holder, scopes,
who issued it, when it expires and whether it is active, expired or
revoked. Secrets are never stored, so they are never listed.

--format json prints an object with tokens[] (id, name, kind, scopes,
createdBy, createdAt, expiresAt, revokedAt).`,
		Example: "  gpai token list --db gpai.db\n  gpai token list --db gpai.db --format json",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			db = envDefault(c, "db", db, m.Getenv, "GPAI_DB")
			st, err := openStore(db)
			if err != nil {
				return err
			}
			defer st.close()
			tokens, _, err := st.tokens.FindTokens(c.Context(), gpai.TokenFilter{})
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(m.Stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"tokens": tokens})
			}
			if len(tokens) == 0 {
				fmt.Fprintln(m.Stdout, "no tokens (issue one with: gpai token issue)")
				return nil
			}
			now := time.Now()
			tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tNAME\tSCOPES\tCREATED BY\tEXPIRES\tSTATE")
			for _, t := range tokens {
				exp := "never"
				if t.ExpiresAt != nil {
					exp = t.ExpiresAt.UTC().Format(time.DateOnly)
				}
				scopes := strings.Join(t.Scopes, ",")
				if scopes == "" {
					scopes = "-"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Kind, t.Name, scopes, t.CreatedBy, exp, tokenState(t, now))
			}
			return tw.Flush()
		},
	}
	dbFlag(c, &db)
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return c
}

func (m *Main) tokenRevokeCommand() *cobra.Command {
	var db string
	c := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an access token from now on",
		Long: `revoke ends the token with that id (see gpai token list) at once: it no
longer opens the downstream view or the API. The token stays in the list
as revoked, and the audit log records who revoked it.`,
		Example: "  gpai token revoke --db gpai.db 3",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{err: fmt.Errorf("revoke takes one token id, got %d arguments", len(args)), hint: "gpai token revoke --db gpai.db 3"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return &usageError{err: fmt.Errorf("%q is not a token id", args[0]), hint: "gpai token list --db gpai.db"}
			}
			db = envDefault(c, "db", db, m.Getenv, "GPAI_DB")
			st, err := openStore(db)
			if err != nil {
				return err
			}
			defer st.close()
			if err := st.tokens.RevokeToken(c.Context(), gpai.SystemActor, id); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "revoked token %d\n", id)
			return nil
		},
	}
	dbFlag(c, &db)
	return c
}
