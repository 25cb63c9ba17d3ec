-- How a declared image starts: "singleuser" (JupyterHub's single-user server) or a command
-- template; NULL: as the hub's GPUHUB_NOTEBOOK_COMMAND says.
ALTER TABLE hub_images ADD COLUMN start_command VARCHAR(1000);
