-- Token scopes (JupyterHub's RBAC names, space-separated, e.g. 'read:users!user=ada users:activity!user=ada').
-- NULL: the token has every right of its owner ('inherit'), as every token made before this had.
ALTER TABLE hub_tokens ADD COLUMN scopes VARCHAR(2000);
