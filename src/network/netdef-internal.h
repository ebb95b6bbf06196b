#pragma once
/* Shared by the network definition files (netdef.c, netdef_create.c, membership.c,
 * hosts_sync.c, isolate.c). */
#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "skiff/netdef.h"

bool skiff_netdef_parse_ip (const char *text, uint32_t *out);
/* "a.b.c.d/N": the network (host bits cleared) and N. */
bool skiff_netdef_parse_cidr (const char *text, uint32_t *net, unsigned *plen);
/* buf, holding ip's dotted text */
char *skiff_netdef_ip_text (uint32_t ip, char buf[16]);
int skiff_netdef_parse (yajl_val root, const char *path, struct skiff_netdef *d,
                        struct skiff_error **err);
/* <root>/networks/lock: held while a definition is written or removed. */
char *skiff_netdef_lock_path (struct skiff_store *store);
