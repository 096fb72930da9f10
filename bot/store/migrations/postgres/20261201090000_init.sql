-- schemabot state store, PostgreSQL. Tables are described in docs/queue.md.
CREATE TABLE deliveries (
  id          TEXT PRIMARY KEY,           -- "<host>:<delivery id>" (dedupe key)
  host        TEXT NOT NULL,              -- github | gitlab | git
  event       TEXT NOT NULL,              -- the host's event name
  action      TEXT NOT NULL DEFAULT '',
  repo        TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL,              -- queued | ignored
  reason      TEXT NOT NULL DEFAULT '',
  job_id      BIGINT,
  received_at BIGINT NOT NULL            -- unix milliseconds
);

CREATE TABLE jobs (
  id          BIGSERIAL PRIMARY KEY,
  kind        TEXT NOT NULL,
  key         TEXT NOT NULL,
  payload     TEXT NOT NULL,
  delivery    TEXT NOT NULL DEFAULT '',
  state       TEXT NOT NULL,              -- queued | running | done | failed | superseded
  attempts    INTEGER NOT NULL DEFAULT 0,
  run_after   BIGINT NOT NULL,
  lease_owner TEXT,
  lease_until BIGINT,
  last_error  TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL,
  finished_at BIGINT
);

CREATE INDEX jobs_state_run_after ON jobs (state, run_after);
CREATE INDEX jobs_key_state ON jobs (key, state, id);
