#pragma once
/* Image references (distribution/reference grammar, docker normalisation).
 * "busybox" -> docker.io/library/busybox:latest; "localhost/x" stays; "@sha256:<hex>" digests. */

#include <stdbool.h>

struct skiff_error;

struct skiff_reference
{
  char *domain; /* "docker.io", "localhost:5000" */
  char *path;   /* "library/busybox" */
  char *tag;    /* NULL when only a digest is given and no tag */
  char *digest; /* "sha256:<hex>" or NULL */
};

/* Parses and normalises (adds docker.io, library/, :latest when neither tag nor digest). */
int skiff_reference_parse (const char *text, struct skiff_reference *ref, struct skiff_error **err);
void skiff_reference_clear (struct skiff_reference *ref);
/* "docker.io/library/busybox:latest" (name[:tag][@digest]) */
char *skiff_reference_string (const struct skiff_reference *ref);
/* "docker.io/library/busybox" */
char *skiff_reference_name (const struct skiff_reference *ref);
/* Familiar form: strips docker.io/ and library/: "busybox:latest" */
char *skiff_reference_familiar (const struct skiff_reference *ref);
/* True for a 64-hex string (optionally "sha256:"-prefixed): an image ID, not a name. */
bool skiff_reference_is_id (const char *text);
/* Familiar repository without tag or digest: "busybox", "localhost/x". */
char *skiff_reference_familiar_name (const struct skiff_reference *ref);
/* Familiar form of a reference given as text ("docker.io/library/busybox:latest" ->
 * "busybox:latest"); a copy of text when it does not parse. */
char *skiff_reference_familiar_text (const char *text);
