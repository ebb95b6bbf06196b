/* TEMPORARY: commands not implemented yet; each helper deletes its stub when it adds the file. */
#include "cli.h"
#define STUB(n) int n (struct skiff_cli *cli, int argc, char **argv, struct skiff_error **err) { return skiff_error_make (err, 38, "%s: not implemented", #n); }
STUB (cmd_import)
STUB (cmd_images)
