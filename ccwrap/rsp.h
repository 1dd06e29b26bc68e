/* @response-file expansion with the quoting rules of libiberty's
 * buildargv/expandargv, which is what gcc itself uses. */
#ifndef CCWRAP_RSP_H
#define CCWRAP_RSP_H

#include "strvec.h"

/* Returns a malloc'd NUL-terminated copy of the file, or NULL if it
 * cannot be read (then "@file" stays a literal argument, like gcc). */
typedef char *(*rsp_read_fn)(const char *path, void *ctx);

/* Split text into arguments, appending them to out; the new strings are
 * also recorded in pool, which owns them. */
void rsp_split(const char *text, struct strvec *out, struct strvec *pool);

/* Append argv[0..argc) to out with every readable @file replaced by its
 * (recursively expanded) contents.  Returns NULL, or an error message
 * (static string) if the nesting never ends. */
const char *rsp_expand(int argc, char *const *argv, rsp_read_fn read_file,
		       void *ctx, struct strvec *out, struct strvec *pool);

#endif
