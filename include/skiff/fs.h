#pragma once
/* File-system helpers: every failure fills *err naming the path. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct skiff_error;

/* mkdir -p; existing directories are fine. */
int skiff_fs_mkdir_p (const char *path, mode_t mode, struct skiff_error **err);

enum skiff_write_flags
{
  SKIFF_WRITE_DURABLE = 1 << 0, /* fsync the file before the rename (and its directory after) */
};

/* Atomic replace: write <path>.tmp.<pid>, optionally fsync, rename over path. */
int skiff_fs_write_atomic (const char *path, const void *data, size_t len, mode_t mode,
                           unsigned flags, struct skiff_error **err);

/* Creates path with O_EXCL and writes data; fails with EEXIST if it exists. */
/* fsync()s the directory holding path: makes a rename or create of path durable. */
int skiff_fs_fsync_parent (const char *path, struct skiff_error **err);
int skiff_fs_write_exclusive (const char *path, const void *data, size_t len, mode_t mode,
                              struct skiff_error **err);

/* Reads a whole file, NUL-terminated (len excludes the NUL).  len may be NULL. */
int skiff_fs_read_file (const char *path, char **out, size_t *len, struct skiff_error **err);
int skiff_fs_read_fd (int fd, const char *name, char **out, size_t *len, struct skiff_error **err);

/* rm -rf that does not follow symlinks and does not cross mount points.  Missing is fine. */
int skiff_fs_rm_rf (const char *path, struct skiff_error **err);

bool skiff_fs_exists (const char *path);

/* openat2 of rel ("" = root_fd itself) beneath root_fd with no symlink (nor magic link) on the
 * way and none at the end (O_NOFOLLOW): for trees a container or an image controls.  Returns
 * the fd (close-on-exec) or -1 with errno. */
int skiff_fs_open_beneath (int root_fd, const char *rel, int flags);

/* Joins a and b with exactly one '/'. */
char *skiff_path_join (const char *a, const char *b);

/* write(2) until all of data is written (retrying EINTR); name is for the error
 * ("write <name>: ..."). */
int skiff_fs_write_all (int fd, const void *data, size_t len, const char *name,
                        struct skiff_error **err);
