-- The images users may start, declared by administrators: a display name, the profiles each is
-- offered with and the groups whose members may use it (names separated by spaces; NULL: all).
-- With none declared, the hub offers GPUHUB_CPU_IMAGE and GPUHUB_GPU_IMAGE as before.
CREATE TABLE hub_images (
  reference       VARCHAR(255)  NOT NULL PRIMARY KEY,
  display_name    VARCHAR(100)  NOT NULL,
  profiles        VARCHAR(4000),
  allowed_groups  VARCHAR(4000)
);
