-- Shared data an administrator declares: a directory of the nodes mounted into the servers of
-- some profiles (or groups), read-only or read-write. Removing a declaration never touches the data.
CREATE TABLE data_mounts (
  name        VARCHAR(63)  PRIMARY KEY,
  path        VARCHAR(255) NOT NULL,
  target      VARCHAR(255) NOT NULL,
  read_only   BOOLEAN      NOT NULL,
  profiles    JSON         NOT NULL,
  groups_of   JSON         NOT NULL,
  created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP
);
