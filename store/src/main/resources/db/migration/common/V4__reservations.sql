-- Placement reservations (core ReservationJournal): what each placement decision holds on a node
-- until it is released, so a restarted server restores them. The same SQL for H2 and PostgreSQL.
-- Timestamps are TIMESTAMP WITH TIME ZONE and written as UTC.

CREATE TABLE reservations (
  id            VARCHAR(64)      PRIMARY KEY,
  owner         VARCHAR(255)     NOT NULL,
  profile       VARCHAR(100),
  hostname      VARCHAR(255)     NOT NULL,
  cpu           DOUBLE PRECISION NOT NULL,
  memory_gb     DOUBLE PRECISION NOT NULL,
  -- JSON array of the GPU UUIDs held exclusively; [] for CPU-only reservations
  gpu_uuids     JSON             NOT NULL,
  -- 'held' or 'bound'
  state         VARCHAR(16)      NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at    TIMESTAMP WITH TIME ZONE,
  bound_at      TIMESTAMP WITH TIME ZONE,
  container_id  VARCHAR(255)
);
CREATE INDEX idx_reservations_owner ON reservations (owner);
CREATE INDEX idx_reservations_hostname ON reservations (hostname);

-- How nodes are chosen for a profile (spread, pack, round_robin...); NULL: the server's default.
ALTER TABLE profiles ADD COLUMN placement_policy VARCHAR(50);
