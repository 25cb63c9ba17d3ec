-- Replicated services (issue 6): what an admin declared. Replicas are containers with
-- reservations (owner svc:<name>:<replica>), found again on the nodes after a restart.
CREATE TABLE services (
  name               VARCHAR(63)      PRIMARY KEY,
  image              VARCHAR(255)     NOT NULL,
  command            JSON             NOT NULL,
  cpu_millicores     INTEGER          NOT NULL,
  memory_mb          INTEGER          NOT NULL,
  request_threshold  DOUBLE PRECISION NOT NULL,
  min_replicas       INTEGER          NOT NULL,
  max_replicas       INTEGER          NOT NULL,
  strategy           VARCHAR(32)      NOT NULL,
  created_at         TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
