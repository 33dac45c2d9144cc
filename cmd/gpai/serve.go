package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
	"github.com/gpai-project/gpai/archive"
	"github.com/gpai-project/gpai/postgres"
	"github.com/gpai-project/gpai/sqlite"
	"github.com/gpai-project/gpai/web"
)

// store is an opened database with its services.
type store struct {
	cases        gpai.CaseService
	users        gpai.UserService
	sessions     gpai.SessionService
	tokens       gpai.TokenService
	audit        gpai.AuditService
	reservations gpai.ReservationService
	close        func() error
}

// openStore opens (and migrates) the SQLite file or PostgreSQL DSN in db.
func openStore(db string) (*store, error) {
	if db == "" {
		return nil, &usageError{err: fmt.Errorf("no database: give --db FILE or --db postgres://… (or GPAI_DB)"), hint: "--db gpai.db"}
	}
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		p := postgres.NewDB(db)
		if err := p.Open(); err != nil {
			return nil, err
		}
		return &store{postgres.NewCaseService(p), postgres.NewUserService(p), postgres.NewSessionService(p),
			postgres.NewTokenService(p), postgres.NewAuditService(p), postgres.NewReservationService(p), p.Close}, nil
	}
	s := sqlite.NewDB(db)
	if err := s.Open(); err != nil {
		return nil, err
	}
	return &store{sqlite.NewCaseService(s), sqlite.NewUserService(s), sqlite.NewSessionService(s),
		sqlite.NewTokenService(s), sqlite.NewAuditService(s), sqlite.NewReservationService(s), s.Close}, nil
}

// envDefault returns the flag's value, or the environment's if the flag
// was not given.
func envDefault(c *cobra.Command, flag, value string, getenv func(string) string, env string) string {
	if !c.Flags().Changed(flag) && getenv != nil {
		if v := getenv(env); v != "" {
			return v
		}
	}
	return value
}

func (m *Main) serveCommand() *cobra.Command {
	var addr, db, dossierDir, publish, archiveDir, baseURL, provider string
	var insecure bool
	var ops serveOptions
	var dossiers []string
	c := &cobra.Command{
		Use:   "serve",
		Short: "Run the contact point, the staff inbox and the downstream-provider pages",
		Long: `serve runs gpai's web server: the public contact point where rights holders
file copyright complaints, rights reservations and requests for information;
the published documents (from the archive, --archive: for each model the
newest live training-content summary and public copyright documents,
verified, never the internal policy or the documentation form; or a folder,
--publish, e.g. the outputs of gpai copyright render and gpai summary
build); the staff inbox with legal clocks (users from
gpai user add); the dossier dashboard (/staff/dossiers) with the scope,
obligations and findings of every --dossier, checked again when one of its
files changes; the downstream-provider view of the Model Documentation Form
of the first --dossier; account and token management for admins; and a JSON
API (/api/openapi.json).

The database is a SQLite file (default) or a PostgreSQL DSN; migrations are
applied at start. SIGINT or SIGTERM shuts the server down gracefully.

GET /metrics serves Prometheus metrics. With --metrics-addr (e.g.
127.0.0.1:9090) they are served on that separate listener, without
authentication, and not on --addr: keep it on loopback or a private
network. Without it, /metrics on --addr requires an API token with the
scope metrics:read. Behind a reverse proxy, name the proxy with
--trusted-proxy so that the rate limits, the sign-in throttle, the audit
log and the request log see the client's address from X-Forwarded-For;
from any other peer that header is ignored. These settings and the limits
(--submit-burst, --submit-every, --max-body, --session-ttl) can also come
from the GPAI_* variables named in each flag's help.`,
		Example: "  gpai serve --db gpai.db --dossier examples/api-model --publish public/\n  gpai serve --db gpai.db --dossier my-model --archive .gpai-archive\n  gpai serve --db gpai.db --metrics-addr 127.0.0.1:9090 --trusted-proxy 10.0.0.0/8 --max-body 256KiB\n  gpai serve --db gpai.db --dossier models/main --dossier models/small\n  GPAI_DB=postgres://gpai@db/gpai gpai serve --addr :8080",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			addr = envDefault(c, "addr", addr, m.Getenv, "GPAI_ADDR")
			db = envDefault(c, "db", db, m.Getenv, "GPAI_DB")
			archiveDir = envDefault(c, "archive", archiveDir, m.Getenv, "GPAI_ARCHIVE")
			if archiveDir != "" && publish != "" {
				return &usageError{err: fmt.Errorf("--archive and --publish both name the published documents: give one"), hint: "--archive " + archiveDir}
			}
			var pub *archive.Archive
			if archiveDir != "" {
				var err error
				if pub, err = (&archiveFlags{dir: archiveDir}).open(false); err != nil {
					return err
				}
			}
			if err := ops.resolve(c, m.Getenv); err != nil {
				return err
			}
			st, err := openStore(db)
			if err != nil {
				return err
			}
			defer st.close()
			logger := slog.New(slog.NewJSONHandler(m.Stderr, nil))
			cfg := web.DefaultConfig()
			cfg.Addr, cfg.BaseURL, cfg.PublishDir, cfg.SecureCookies = addr, baseURL, publish, !insecure
			ops.configure(&cfg)
			if provider != "" {
				cfg.Provider = provider
			}
			s := &web.Server{Cases: st.cases, Users: st.users, Sessions: st.sessions, Tokens: st.tokens,
				Audit: st.audit, Reservations: st.reservations, Logger: logger, Config: cfg}
			if pub != nil {
				s.Published = newArchiveFS(pub, logger)
			}
			if len(dossiers) > 0 {
				dossierDir = dossiers[0] // the one downstream providers see
				s.Dossiers = newDashboard(dossiers, m.Getenv).Reports
			}
			if dossierDir != "" {
				d, _, _, err := loadDoc(dossierDir)
				if err != nil {
					return err
				}
				if provider == "" {
					s.Config.Provider = d.Facts.Provider.Name
				}
				s.Documentation = newDocCache(dossierDir).Documentation
			}
			if err := s.Open(); err != nil {
				return err
			}
			logger.Info("serving", "addr", s.Addr().String())
			if a := s.MetricsAddr(); a != nil {
				logger.Info("serving metrics", "addr", a.String())
			}
			fmt.Fprintf(m.Stdout, "gpai: serving on http://%s\n", s.Addr())
			<-c.Context().Done()
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			logger.Info("shutting down")
			return s.Close(ctx)
		},
	}
	c.Flags().StringVar(&addr, "addr", ":8080", "address to listen on (also GPAI_ADDR)")
	c.Flags().StringVar(&db, "db", "", "SQLite file or postgres:// DSN (also GPAI_DB)")
	c.Flags().StringArrayVar(&dossiers, "dossier", nil, "dossier folder shown on the dashboard (repeatable); downstream providers see the first one's documentation")
	c.Flags().StringVar(&publish, "publish", "", "folder of published documents to list and serve")
	c.Flags().StringVar(&archiveDir, "archive", "", "archive (gpai doc publish) whose public documents to list and serve, instead of --publish (also GPAI_ARCHIVE)")
	c.Flags().StringVar(&baseURL, "base-url", "", "public URL of the server, e.g. https://ai.example.org")
	c.Flags().StringVar(&provider, "provider", "", "provider name shown on the pages")
	c.Flags().BoolVar(&insecure, "insecure-cookies", false, "send cookies without Secure (plain-HTTP development only)")
	ops.addFlags(c.Flags())
	return c
}

