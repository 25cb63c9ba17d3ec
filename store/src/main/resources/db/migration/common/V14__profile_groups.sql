-- A profile may be limited to the members of some groups (names separated by spaces); NULL: open to
-- everyone, as every profile made before this is.
ALTER TABLE profiles ADD COLUMN allowed_groups VARCHAR(4000);
