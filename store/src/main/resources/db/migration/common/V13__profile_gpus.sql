-- GPUs per profile: a count (0 to 8) per node instead of a yes/no, and which devices count (a model
-- name pattern, a minimum memory). gpu_required stays, written as gpu_count > 0, for readers of the
-- first release's schema.
ALTER TABLE profiles ADD COLUMN gpu_count INT;
ALTER TABLE profiles ADD COLUMN gpu_model VARCHAR(100);
ALTER TABLE profiles ADD COLUMN gpu_min_memory_gb DOUBLE PRECISION;
UPDATE profiles SET gpu_count = CASE WHEN gpu_required THEN 1 ELSE 0 END, gpu_min_memory_gb = 0;
ALTER TABLE profiles ALTER COLUMN gpu_count SET NOT NULL;
ALTER TABLE profiles ALTER COLUMN gpu_min_memory_gb SET NOT NULL;
