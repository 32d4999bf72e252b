/* fw_uc: Unity Catalog under /api/2.1/unity-catalog: catalogs, schemas,
 * tables (read and delete; created by SQL through fw_stmt, or EXTERNAL
 * DELTA ones by the public-preview POST tables), volumes,
 * external locations, storage credentials and grants. Names are stored
 * lower-case like the real metastore. */
#ifndef FW_UC_H
#define FW_UC_H

#include <cjson/cJSON.h>
#include "fw_http.h"

/* Lower-cases NAME into BUF; -1 when it is empty, too long or holds a
 * character UC does not allow in a name ('.', ' ', '/', control). */
int fw_uc_name(const char *name, char *buf, size_t n);
/* An external storage path URL of a table or volume: flavour-checked and
 * covered by an external location; -1 and a reply naming WHERE. */
int fw_uc_check_location(fw_ctx *c, const char *url, const char *where);
/* Stamps the common read-only fields (owner, created_*, updated_*,
 * metastore_id) on a new securable O. */
void fw_uc_stamp(fw_ctx *c, cJSON *o);
/* Adds schema CAT.NAME (names already lower-case and checked, CAT
 * existing, the schema absent) with the fields schemas/create sets. */
void fw_uc_add_schema(fw_ctx *c, const char *cat, const char *name, const char *comment, const char *owner);
/* Drops the grants on FULL_NAME of SECTYPE and, with CHILDREN, on every
 * securable under it ("cat." prefix). */
void fw_uc_drop_grants(fw_state *s, const char *sectype, const char *full_name, int children);

#endif