func (m *Main) userCommand() *cobra.Command {
	c := &cobra.Command{
		Use:   "user",
		Short: "Manage the staff accounts of gpai serve",
		Long: `user manages the staff accounts that sign in to gpai serve: add one, list
them, or change one's role or disable it. Admins can do the same on the
server's /staff/users page.`,
		Example: "  gpai user add --db gpai.db --email alice@example.org --role officer\n  gpai user list --db gpai.db\n  gpai user set --db gpai.db alice@example.org --disable",
	}
	var db, email, name, role string
	add := &cobra.Command{
		Use:   "add",
		Short: "Add a staff account (password from standard input, or generated)",
		Long: `add creates a staff account. The password is read from the first line of
standard input; if standard input is empty, a password is generated and
printed once. Roles: admin, officer (handles cases), viewer (read-only).`,
		Example: "  gpai user add --db gpai.db --email alice@example.org --name Alice --role officer",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			db = envDefault(c, "db", db, m.Getenv, "GPAI_DB")
			if email == "" {
				return &usageError{err: fmt.Errorf("--email is required"), hint: "gpai user add --db gpai.db --email alice@example.org --role officer"}
			}
			if !gpai.Role(role).Valid() {
				return &usageError{err: fmt.Errorf("unknown --role %q: use admin, officer or viewer", role), hint: "--role officer"}
			}
			pw, generated := "", false
			if m.Stdin != nil {
				line, err := bufio.NewReader(io.LimitReader(m.Stdin, 4096)).ReadString('\n')
				if err != nil && err != io.EOF {
					return err
				}
				pw = strings.TrimRight(line, "\r\n")
			}
			if pw == "" {
				pw, generated = gpai.NewSecret()[:24], true
			}
			if err := gpai.ValidatePassword(pw); err != nil {
				return err
			}
			st, err := openStore(db)
			if err != nil {
				return err
			}
			defer st.close()
			u := &gpai.User{Email: email, Name: name, Role: gpai.Role(role)}
			if err := st.users.CreateUser(c.Context(), gpai.SystemActor, u, pw); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "added %s (%s), user %d\n", u.Email, u.Role, u.ID)
			if generated {
				fmt.Fprintf(m.Stdout, "password: %s\n(shown once: store it now)\n", pw)
			}
			return nil
		},
	}
	add.Flags().StringVar(&db, "db", "", "SQLite file or postgres:// DSN (also GPAI_DB)")
	add.Flags().StringVar(&email, "email", "", "e-mail address (sign-in name)")
	add.Flags().StringVar(&name, "name", "", "full name")
	add.Flags().StringVar(&role, "role", "officer", "admin, officer or viewer")
	c.AddCommand(add, m.userListCommand(), m.userSetCommand())
	return c
}
