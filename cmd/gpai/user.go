package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/gpai-project/gpai"
)

func (m *Main) userListCommand() *cobra.Command {
	var db string
	c := &cobra.Command{
		Use:   "list",
		Short: "List the staff accounts with their roles",
		Long: `list prints every staff account of gpai serve, by e-mail address: its id,
name, role (admin, officer or viewer) and whether it is active or disabled.
Passwords are never stored, only their argon2id hashes, and never listed.`,
		Example: "  gpai user list --db gpai.db",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			db = envDefault(c, "db", db, m.Getenv, "GPAI_DB")
			st, err := openStore(db)
			if err != nil {
				return err
			}
			defer st.close()
			users, _, err := st.users.FindUsers(c.Context(), gpai.UserFilter{})
			if err != nil {
				return err
			}
			if len(users) == 0 {
				fmt.Fprintln(m.Stdout, "no users (add one with: gpai user add)")
				return nil
			}
			tw := tabwriter.NewWriter(m.Stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tE-MAIL\tNAME\tROLE\tSTATE")
			for _, u := range users {
				state := "active"
				if u.Disabled {
					state = "disabled"
				}
				name := u.Name
				if name == "" {
					name = "-"
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", u.ID, u.Email, name, u.Role, state)
			}
			return tw.Flush()
		},
	}
	dbFlag(c, &db)
	return c
}

func (m *Main) userSetCommand() *cobra.Command {
	var db, role string
	var disable, enable bool
	c := &cobra.Command{
		Use:   "set EMAIL",
		Short: "Change a staff account's role, or disable or enable it",
		Long: `set changes the account with that e-mail address: --role gives it another
role (admin, officer or viewer); --disable stops it signing in and ends its
sessions at once; --enable lets it sign in again. --role may go with
--disable or --enable. The audit log records every change.`,
		Example: "  gpai user set --db gpai.db alice@example.org --role admin\n  gpai user set --db gpai.db bob@example.org --disable",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) != 1 {
				return &usageError{err: fmt.Errorf("set takes one e-mail address, got %d arguments", len(args)), hint: "gpai user set --db gpai.db alice@example.org --role officer"}
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error {
			hint := "gpai user set --db gpai.db alice@example.org --role officer"
			var upd gpai.UserUpdate
			if c.Flags().Changed("role") {
				r := gpai.Role(role)
				if !r.Valid() {
					return &usageError{err: fmt.Errorf("unknown --role %q: use admin, officer or viewer", role), hint: "--role officer"}
				}
				upd.Role = &r
			}
			switch {
			case disable && enable:
				return &usageError{err: fmt.Errorf("give --disable or --enable, not both"), hint: hint}
			case disable || enable:
				upd.Disabled = &disable
			}
			if upd.Role == nil && upd.Disabled == nil {
				return &usageError{err: fmt.Errorf("nothing to change: give --role, --disable or --enable"), hint: hint}
			}
			db = envDefault(c, "db", db, m.Getenv, "GPAI_DB")
			st, err := openStore(db)
			if err != nil {
				return err
			}
			defer st.close()
			u, err := st.users.FindUserByEmail(c.Context(), args[0])
			if err != nil {
				if gpai.ErrorCode(err) == gpai.ENOTFOUND {
					return gpai.Errorf(gpai.ENOTFOUND, "no user %s (see gpai user list)", args[0])
				}
				return err
			}
			u, err = st.users.UpdateUser(c.Context(), gpai.SystemActor, u.ID, upd)
			if err != nil {
				return err
			}
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(m.Stdout, "%s is now %s, %s\n", u.Email, u.Role, state)
			return nil
		},
	}
	dbFlag(c, &db)
	c.Flags().StringVar(&role, "role", "", "new role: admin, officer or viewer")
	c.Flags().BoolVar(&disable, "disable", false, "stop the account signing in and end its sessions")
	c.Flags().BoolVar(&enable, "enable", false, "let a disabled account sign in again")
	c.RegisterFlagCompletionFunc("role", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"admin", "officer", "viewer"}, cobra.ShellCompDirectiveNoFileComp
	})
	return c
}
