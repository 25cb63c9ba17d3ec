-- A retired profile is offered to nobody and starts nothing new; servers running on it keep it.
ALTER TABLE profiles ADD COLUMN retired BOOLEAN NOT NULL DEFAULT FALSE;
