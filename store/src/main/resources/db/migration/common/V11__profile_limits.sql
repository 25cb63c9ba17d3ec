-- Guarantees and limits (JupyterHub's cpu_guarantee/cpu_limit, mem_guarantee/mem_limit): the
-- existing cpu_requirement and ram_requirement columns hold the guarantees (what placement
-- reserves); these hold the limits. A profile made before keeps its behaviour: limit = guarantee.
ALTER TABLE profiles ADD COLUMN cpu_limit DOUBLE PRECISION;
ALTER TABLE profiles ADD COLUMN mem_limit DOUBLE PRECISION;
UPDATE profiles SET cpu_limit = cpu_requirement, mem_limit = ram_requirement;
ALTER TABLE profiles ALTER COLUMN cpu_limit SET NOT NULL;
ALTER TABLE profiles ALTER COLUMN mem_limit SET NOT NULL;
