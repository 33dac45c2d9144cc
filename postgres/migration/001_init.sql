-- Cases, users, sessions, tokens, accepted reservations and the audit log:
-- the same tables, columns and constraints as sqlite/migration/001_init.sql.
CREATE TABLE cases (
	id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	reference           TEXT NOT NULL UNIQUE,
	kind                TEXT NOT NULL CHECK (kind IN ('complaint','reservation','information','downstream','authority')),
	status              TEXT NOT NULL CHECK (status IN ('received','acknowledged','in-review','resolved','rejected','manifestly-unfounded')),
	reason              TEXT NOT NULL DEFAULT '',
	submitter_name      TEXT NOT NULL DEFAULT '',
	submitter_email     TEXT NOT NULL,
	submitter_org       TEXT NOT NULL DEFAULT '',
	submitter_on_behalf TEXT NOT NULL DEFAULT '',
	subject             TEXT NOT NULL,
	body                TEXT NOT NULL,
	targets             TEXT NOT NULL DEFAULT '[]', -- JSON array of {kind, value}
	model               TEXT NOT NULL DEFAULT '',
	legal_basis         TEXT NOT NULL DEFAULT '',
	purpose             TEXT NOT NULL DEFAULT '',
	deadline            TIMESTAMPTZ,
	received_at         TIMESTAMPTZ NOT NULL,
	due_at              TIMESTAMPTZ NOT NULL,
	updated_at          TIMESTAMPTZ NOT NULL,
	closed_at           TIMESTAMPTZ
);
CREATE INDEX cases_inbox ON cases ((closed_at IS NOT NULL), due_at);
CREATE INDEX cases_email ON cases (submitter_email);

CREATE TABLE case_events (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	type        TEXT NOT NULL,
	actor       TEXT NOT NULL,
	at          TIMESTAMPTZ NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status   TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE users (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('admin','officer','viewer')),
	password_hash TEXT NOT NULL,
	disabled      BOOLEAN NOT NULL DEFAULT FALSE,
	created_at    TIMESTAMPTZ NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	hash       TEXT NOT NULL UNIQUE,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('downstream','api')),
	scopes     TEXT NOT NULL DEFAULT '', -- space-separated
	hash       TEXT NOT NULL UNIQUE,
	created_by TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL,
	expires_at TIMESTAMPTZ,
	revoked_at TIMESTAMPTZ
);

CREATE TABLE reservations (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind        TEXT NOT NULL CHECK (kind IN ('domain','url','work')),
	value       TEXT NOT NULL,
	case_id     BIGINT NOT NULL REFERENCES cases (id) ON DELETE RESTRICT,
	note        TEXT NOT NULL DEFAULT '',
	accepted_by TEXT NOT NULL,
	accepted_at TIMESTAMPTZ NOT NULL,
	UNIQUE (kind, value)
);

-- The audit log is append-only: the trigger refuses updates and deletes
-- while the guard is set, so that altering it takes a deliberate act, and
-- the hash chain shows that.
CREATE TABLE audit_events (
	seq       BIGINT PRIMARY KEY,
	at        TIMESTAMPTZ NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	object    TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TABLE audit_guard (value INTEGER NOT NULL);
INSERT INTO audit_guard VALUES (1);
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF (SELECT value FROM audit_guard) = 1 THEN
		RAISE EXCEPTION 'audit_events is append-only';
	END IF;
	RETURN COALESCE(NEW, OLD);
END $$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
	FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
