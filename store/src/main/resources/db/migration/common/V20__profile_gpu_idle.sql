-- How long a profile's servers may leave their GPUs idle before the GPUs are given back (the
-- server restarts on a CPU profile), in minutes: NULL for the hub's default, 0 for never.
ALTER TABLE profiles ADD COLUMN gpu_idle_minutes DOUBLE PRECISION;
