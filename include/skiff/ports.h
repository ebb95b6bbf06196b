#pragma once
/* Port publishing (src/network/ports_*.c, pasta.c): -p/--publish, -P/--publish-all and
 * --expose parsed as docker's go-connections does, recorded in config.json "Ports", made real
 * at start (root: a forwarder process per container, a child of its monitor, listening on the
 * host and connecting to the container's bridge address; rootless: pasta, which also gives
 * the container its outbound network), and the bindings of the running container in
 * containers/<id>/ports (with the forwarder's pid, which exit and rm stop). */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

struct skiff_error;
struct skiff_store;

/* What the user asked for (borrowed strings; NULL-terminated vectors or NULL). */
struct skiff_ports_spec
{
  char **publish; /* -p [ip:][hostPort:]containerPort[/proto], ranges */
  char **expose;  /* --expose port[-end][/proto] */
  bool publish_all;
};

struct skiff_port_binding
{
  char proto[5];           /* "tcp", "udp", "sctp" */
  uint16_t port;           /* the container's */
  char host_ip[46];        /* as given without brackets; "" = every address */
  uint16_t host_port;      /* 0 = a free one, chosen at start */
  uint16_t host_port_last; /* > host_port: a free one of host_port..host_port_last */
};

/* What create decided (config.json "Ports"). */
struct skiff_ports_config
{
  struct skiff_port_binding *bindings; /* -p, one per container port (ranges expanded) */
  size_t n;
  char **exposed; /* "80/tcp": the image's EXPOSE, --expose and -p's, sorted, unique */
  bool publish_all;
};
void skiff_ports_config_clear (struct skiff_ports_config *cfg);

/* -p and --expose checked and expanded with docker's texts (exit 125), plus the image's
 * exposed ports ("80/tcp"). */
int skiff_ports_config_build (const struct skiff_ports_spec *spec, char *const *image_exposed,
                              struct skiff_ports_config *out, struct skiff_error **err);
/* The checks that need no image: the same parse, nothing kept. */
int skiff_ports_spec_check (const struct skiff_ports_spec *spec, struct skiff_error **err);
/* Whether anything is to be published (-p, or -P with an exposed port). */
bool skiff_ports_config_publishes (const struct skiff_ports_config *cfg);
/* One -p value into bindings appended to *v (*n entries); docker's errors. */
int skiff_ports_parse_publish (const char *text, struct skiff_port_binding **v, size_t *n,
                               struct skiff_error **err);
/* One --expose value into "port/proto" keys appended to *keys. */
int skiff_ports_parse_expose (const char *text, char ***keys, struct skiff_error **err);

void skiff_ports_config_gen (yajl_gen g, const struct skiff_ports_config *cfg);
int skiff_ports_config_read (yajl_val root, const char *what, struct skiff_ports_config *cfg,
                             struct skiff_error **err);

/* The bindings made at start: every host port chosen. */
struct skiff_ports_active
{
  struct skiff_port_binding *v; /* host_ip "" stands for 0.0.0.0 */
  size_t n;
  pid_t helper; /* the forwarder or pasta; 0 = none */
  unsigned long long helper_start;
};
void skiff_ports_active_clear (struct skiff_ports_active *a);
/* containers/<id>/ports of a container (dir): -ENOENT when there is none. */
int skiff_ports_active_read (const char *dir, struct skiff_ports_active *out);
int skiff_ports_active_write (const char *dir, const struct skiff_ports_active *a,
                              struct skiff_error **err);

/* At start, in the monitor, once PID 1 (pid) exists: root's forwarder to container_ip (host
 * byte order), or, with pasta, pasta in pid's network namespace (it also configures its
 * network).  The active bindings are recorded in dir. */
int skiff_ports_start (const char *dir, const struct skiff_ports_config *cfg, pid_t pid,
                       uint32_t container_ip, bool pasta, struct skiff_error **err);
/* Exit and rm: the helper stopped, the record removed.  Best effort. */
void skiff_ports_stop (const char *dir);

/* ---- pasta (pasta.c) ---- */
/* /dev/net/tun and the pasta binary usable: 0, or a one-line error naming the culprit. */
int skiff_pasta_check (struct skiff_error **err);
/* Starts pasta for pid's network namespace, forwarding bindings; *helper its pid (a child of
 * ours that dies with us).  Returns once the namespace is configured. */
int skiff_pasta_start (pid_t pid, const char *log_path, const struct skiff_port_binding *v,
                       size_t n, pid_t *helper, struct skiff_error **err);

/* ---- the root forwarder (ports_forward.c) ---- */
/* Forks the forwarder: it owns the listening sockets fds[i] (bindings v[i]) and connects each
 * accepted TCP connection (or UDP peer) to container_ip:v[i].port.  It dies with us. */
int skiff_ports_forwarder_spawn (const int *fds, const struct skiff_port_binding *v, size_t n,
                                 uint32_t container_ip, pid_t *helper, struct skiff_error **err);

/* ---- text (ports_text.c) ---- */
/* `ps`'s PORTS column of the active bindings and exposed ports (docker's grouping). */
char *skiff_ports_ps_text (const struct skiff_ports_active *a, char *const *exposed);
/* "80/tcp" key of a binding (caller frees). */
char *skiff_port_key (const struct skiff_port_binding *b);
/* net.JoinHostPort (host_ip "" -> 0.0.0.0). */
char *skiff_port_host_text (const struct skiff_port_binding *b);
