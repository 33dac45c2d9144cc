-- Cases, users, sessions, tokens, accepted reservations and the audit log.
-- Times are TEXT in UTC, "2006-01-02T15:04:05.000000Z": fixed width, so
-- they sort as they compare.
CREATE TABLE cases (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
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
	deadline            TEXT,
	received_at         TEXT NOT NULL,
	due_at              TEXT NOT NULL,
	updated_at          TEXT NOT NULL,
	closed_at           TEXT
);
CREATE INDEX cases_inbox ON cases ((closed_at IS NOT NULL), due_at);
CREATE INDEX cases_email ON cases (submitter_email);

CREATE TABLE case_events (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
	type        TEXT NOT NULL,
	actor       TEXT NOT NULL,
	at          TEXT NOT NULL,
	from_status TEXT NOT NULL DEFAULT '',
	to_status   TEXT NOT NULL DEFAULT '',
	text        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	email         TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL DEFAULT '',
	role          TEXT NOT NULL CHECK (role IN ('admin','officer','viewer')),
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	hash       TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	name       TEXT NOT NULL,
	kind       TEXT NOT NULL CHECK (kind IN ('downstream','api')),
	scopes     TEXT NOT NULL DEFAULT '', -- space-separated
	hash       TEXT NOT NULL UNIQUE,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT,
	revoked_at TEXT
);

CREATE TABLE reservations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	kind        TEXT NOT NULL CHECK (kind IN ('domain','url','work')),
	value       TEXT NOT NULL,
	case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE RESTRICT,
	note        TEXT NOT NULL DEFAULT '',
	accepted_by TEXT NOT NULL,
	accepted_at TEXT NOT NULL,
	UNIQUE (kind, value)
);

-- The audit log is append-only: the triggers refuse updates and deletes
-- through SQL, so that only someone bypassing SQLite can alter it, and
-- the hash chain shows that.
CREATE TABLE audit_events (
	seq       INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	actor     TEXT NOT NULL,
	action    TEXT NOT NULL,
	object    TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TABLE audit_guard (value INTEGER NOT NULL);
INSERT INTO audit_guard VALUES (1);
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
	WHEN (SELECT value FROM audit_guard) = 1
	BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
	WHEN (SELECT value FROM audit_guard) = 1
	BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
