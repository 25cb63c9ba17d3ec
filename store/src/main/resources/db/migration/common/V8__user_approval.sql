-- Sign-up with approval (GPUHUB_SIGNUP_APPROVAL): a user signed up while it is on waits for an
-- administrator before logging in. Every existing user is approved.
ALTER TABLE hub_users ADD COLUMN approved BOOLEAN DEFAULT TRUE NOT NULL;
