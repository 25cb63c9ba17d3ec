-- A training job's priority class: "job" (gives up GPUs above its minimum to people waiting for
-- them) or "scavenger" (gives up all of them). People's servers are the class above both.
ALTER TABLE training_jobs ADD COLUMN priority_class VARCHAR(16) DEFAULT 'job' NOT NULL;
